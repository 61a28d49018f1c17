package io.vellum.core.command;

import com.google.protobuf.TextFormat;
import io.vellum.core.command.proto.CommandDef;
import io.vellum.core.command.proto.CommandTableData;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The commands a store answers: Redis's metadata for every command it knows (loaded once per
 * process from commands.textproto) with handlers bound per store by {@link CommandGroup}s.
 * A command without a handler is not in the table: it answers as an unknown command and
 * COMMAND does not list it.
 *
 * <p>Built on one thread, then read by the engine thread (lookups) and, for COMMAND's
 * rendering and INFO, only there too.
 */
public final class CommandTable {
    private static final String RESOURCE = "/io/vellum/core/command/commands.textproto";
    private static volatile CommandTableData data;

    private final Map<String, CommandSpec> all = new LinkedHashMap<>();
    /** The bound commands by name in any case, without allocating per lookup. */
    private CommandNameIndex byName;

    private CommandTable(CommandTableData d) {
        for (CommandDef def : d.getCommandList()) {
            CommandSpec spec = new CommandSpec(def, null);
            for (CommandDef sub : def.getSubcommandList()) {
                spec.addSubcommand(new CommandSpec(sub, spec));
            }
            all.put(spec.fullName(), spec);
        }
    }

    /** Redis's metadata as parsed from the resource (parsed once per process). */
    public static CommandTableData metadata() {
        CommandTableData d = data;
        if (d == null) {
            synchronized (CommandTable.class) {
                d = data;
                if (d == null) {
                    try (InputStream in = CommandTable.class.getResourceAsStream(RESOURCE)) {
                        if (in == null) {
                            throw new IllegalStateException("missing resource " + RESOURCE);
                        }
                        d = parse(in.readAllBytes());
                        data = d;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return d;
    }

    /**
     * Test harnesses that start many JVMs ({@code vellum crashtest}) name a directory here:
     * the table, parsed from its text once, is kept there in protobuf's binary form, which
     * loads in a fraction of the text parse's time (a large share of a JVM's start).
     */
    public static final String CACHE_PROPERTY = "vellum.command-table-cache";

    static CommandTableData parse(byte[] text) throws IOException {
        String cacheDir = System.getProperty(CACHE_PROPERTY);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text);
        java.nio.file.Path cached = cacheDir == null ? null
                : java.nio.file.Path.of(cacheDir, "commands-" + Long.toHexString(crc.getValue()) + "-" + text.length + ".binpb");
        if (cached != null && java.nio.file.Files.isRegularFile(cached)) {
            try {
                return CommandTableData.parseFrom(java.nio.file.Files.readAllBytes(cached));
            } catch (IOException e) {
                // a damaged cache: parse the text again
            }
        }
        CommandTableData.Builder b = CommandTableData.newBuilder();
        TextFormat.getParser().merge(new InputStreamReader(new java.io.ByteArrayInputStream(text), StandardCharsets.UTF_8), b);
        CommandTableData d = b.build();
        if (cached != null) {
            java.nio.file.Files.createDirectories(cached.getParent());
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile(cached.getParent(), "commands", ".tmp");
            java.nio.file.Files.write(tmp, d.toByteArray());
            java.nio.file.Files.move(tmp, cached, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return d;
    }

    /** Builds a table with the given groups bound. */
    public static CommandTable build(List<CommandGroup> groups) {
        CommandTable t = new CommandTable(metadata());
        Binder binder = t.new Binder();
        for (CommandGroup g : groups) {
            g.register(binder);
        }
        t.index();
        return t;
    }

    private void index() {
        List<CommandSpec> bound = new ArrayList<>();
        for (CommandSpec s : all.values()) {
            if (s.isBound()) {
                bound.add(s);
            }
        }
        byName = new CommandNameIndex(bound);
    }

    /** Binds handlers to command names. */
    public final class Binder {
        private Binder() {
        }

        /**
         * Binds {@code handler} to {@code name} ("get", or "config|get" for a subcommand).
         * Fails when the name is not a Redis command (the metadata must exist first).
         */
        public Binder bind(String name, CommandHandler handler) {
            spec(name).bind(handler);
            return this;
        }

        /** Binds {@code handler} to every subcommand of the container {@code name} ("cluster"). */
        public Binder bindSubcommands(String name, CommandHandler handler) {
            for (CommandSpec sub : spec(name).subcommands.values()) {
                sub.bind(handler);
            }
            return this;
        }

        /** Overrides key finding for a command whose key specs do not suffice. */
        public Binder keys(String name, KeyExtractor extractor) {
            spec(name).bindKeys(extractor);
            return this;
        }

        private CommandSpec spec(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            int bar = n.indexOf('|');
            CommandSpec s;
            if (bar < 0) {
                s = all.get(n);
            } else {
                CommandSpec container = all.get(n.substring(0, bar));
                s = container == null ? null : container.subcommands.get(n.substring(bar + 1));
            }
            if (s == null) {
                throw new IllegalArgumentException("no metadata for command '" + name + "' in " + RESOURCE);
            }
            return s;
        }
    }

    /**
     * The bound top-level command named by {@code name} (any case), or null. For a container
     * (CONFIG, CLIENT...) the caller resolves the subcommand with {@link CommandSpec#subcommand}.
     */
    public CommandSpec lookup(byte[] name) {
        if (name.length > 64) {
            return null;
        }
        return byName.get(name);
    }

    public CommandSpec lookup(String name) {
        return lookup(name.getBytes(StandardCharsets.UTF_8));
    }

    /** All bound top-level commands in table order. */
    public List<CommandSpec> commands() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec s : all.values()) {
            if (s.isBound()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Every command that has a handler or a subcommand with one, each followed by its bound
     * subcommands (ACL CAT lists containers and subcommands under their own categories).
     */
    public List<CommandSpec> allBoundWithContainers() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec s : all.values()) {
            List<CommandSpec> subs = new ArrayList<>();
            for (CommandSpec sub : s.subcommands()) {
                if (sub.handler() != null) {
                    subs.add(sub);
                }
            }
            if (s.handler() != null || !subs.isEmpty()) {
                out.add(s);
                out.addAll(subs);
            }
        }
        return out;
    }

    /** Every command and subcommand that has a handler, for INFO commandstats. */
    public List<CommandSpec> allBound() {
        List<CommandSpec> out = allBoundWithContainers();
        out.removeIf(s -> s.handler() == null);
        return out;
    }

    /** A command or "container|sub" by full name, bound or not (COMMAND DOCS/INFO of names). */
    public CommandSpec byFullName(String fullName) {
        String n = fullName.toLowerCase(Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) {
            CommandSpec s = all.get(n);
            return s != null && s.isBound() ? s : null;
        }
        CommandSpec c = all.get(n.substring(0, bar));
        return c == null ? null : c.subcommand(n.substring(bar + 1));
    }
}
