package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.InfoContributor;
import io.vellum.core.engine.InfoSection;
import io.vellum.core.keyspace.Database;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * INFO [section [section ...]] (Redis's genRedisInfoString): Redis's sections, field names
 * and formats, with JVM and Vellum figures where Redis reports allocator or fork figures.
 * Modules add fields and sections through {@link InfoContributor}s on the engine.
 * Sections Redis has and Vellum does not fill (latencystats) are not rendered.
 */
public final class InfoCommand implements CommandGroup {
    /** The sections of INFO and INFO default, in Redis's order ("module_list" is titled "Modules"). */
    static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");
    /** INFO all: every built-in section, in Redis's order. */
    static final List<String> ALL = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "module_list", "commandstats", "errorstats", "cluster", "keyspace");

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("info", InfoCommand::info);
    }

    /* INFO [section [section ...]] */
    static void info(CommandContext ctx) {
        Set<String> asked = new LinkedHashSet<>();
        boolean all = false;
        boolean everything = false;
        if (ctx.argc() == 1) {
            asked.addAll(DEFAULT);
        }
        for (int i = 1; i < ctx.argc(); i++) {
            String s = ctx.argString(i).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> asked.addAll(DEFAULT);
                case "all" -> all = true;
                case "everything" -> {
                    all = true;
                    everything = true;
                }
                case "modules" -> {
                    asked.add("module_list");
                    asked.add("modules");
                }
                default -> asked.add(s);
            }
        }
        String text = render(ctx.engine(), asked, all, everything);
        ctx.reply().verbatim("txt", Text.latin1(text));
    }

    /** The INFO text for the asked sections (engine thread). */
    public static String render(Engine engine, Set<String> asked, boolean all, boolean everything) {
        StringBuilder out = new StringBuilder();
        int rendered = 0;
        for (String name : ALL) {
            if (all || asked.contains(name) || (name.equals("module_list") && asked.contains("modules"))) {
                InfoSection sec = InfoSections.build(engine, name);
                for (InfoContributor c : engine.infoContributors()) {
                    c.contribute(name, sec);
                }
                if (rendered++ > 0) {
                    out.append("\r\n");
                }
                sec.appendTo(out, title(name));
            }
        }
        for (InfoContributor c : engine.infoContributors()) {
            for (String own : c.sections()) {
                if (everything || asked.contains("modules") || asked.contains(own)) {
                    InfoSection sec = new InfoSection(own);
                    c.contribute(own, sec);
                    if (rendered++ > 0) {
                        out.append("\r\n");
                    }
                    sec.appendTo(out, title(own));
                }
            }
        }
        return out.toString();
    }

    private static String title(String section) {
        return switch (section) {
            case "cpu" -> "CPU";
            case "module_list" -> "Modules";
            default -> Character.toUpperCase(section.charAt(0)) + section.substring(1);
        };
    }

    /** The built-in sections' fields. */
    static final class InfoSections {
        private InfoSections() {
        }

        static InfoSection build(Engine engine, String name) {
            InfoSection s = new InfoSection(name);
            switch (name) {
                case "server" -> InfoServer.server(engine, s);
                case "clients" -> InfoServer.clients(engine, s);
                case "memory" -> InfoServer.memory(engine, s);
                case "persistence" -> InfoServer.persistence(engine, s);
                case "stats" -> InfoServer.stats(engine, s);
                case "replication" -> InfoServer.replication(engine, s);
                case "cpu" -> InfoServer.cpu(s);
                case "commandstats" -> commandStats(engine, s);
                case "errorstats" -> errorStats(engine, s);
                case "cluster" -> s.put("cluster_enabled", 0);
                case "keyspace" -> keyspace(engine, s);
                default -> {
                    // module_list: Vellum loads no Redis modules
                }
            }
            return s;
        }

        private static void commandStats(Engine engine, InfoSection s) {
            List<CommandSpec> specs = new ArrayList<>(engine.table().allBound());
            for (CommandSpec c : specs) {
                if (c.calls() == 0 && c.failedCalls() == 0 && c.rejectedCalls() == 0) {
                    continue;
                }
                double perCall = c.calls() == 0 ? 0 : (float) c.micros() / c.calls();
                s.put("cmdstat_" + safe(c.fullName()), "calls=" + c.calls() + ",usec=" + c.micros()
                        + ",usec_per_call=" + String.format(Locale.ROOT, "%.2f", perCall)
                        + ",rejected_calls=" + c.rejectedCalls() + ",failed_calls=" + c.failedCalls());
            }
        }

        private static void errorStats(Engine engine, InfoSection s) {
            for (Map.Entry<String, Long> e : engine.errorStats().byCode().entrySet()) {
                s.put("errorstat_" + safe(e.getKey()), "count=" + e.getValue());
            }
        }

        private static void keyspace(Engine engine, InfoSection s) {
            long now = engine.clock().wallMillis();
            for (int i = 0; i < engine.keyspace().count(); i++) {
                Database db = engine.keyspace().db(i);
                if (db.size() > 0 || db.expiresSize() > 0) {
                    s.put("db" + i, "keys=" + db.size() + ",expires=" + db.expiresSize() + ",avg_ttl=" + averageTtl(db, now));
                }
            }
        }

        /**
         * An estimate of the keys' remaining TTL in ms, from the first keys with a TTL (Redis
         * estimates it from the active-expiry samples); 0 without TTLs.
         */
        private static long averageTtl(Database db, long now) {
            var ex = db.expires();
            long sum = 0;
            int n = 0;
            for (int e = ex.firstEntry(); e >= 0 && n < 100; e = ex.nextEntry(e + 1)) {
                long ttl = ex.valueAt(e) - now;
                if (ttl > 0) {
                    sum += ttl;
                    n++;
                }
            }
            return n == 0 ? 0 : sum / n;
        }

        /** Redis's getSafeInfoString: '#', ':', CR and LF become '_'. */
        static String safe(String s) {
            return s.replace('#', '_').replace(':', '_').replace('\r', '_').replace('\n', '_');
        }
    }
}
