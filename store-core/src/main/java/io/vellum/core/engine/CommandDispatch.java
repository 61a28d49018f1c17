package io.vellum.core.engine;

import io.vellum.core.command.CommandFlag;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.commands.PubSubSupport;
import io.vellum.core.commands.TransactionCommands;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.ScriptingEngine;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.util.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A client's commands from arrival to unit, as Redis's processCommand: each is resolved in
 * the command table, refused with Redis's error (unknown, arity, auth, MULTI, READONLY,
 * MISCONF, subscribed mode, LOADING), queued in a MULTI, parked behind a blocked command, or
 * run as a unit of its own. It also decides which commands may run on a network thread.
 * Separate from the {@link Engine} because these are the rules a client's command meets,
 * while the engine decides who runs units and when; commands run by EXEC, scripts and replay
 * skip the client checks and go through {@link Engine#invoke}. Engine thread (the owner).
 */
final class CommandDispatch {
    private static final Set<String> SCRIPT_CALLS =
            Set.of("eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro");

    private final Engine engine;
    private final EngineLoop loop;
    private final CommandTable table;
    private final StoreConfig config;
    private final UnitClock clock;
    private final ErrorStats errorStats;
    private final ScriptingEngine scripting;
    private final UnitState unit;
    private final EffectDigest.Tee tee;
    private final ErrorStats.CountingSink counting;
    private final RandomGenerator seedSource;

    CommandDispatch(Engine engine, EngineLoop loop, CommandTable table, StoreConfig config, UnitClock clock, ErrorStats errorStats,
            ScriptingEngine scripting) {
        this.engine = engine;
        this.loop = loop;
        this.table = table;
        this.config = config;
        this.clock = clock;
        this.errorStats = errorStats;
        this.scripting = scripting;
        this.unit = engine.unit;
        this.tee = engine.tee;
        this.counting = engine.counting;
        this.seedSource = engine.seedSource;
    }

    /**
     * Runs a session's commands; false if, running on a network thread, it stopped at one
     * that must run on the engine thread (the rest is then first in the inbox).
     */
    boolean processSubmission(Session s, List<byte[][]> commands) {
        if (s.isClosed()) {
            return true;
        }
        if (s.isBlocked() || !s.pending().isEmpty()) {
            s.pending().addAll(commands);
            return true;
        }
        for (int i = 0; i < commands.size(); i++) {
            if (s.closeAfterReply()) {
                return true;
            }
            if (s.isBlocked() || s.postponed) {
                s.pending().addAll(commands.subList(i, commands.size()));
                return true;
            }
            byte[][] argv = commands.get(i);
            CommandSpec spec = resolve(argv);
            if (loop.runningHere && !runsAnywhere(s, spec)) {
                loop.inbox.addFirst(new EngineLoop.Submission(s, new ArrayList<>(commands.subList(i, commands.size()))));
                return false;
            }
            if (s.interceptor() != null) {
                s.interceptor().accept(new ArrayList<>(commands.subList(i, commands.size())));
                return true;
            }
            executeClientCommand(s, argv, spec);
        }
        return true;
    }

    /**
     * Whether a command may run on a network thread: it runs no user code and does not
     * administer the server (Redis's NOSCRIPT flag marks both), or it is transaction control.
     */
    private boolean runsAnywhere(Session s, CommandSpec spec) {
        if (s.interceptor() != null) {
            return false;
        }
        if (spec == null || !spec.has(CommandFlag.NOSCRIPT)) {
            return true;
        }
        switch (spec.fullName()) {
            case "multi", "discard", "watch", "unwatch":
                return true;
            case "exec":
                for (byte[][] q : s.queued()) {
                    CommandSpec qs = resolve(q);
                    if (qs != null && qs.has(CommandFlag.NOSCRIPT) && !scriptRunsHere(s, qs)) {
                        return false;
                    }
                }
                return true;
            default:
                return scriptRunsHere(s, spec);
        }
    }

    /**
     * Scripts run on any thread that runs units: a network thread keeps its connections
     * served while one is busy ({@link Engine#setBusyPump}), and a waiting embedded caller serves
     * none; other connections get -BUSY from their own network threads meanwhile. A
     * debugging session's script stays on the engine thread (it waits for its client).
     */
    private boolean scriptRunsHere(Session s, CommandSpec spec) {
        return SCRIPT_CALLS.contains(spec.fullName()) && scripting != null && scripting.runsOffEngineThread(s);
    }

    /** Runs a blocked-then-released session's queued commands. */
    void drainPending(Session s) {
        while (!s.isBlocked() && !s.postponed && !s.pending().isEmpty() && !s.isClosed() && !s.closeAfterReply()) {
            CommandSpec spec = resolve(s.pending().peek());
            if (loop.runningHere && !runsAnywhere(s, spec)) {
                // the engine thread goes on with them (the session's later commands queue behind)
                loop.inbox.add((Runnable) () -> drainPending(s));
                return;
            }
            executeClientCommand(s, s.pending().poll(), spec);
        }
    }

    private ReplySink replySinkFor(Session s) {
        Session.ReplyMode mode = s.replyMode();
        s.repliesDiscarded = mode != Session.ReplyMode.ON;
        if (mode == Session.ReplyMode.ON) {
            return loop.output(s);
        }
        if (mode == Session.ReplyMode.SKIP_NEXT) {
            s.setReplyMode(Session.ReplyMode.ON);
        }
        return new DiscardingSink(s.protocol());
    }

    /** A client's command, with every check Redis's processCommand makes before running it. */
    /** Runs one client command; {@code spec} is {@link #resolve}'s answer for it (looked up once). */
    private void executeClientCommand(Session s, byte[][] argv, CommandSpec spec) {
        ClientPause pause = engine.clientPause();
        if (pause.active() && spec != null && checkExistence(argv, spec) == null && checkClient(s, spec) == null
                && pause.holds(s, spec, argv)) {
            // processCommand's pause check comes after the others, before MULTI's queuing
            pause.postpone(s, argv);
            return;
        }
        ReplySink out = replySinkFor(s);
        if (s.replyMode() == Session.ReplyMode.SKIP) {
            s.setReplyMode(Session.ReplyMode.SKIP_NEXT);
        }
        // before running it (CLIENT INFO names itself); the time is refreshed by the unit below
        s.noteCommand(spec != null ? spec.fullName() : "NULL", clock.millis());
        String reject = checkExistence(argv, spec);
        if (reject == null) {
            reject = checkClient(s, spec);
        }
        if (reject != null) {
            if (spec != null) {
                spec.recordRejected();
            }
            if (s.inMulti()) {
                s.flagExecAbort();
            }
            if (spec != null && spec.fullName().equals("exec")) {
                // Redis's execCommandAbort, in or out of MULTI
                reject = TransactionCommands.abortRejectedExec(engine, s, reject);
                // execCommandAbort tells the monitors the transaction is over
                engine.monitors().feed(s, s.db(), argv, false);
            }
            errorStats.record(reject);
            engine.errorsSeen = errorStats.total();
            out.error(reject);
            return;
        }
        if (s.inMulti() && !isTransactionControl(spec)) {
            s.queue(argv);
            out.simple("QUEUED");
            return;
        }
        runUnit(s, argv, spec, out);
        s.noteCommand(spec.fullName(), clock.millis());
    }

    private static boolean isTransactionControl(CommandSpec spec) {
        String n = spec.fullName();
        return n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset");
    }

    /** See {@link Engine#resolve}. */
    CommandSpec resolve(byte[][] argv) {
        if (argv.length == 0) {
            return null;
        }
        CommandSpec spec = table.lookup(argv[0]);
        if (spec == null || !spec.hasSubcommands() || argv.length < 2) {
            return spec;
        }
        return spec.subcommand(Text.lower(argv[1]));
    }

    /** See {@link Engine#checkExistence}. */
    String checkExistence(byte[][] argv, CommandSpec spec) {
        if (spec == null) {
            if (argv.length >= 2 && table.lookup(argv[0]) != null) {
                String cmd = Text.latin1(argv[0]).toUpperCase(Locale.ROOT);
                return "ERR unknown subcommand '" + cString(argv[1], 128) + "'. Try " + cmd + " HELP.";
            }
            StringBuilder args = new StringBuilder();
            for (int i = 1; i < argv.length && args.length() < 128; i++) {
                int room = 128 - args.length();
                args.append('\'').append(cString(argv[i], room)).append("' ");
            }
            String name = argv.length == 0 ? "" : cString(argv[0], 128);
            return "ERR unknown command '" + name + "', with args beginning with: " + args;
        }
        // A container alone (CONFIG) fails its arity; one with a handler of its own (COMMAND) runs it.
        if (spec.handler() == null && argv.length < 2 || !spec.arityAccepts(argv.length)) {
            return Errors.wrongArgs(spec.fullName());
        }
        return null;
    }

    /** C's "%.*s" of a byte string: up to the first NUL, at most {@code max} bytes. */
    private static String cString(byte[] b, int max) {
        int n = 0;
        while (n < b.length && n < max && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** The per-client checks of processCommand, after existence and arity. */
    private String checkClient(Session s, CommandSpec spec) {
        if (authRequired(s) && !spec.has(CommandFlag.NO_AUTH)) {
            return Errors.NOAUTH;
        }
        if (s.inMulti() && spec.has(CommandFlag.NO_MULTI)) {
            return "ERR Command not allowed inside a transaction";
        }
        boolean write = spec.isWrite();
        if (engine.log().failed() && (write || spec.fullName().equals("ping")) && engine.role() == Role.PRIMARY) {
            return engine.log().failureReply();
        }
        if (engine.role() == Role.REPLICA && write) {
            return Errors.READONLY;
        }
        if (s.monitor && (spec.mayWriteOrReplicate() || spec.has(CommandFlag.READONLY))) {
            // a MONITOR client is one of Redis's replicas (CLIENT_SLAVE|CLIENT_MONITOR)
            return "ERR Replica can't interact with the keyspace";
        }
        if (s.protocol() == 2 && PubSubSupport.inSubscribedMode(s)
                && !PubSubSupport.allowedWhileSubscribed(spec)) {
            return "ERR Can't execute '" + spec.fullName()
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
        }
        if (engine.loading() && !spec.has(CommandFlag.LOADING)) {
            return "LOADING Redis is loading the dataset in memory";
        }
        return null;
    }

    /** See {@link Engine#authRequired}. */
    boolean authRequired(Session s) {
        return !s.authenticated() && !config.requirepass.get().isEmpty();
    }

    /** Runs one client command as a unit. */
    private void runUnit(Session s, byte[][] argv, CommandSpec spec, ReplySink out) {
        ClientConnection conn = s.connection();
        long replyFrom = conn.replyPosition();
        engine.beginUnit(s.db(), s.protocol(), clock.startUnit(), seedSource.nextLong());
        ReplySink sink = counting.wrap(out);
        if (!engine.log().keepsRecords()) {
            unit.digestsKeys = false; // no record will carry the digest (appendonly no)
        } else if (mayWrite(spec)) {
            tee.set(sink, unit.effects);
            sink = tee;
        }
        engine.call(spec, s, argv, sink, 0);
        engine.endUnit(s, UnitRecord.Kind.COMMAND, List.<byte[][]>of(argv), replyFrom);
    }

    /**
     * False for a command that never writes (read-only, and not may-replicate as PFCOUNT is):
     * its unit is never logged, so the digest of its replies would never be read, and hashing
     * every GET's value is not free.
     */
    static boolean mayWrite(CommandSpec spec) {
        return !spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.MAY_REPLICATE);
    }
}
