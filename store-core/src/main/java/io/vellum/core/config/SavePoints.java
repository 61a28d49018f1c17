package io.vellum.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code save} directive: "seconds changes" pairs ("3600 1 300 100 60 10000", Redis's
 * default); a snapshot is taken when at least {@code changes} writes happened and at least
 * {@code seconds} passed since the last one. Empty: no automatic snapshots.
 */
public final class SavePoints extends ConfigParam<List<SavePoints.Point>> {
    public static final String DEFAULT = "3600 1 300 100 60 10000";

    /** One save point. */
    public record Point(long seconds, long changes) {
    }

    public SavePoints() {
        super("save", List.of(), true, parseOrThrow(DEFAULT));
    }

    @Override
    public boolean acceptsList() {
        return true;
    }

    @Override
    protected List<Point> parse(String text) throws ConfigException {
        String[] w = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
        if (w.length % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < w.length; i += 2) {
            long s;
            long c;
            try {
                s = Long.parseLong(w[i]);
                c = Long.parseLong(w[i + 1]);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
            if (s < 1 || c < 0) {
                throw new ConfigException("Invalid save parameters");
            }
            out.add(new Point(s, c));
        }
        return List.copyOf(out);
    }

    @Override
    protected String format(List<Point> v) {
        StringBuilder sb = new StringBuilder();
        for (Point p : v) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.seconds()).append(' ').append(p.changes());
        }
        return sb.toString();
    }

    private static List<Point> parseOrThrow(String text) {
        try {
            return new SavePoints(true).parse(text);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private SavePoints(boolean bootstrap) {
        super("save", List.of(), true, List.of());
    }
}
