package io.vellum.server.crashtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * What the load clients send: write units, each carrying its tag ({@code t:<client>:<seq>})
 * in its arguments so that its record can be found in the log, with the effect it has on the
 * client's {@link ClientState} once applied.
 *
 * <ul>
 *   <li>{@code mixed}: SET, SET with a TTL, DEL, RPUSH, HSET, INCR and MULTI/EXEC groups of them;</li>
 *   <li>{@code scripts}: EVAL of scripts that do the same (needs scripting);</li>
 *   <li>a {@code .lua} file: EVAL of the user's script with the client's keys and the tag as
 *       arguments, inside MULTI/EXEC with an RPUSH of the tag and an INCR, so every unit
 *       writes and is found in the log whatever the script does.</li>
 * </ul>
 */
interface Workload {
    /** One write unit. */
    record Unit(String tag, List<String[]> commands, Consumer<ClientState> effect) {
        boolean transaction() {
            return commands.get(0)[0].equals("MULTI");
        }
    }

    Unit next(Random r, String prefix, String tag);

    String name();

    static Workload parse(String spec) throws IOException {
        if (spec.equals("mixed")) {
            return new Mixed();
        }
        if (spec.equals("scripts")) {
            return new Scripts();
        }
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new IOException("--workload is mixed, scripts or a .lua file: " + spec + " is none of them");
        }
        return new LuaFile(spec, Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    private static String[] c(String... a) {
        return a;
    }

    /** Plain commands and transactions. */
    final class Mixed implements Workload {
        @Override
        public String name() {
            return "mixed";
        }

        @Override
        public Unit next(Random r, String p, String tag) {
            String k = p + "k" + r.nextInt(ClientState.KEYS);
            String k2 = p + "k" + r.nextInt(ClientState.KEYS);
            String k3 = p + "k" + r.nextInt(ClientState.KEYS);
            String field = "f" + r.nextInt(8);
            return switch (r.nextInt(8)) {
                case 0, 1 -> new Unit(tag, List.<String[]>of(c("SET", k, tag)), s -> s.strings.put(k, tag));
                case 2 -> new Unit(tag, List.<String[]>of(c("SET", k, tag, "PX", "3600000")), s -> s.strings.put(k, tag));
                case 3 -> new Unit(tag, List.of(c("MULTI"), c("DEL", k), c("RPUSH", p + "log", tag), c("EXEC")), s -> {
                    s.strings.remove(k);
                    s.log.add(tag);
                });
                case 4 -> new Unit(tag, List.<String[]>of(c("RPUSH", p + "log", tag)), s -> s.log.add(tag));
                case 5 -> new Unit(tag, List.<String[]>of(c("HSET", p + "h", field, tag)), s -> s.hash.put(field, tag));
                default -> new Unit(tag, List.of(c("MULTI"), c("SET", k, tag), c("SET", k2, tag + "b"), c("DEL", k3),
                        c("RPUSH", p + "log", tag), c("INCR", p + "n"), c("HSET", p + "h", field, tag), c("EXEC")), s -> {
                    s.strings.put(k, tag);
                    s.strings.put(k2, tag + "b");
                    s.strings.remove(k3);
                    s.log.add(tag);
                    s.counter++;
                    s.hash.put(field, tag);
                });
            };
        }
    }

    /** Scripts with the effects of the mixed units, plus one that uses TIME and math.random. */
    final class Scripts implements Workload {
        static final String GROUP = "redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1] .. 'b') "
                + "redis.call('DEL', KEYS[3]) redis.call('RPUSH', KEYS[4], ARGV[1]) redis.call('INCR', KEYS[5]) "
                + "redis.call('HSET', KEYS[6], ARGV[2], ARGV[1]) return 1";
        static final String RANDOM = "local t = redis.call('TIME') "
                + "redis.call('SET', KEYS[1], ARGV[1] .. ':' .. t[1] .. ':' .. math.random(1000)) "
                + "redis.call('RPUSH', KEYS[2], ARGV[1]) return redis.call('LLEN', KEYS[2])";

        @Override
        public String name() {
            return "scripts";
        }

        @Override
        public Unit next(Random r, String p, String tag) {
            String k = p + "k" + r.nextInt(ClientState.KEYS);
            String k2 = p + "k" + r.nextInt(ClientState.KEYS);
            String k3 = p + "k" + r.nextInt(ClientState.KEYS);
            String field = "f" + r.nextInt(8);
            if (r.nextInt(4) == 0) {
                return new Unit(tag, List.<String[]>of(c("EVAL", RANDOM, "2", p + "r", p + "log", tag)), s -> s.log.add(tag));
            }
            return new Unit(tag, List.<String[]>of(c("EVAL", GROUP, "6", k, k2, k3, p + "log", p + "n", p + "h", tag, field)), s -> {
                s.strings.put(k, tag);
                s.strings.put(k2, tag + "b");
                s.strings.remove(k3);
                s.log.add(tag);
                s.counter++;
                s.hash.put(field, tag);
            });
        }
    }

    /** The user's script: KEYS = the client's key for its own use and its hash; ARGV = the tag. */
    final class LuaFile implements Workload {
        private final String file;
        private final String body;

        LuaFile(String file, String body) {
            this.file = file;
            this.body = body;
        }

        @Override
        public String name() {
            return file;
        }

        @Override
        public Unit next(Random r, String p, String tag) {
            // The script may write anything to its keys (p + "u*"): only the tag list and the
            // counter are predicted; the replay of the log checks the rest.
            List<String[]> cmds = new ArrayList<>();
            cmds.add(c("MULTI"));
            cmds.add(c("EVAL", body, "2", p + "u" + r.nextInt(ClientState.KEYS), p + "uh", tag));
            cmds.add(c("RPUSH", p + "log", tag));
            cmds.add(c("INCR", p + "n"));
            cmds.add(c("EXEC"));
            return new Unit(tag, cmds, s -> {
                s.log.add(tag);
                s.counter++;
            });
        }
    }
}
