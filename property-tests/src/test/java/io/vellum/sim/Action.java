package io.vellum.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One step of a simulated run: a command or a transaction of a client, or something that
 * happens to the store (reopen, crash, torn tail, the clock moving, active expiry). Actions are
 * data: a run is a list of them, a shrunk failing run is printed as Java that rebuilds the list
 * with the factory methods below ({@code import static io.vellum.sim.Action.*}).
 *
 * <p>Arguments are byte strings, one char per byte (ISO-8859-1).
 */
public sealed interface Action {

    /** The action as a Java expression of the factory methods. */
    String java();

    /** A command of client {@code client}. */
    record Command(int client, List<String> args) implements Action {
        @Override
        public String java() {
            return (client == 0 ? "cmd(" : "cmdOn(" + client + ", ") + argList(args) + ")";
        }

        public String describe() {
            return "client " + client + ": " + String.join(" ", args.stream().map(Action::quote).toList());
        }
    }

    /** MULTI, the commands, then EXEC (or DISCARD), as one action so shrinking keeps it whole. */
    record Transaction(int client, List<List<String>> commands, boolean discard) implements Action {
        @Override
        public String java() {
            String cmds = commands.stream().map(c -> "List.of(" + argList(c) + ")").collect(Collectors.joining(", "));
            return "multi(" + client + ", " + discard + ", " + cmds + ")";
        }
    }

    /** The engine's clock moves on. */
    record AdvanceClock(long millis) implements Action {
        @Override
        public String java() {
            return "clock(" + millis + ")";
        }
    }

    /** The primary's active expiry cycle runs (it logs what it deletes). */
    record ActiveExpire() implements Action {
        @Override
        public String java() {
            return "activeExpire()";
        }
    }

    /** The store is closed cleanly and opened again. */
    record Reopen() implements Action {
        @Override
        public String java() {
            return "reopen()";
        }
    }

    /** The process dies (kill -9: what is in the page cache stays, nothing else happens) and the store is opened again. */
    record Crash() implements Action {
        @Override
        public String java() {
            return "crash()";
        }
    }

    /**
     * The process dies (kill -9) during a BGSAVE: the snapshot's temporary file holds the
     * fraction {@code written} of the snapshot (in [0, 1)) and was never renamed. Then the store
     * is opened again: the temporary file is deleted, the previous snapshot and the log used.
     */
    record CrashDuringSnapshot(double written) implements Action {
        @Override
        public String java() {
            return "crashDuringSnapshot(" + written + ")";
        }
    }

    /**
     * The process dies while writing its last record: the record keeps the fraction {@code kept}
     * of its bytes (in [0, 1)); the rest is zeroes, or gone when {@code truncate} (the file is
     * cut there). Then the store is opened again.
     */
    record TornTail(double kept, boolean truncate) implements Action {
        @Override
        public String java() {
            return "tornTail(" + kept + ", " + truncate + ")";
        }
    }

    /**
     * The log's files are damaged while the store is down (after a kill -9), then it is opened:
     * {@code mode} is "truncate" (the file ends at the offset), "flip" (one byte inverted) or
     * "zero" (zeroes from the offset for {@code length} bytes) at the fraction {@code at} of the
     * records' bytes, or "header-flip" (one byte inverted in Chronicle's header and index before
     * the first record), in the {@code file}-th log file (modulo their number).
     */
    record Damage(String mode, int file, double at, int length) implements Action {
        @Override
        public String java() {
            return "damage(" + javaString(mode) + ", " + file + ", " + at + ", " + length + ")";
        }
    }

    /** A snapshot: BGSAVE (in the background) or SAVE; recovery then loads it and replays the log after it. */
    record Snapshot(boolean background) implements Action {
        @Override
        public String java() {
            return "snapshot(" + background + ")";
        }
    }

    /** The replica is killed (kill -9) and restarted: it recovers from its own log and follows on from there. */
    record ReplicaRestart() implements Action {
        @Override
        public String java() {
            return "replicaRestart()";
        }
    }

    /** The replica's link to the primary drops for the next {@code steps} actions, then it catches up. */
    record LinkDrop(int steps) implements Action {
        @Override
        public String java() {
            return "linkDrop(" + steps + ")";
        }
    }

    // ------------------------------------------------------------------ factories (used by printed runs)

    static Action cmd(String... args) {
        return new Command(0, List.of(args));
    }

    static Action cmdOn(int client, String... args) {
        return new Command(client, List.of(args));
    }

    @SafeVarargs
    static Action multi(int client, boolean discard, List<String>... commands) {
        return new Transaction(client, List.of(commands), discard);
    }

    static Action clock(long millis) {
        return new AdvanceClock(millis);
    }

    static Action activeExpire() {
        return new ActiveExpire();
    }

    static Action reopen() {
        return new Reopen();
    }

    static Action crash() {
        return new Crash();
    }

    static Action crashDuringSnapshot(double written) {
        return new CrashDuringSnapshot(written);
    }

    static Action replicaRestart() {
        return new ReplicaRestart();
    }

    static Action linkDrop(int steps) {
        return new LinkDrop(steps);
    }

    static Action snapshot(boolean background) {
        return new Snapshot(background);
    }

    static Action tornTail(double kept, boolean truncate) {
        return new TornTail(kept, truncate);
    }

    static Action damage(String mode, int file, double at, int length) {
        return new Damage(mode, file, at, length);
    }

    // ------------------------------------------------------------------ printing

    private static String argList(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            out.add(javaString(a));
        }
        return String.join(", ", out);
    }

    /** A Java string literal for a byte string: printable ASCII as is, everything else escaped. */
    static String javaString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** A byte string for a message: printable as is, else in the literal's escapes. */
    static String quote(String s) {
        String j = javaString(s);
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\') ? s : j;
    }

    /** The actions as the body of a {@code List.of(...)}, one a line. */
    static String listJava(List<Action> actions, String indent) {
        return actions.stream().map(a -> indent + a.java()).collect(Collectors.joining(",\n"));
    }

    static byte[][] argv(List<String> args) {
        byte[][] out = new byte[args.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = args.get(i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    static String describe(List<Action> actions) {
        return Arrays.toString(actions.toArray());
    }
}
