package io.vellum.server;

import io.vellum.core.config.ConfigException;
import io.vellum.core.config.ConfigParam;
import io.vellum.core.config.StoreConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * redis.conf syntax: one directive per line, arguments split as redis-server splits them
 * (quotes and escapes), '#' comments. Command-line {@code --name value} pairs are turned
 * into lines and applied after the file, as redis-server does. A directive Vellum does not
 * have is a startup error naming the line, never silently ignored.
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /** A directive with its arguments, and where it came from (for error messages). */
    public record Line(String origin, int number, String text, List<String> args) {
    }

    /** Thrown for a file or argument Vellum cannot accept; the message is for the operator. */
    public static final class ConfigFileException extends Exception {
        public ConfigFileException(String message) {
            super(message);
        }
    }

    public static List<Line> read(Path file) throws IOException, ConfigFileException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            out.add(parseLine(file.toString(), i + 1, t));
        }
        return out;
    }

    private static Line parseLine(String origin, int number, String text) throws ConfigFileException {
        List<byte[]> parts = io.vellum.core.util.SplitArgs.split(text.getBytes(StandardCharsets.UTF_8));
        if (parts == null) {
            throw fatal(origin, number, text, "Unbalanced quotes in configuration line");
        }
        List<String> args = new ArrayList<>();
        for (byte[] p : parts) {
            args.add(new String(p, StandardCharsets.UTF_8));
        }
        return new Line(origin, number, text, args);
    }

    /** {@code --port 7000 --save "" --appendfsync always} as directive lines. */
    public static List<Line> fromArguments(List<String> argv) throws ConfigFileException {
        List<Line> out = new ArrayList<>();
        List<String> cur = null;
        for (String a : argv) {
            if (a.startsWith("--") && a.length() > 2) {
                if (cur != null) {
                    out.add(new Line("command line", 0, String.join(" ", cur), cur));
                }
                cur = new ArrayList<>();
                cur.add(a.substring(2));
            } else {
                if (cur == null) {
                    throw new ConfigFileException("Invalid argument '" + a + "': directives are given as --name value");
                }
                cur.add(a);
            }
        }
        if (cur != null) {
            out.add(new Line("command line", 0, String.join(" ", cur), cur));
        }
        return out;
    }

    /** Applies lines to a configuration, failing on the first one it cannot take. */
    public static void apply(List<Line> lines, StoreConfig config) throws ConfigFileException {
        for (Line l : lines) {
            String name = l.args().get(0);
            ConfigParam<?> p = config.find(name);
            if (p == null) {
                throw fatal(l.origin(), l.number(), l.text(), "Bad directive or wrong number of arguments");
            }
            List<String> values = l.args().subList(1, l.args().size());
            String value;
            if (values.size() == 1) {
                value = values.get(0);
            } else if (values.size() > 1 && p.acceptsList()) {
                value = String.join(" ", values);
            } else {
                throw fatal(l.origin(), l.number(), l.text(), "wrong number of arguments");
            }
            try {
                p.setText(value);
            } catch (ConfigException e) {
                throw fatal(l.origin(), l.number(), l.text(), e.getMessage());
            }
        }
    }

    private static ConfigFileException fatal(String origin, int number, String text, String why) {
        String where = number > 0 ? "Reading the configuration file " + origin + ", at line " + number
                : "Reading the " + origin + " arguments";
        return new ConfigFileException("\n*** FATAL CONFIG FILE ERROR (Vellum) ***\n" + where + "\n>>> '" + text + "'\n" + why);
    }
}
