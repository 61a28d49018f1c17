package io.vellum.scripting.ldb;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.Reply;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.types.Value;
import io.vellum.scripting.LuaScripting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCRIPT DEBUG and the Lua debugging sessions it starts (Redis's ldbEnable, ldbStartSession,
 * ldbEndSession).
 *
 * <p><b>Design.</b> Redis's {@code SCRIPT DEBUG YES} forks: the child runs the script on a
 * copy-on-write image of the dataset, talks to the client directly, and exits; the parent keeps
 * serving everyone else and nothing of the session reaches the AOF or the replicas. Vellum does
 * the same without a fork:
 * <ul>
 * <li>On the debugged EVAL, the engine thread deep-copies every database ({@link Value#copy()},
 * with TTLs and SCAN sequence numbers) into a <em>throwaway engine</em>: no log
 * ({@link CommandLog#NONE}), its own {@link LuaScripting}, never started, so whichever thread
 * calls it owns it. The copy costs O(dataset) on the engine thread once per session (Redis's
 * fork costs a page-table copy); a debugging session is a development tool.</li>
 * <li>A session thread runs the EVAL on the throwaway engine, with an {@link LdbSession} as the
 * Lua line hook. When the script stops, the hook sends its log lines to the client and blocks
 * on a queue for the next debugger command.</li>
 * <li>The client's connection is rerouted: its session gets an interceptor
 * ({@link Session#setInterceptor}) so the commands it sends go to that queue instead of being
 * run by the engine. Everything written to the client still goes through the engine thread
 * ({@link Engine#execute}), in order, so the engine serves other clients meanwhile.</li>
 * <li>At the end the {@code <endsession>} line and the script's reply are sent and the
 * connection is closed, as Redis's forked child does; the copy is dropped. The real dataset
 * and the log are never touched: a debugging session never writes to the log.</li>
 * </ul>
 *
 * <p><b>SYNC.</b> {@code SCRIPT DEBUG SYNC} runs the script as Redis does: on the real dataset,
 * as an ordinary unit of the engine thread (a session in debug mode never runs its scripts on
 * a network thread: {@code runsOffEngineThread}), which waits in the line hook while the
 * script is stopped, so every other client waits too (their commands queue up and run after
 * the script). The client's debugger commands reach the session from its network thread: while
 * the session runs, {@link #isBusy()} is true and the network layer hands each command it
 * reads to {@link #whileBusy} first (the path SCRIPT KILL takes during a busy script). Log
 * lines are written and flushed to the client's connection from the engine thread. The
 * changes are kept, and the unit is logged as any EVAL is: the script call with its time, seed
 * and Lua generator state, so replay, which runs the script without a debugger, reproduces
 * them (its digest check covers the keys changed and the reply, not the values written:
 * LdbSyncProtocolTest compares the replayed dataset itself). For that to hold, the debugger must not change what the script
 * does ({@link DebuggedRun#contained}): its {@code eval} and {@code redis} commands may not
 * write or draw randomness, {@code abort} is refused once the script wrote, the unit's time
 * stays frozen across stops (Redis refreshes it after each stop), and a client that goes away
 * leaves the script to run to its end (SCRIPT KILL applies again). At the end the
 * {@code <endsession>} line and the reply are sent and the connection is closed, as in Redis
 * (redis-cli --ldb-sync-mode reconnects). An embedded connection cannot debug in SYNC mode:
 * it has no socket to read the debugger's commands from while the engine waits.
 */
public final class ScriptDebug {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptDebug.class);

    private enum Mode { FORKED, SYNC }

    /** What {@link #intercept} did with a debugged EVAL. */
    public enum Outcome {
        /** Not debugged: run it as usual. */
        NONE,
        /** Taken over by a forked session, which replies. */
        TAKEN,
        /** Run it as usual, under a SYNC session; call {@link #endSync} when it is done. */
        SYNC
    }

    private final Map<Session, Mode> enabled = new ConcurrentHashMap<>();
    private final Map<Session, LdbSession> running = new ConcurrentHashMap<>();
    private boolean listening;
    /** The SYNC session running on the engine thread, or null (read by network threads). */
    private volatile LdbSession syncSession;
    private volatile Session syncClient;

    public ScriptDebug() {
    }

    /** Whether the session's next EVAL starts a debugging session (SCRIPT DEBUG YES). Any thread. */
    public boolean isEnabled(Session s) {
        return enabled.containsKey(s);
    }

    /* SCRIPT DEBUG YES|SYNC|NO */
    public void command(CommandContext ctx) {
        if (ctx.argc() != 3) {
            throw new CommandError(Errors.unknownSubcommand(ctx.argString(1), "script"));
        }
        listenForClose(ctx.engine());
        if (ctx.argIs(2, "no")) {
            enabled.remove(ctx.session());
            ctx.reply().ok();
        } else if (ctx.argIs(2, "yes")) {
            enabled.put(ctx.session(), Mode.FORKED);
            ctx.reply().ok();
        } else if (ctx.argIs(2, "sync")) {
            if (ctx.session().connection() instanceof LocalConnection) {
                throw new CommandError("ERR SCRIPT DEBUG SYNC needs a network connection: the debugger reads its commands "
                        + "from the socket while the server waits");
            }
            enabled.put(ctx.session(), Mode.SYNC);
            ctx.reply().ok();
        } else {
            throw new CommandError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private void listenForClose(Engine engine) {
        if (!listening) {
            listening = true;
            engine.onSessionClosed(s -> {
                enabled.remove(s);
                LdbSession ldb = running.remove(s);
                if (ldb != null) {
                    ldb.clientGone();
                }
            });
        }
    }

    /**
     * EVAL/EVALSHA from a client in debug mode (evalGenericCommandWithDebugging): what became
     * of the command (see {@link Outcome}).
     */
    public Outcome intercept(CommandContext ctx, boolean bySha, LuaScripting scripting) {
        Session s = ctx.session();
        Mode mode = enabled.get(s);
        if (mode == null || ctx.isReplay()) {
            return Outcome.NONE;
        }
        if (bySha) {
            throw new CommandError("ERR Please use EVAL instead of EVALSHA for debugging");
        }
        enabled.remove(s);
        if (mode == Mode.SYNC) {
            startSync(ctx, scripting);
            return Outcome.SYNC;
        }
        forked(ctx);
        return Outcome.TAKEN;
    }

    /** ldbStartSession of a SYNC session: the debugger goes into the store's own Lua state. */
    private void startSync(CommandContext ctx, LuaScripting scripting) {
        Session s = ctx.session();
        Engine engine = ctx.engine();
        LdbSession ldb = new LdbSession(ctx.arg(1), lines -> sendNow(s, lines), scripting.debuggedRun(s::isClosed));
        ldb.setGlobals(scripting.debuggerGlobals());
        ldb.setTimeLimit(engine.config().busyReplyThreshold::get);
        scripting.attachDebugger(ldb, ldb);
        syncClient = s;
        syncSession = ldb;
        LOG.warn("Lua synchronous debugging session started for client {}: the server waits for it; its writes are kept "
                + "and logged", s.id());
    }

    /** ldbEndSession of a SYNC session: {@code <endsession>}, the reply, then the connection closes. */
    public void endSync(CommandContext ctx, LuaScripting scripting) {
        LdbSession ldb = syncSession;
        scripting.detachDebugger();
        syncSession = null;
        syncClient = null;
        Session s = ctx.session();
        if (ldb != null) {
            ldb.end();
        }
        ctx.engine().output(s);
        s.setCloseAfterReply();
        LOG.warn("Lua synchronous debugging session ended for client {}", s.id());
    }

    /** True while a SYNC session runs (network threads: every command read goes to {@link #whileBusy}). */
    public boolean isBusy() {
        LdbSession ldb = syncSession;
        return ldb != null && !ldb.isGone();
    }

    /**
     * A command read by a network thread while a SYNC session runs: the debugging client's
     * commands go to the session; everyone else's wait for the engine, as in Redis, which
     * does not read other clients during a SYNC session. Returns true when the command was
     * taken; the network layer still hands it to the engine, which drops it since the
     * connection closes when the session ends.
     */
    public boolean whileBusy(Session session, byte[][] argv) {
        LdbSession ldb = syncSession;
        if (ldb == null || ldb.isGone()) {
            return false;
        }
        if (session == syncClient) {
            ldb.offer(List.<byte[][]>of(argv));
        }
        return true;
    }

    /** Writes log lines to a SYNC session's client at once (engine thread, which is inside the script). */
    private static void sendNow(Session s, List<String> lines) {
        if (s.isClosed()) {
            return;
        }
        ReplySink out = s.connection().replies();
        out.array(lines.size());
        for (String l : lines) {
            out.simple(l);
        }
        s.connection().flush();
    }

    /** A forked (YES) session: the EVAL runs on a throwaway copy on a session thread. */
    private void forked(CommandContext ctx) {
        Session s = ctx.session();
        Engine engine = ctx.engine();
        LuaScripting lua = new LuaScripting();
        Engine copy = Engine.builder().config(engine.config()).log(CommandLog.NONE).scripting(lua).build();
        try {
            copyDataset(engine, copy);
        } catch (RuntimeException e) {
            LOG.error("could not copy the dataset for a Lua debugging session", e);
            throw new CommandError("ERR can't run EVAL in debugging mode: " + e.getMessage());
        }
        LdbSession ldb = new LdbSession(ctx.arg(1), lines -> engine.execute(() -> sendLines(engine, s, lines)), null);
        lua.attachDebugger(ldb, ldb);
        ldb.setGlobals(lua.debuggerGlobals());
        ldb.setTimeLimit(engine.config().busyReplyThreshold::get);
        running.put(s, ldb);
        s.setInterceptor(ldb::offer);
        byte[][] argv = ctx.argv().clone();
        int db = s.db();
        int protocol = s.protocol();
        Thread t = new Thread(() -> runSession(engine, s, copy, ldb, argv, db, protocol), "vellum-ldb-" + s.id());
        t.setDaemon(true);
        t.start();
    }

    private static void copyDataset(Engine from, Engine to) {
        for (int i = 0; i < from.keyspace().count(); i++) {
            Database src = from.keyspace().db(i);
            Database dst = to.keyspace().db(i);
            var dict = src.dict();
            for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                byte[] key = dict.keyAt(e);
                dst.loadKey(key, dict.valueAt(e).copy(), src.expireAt(key), dict.seqAt(e));
            }
            if (dict.nextSeq() > dst.dict().nextSeq()) {
                dst.dict().advanceNextSeq(dict.nextSeq());
            }
        }
    }

    /** The session thread: the script on the copy, then the end of the session. */
    private void runSession(Engine engine, Session s, Engine copy, LdbSession ldb, byte[][] argv, int db, int protocol) {
        List<Reply> replies = new ArrayList<>();
        try {
            LOG.warn("Lua debugging session started for client {}", s.id());
            Session own = copy.openSession(new LocalConnection(protocol, replies::addAll, "ldb"));
            own.setAuthenticated(true);
            own.setProtocol(protocol);
            own.selectDb(db);
            copy.submit(own, List.<byte[][]>of(argv));
        } catch (RuntimeException e) {
            LOG.error("Lua debugging session failed", e);
            replies.add(new Reply.Error("ERR " + e));
        } finally {
            try {
                copy.close();
            } catch (Exception e) {
                LOG.debug("closing the debugging copy", e);
            }
        }
        ldb.log("<endsession>");
        ldb.sendLogs();
        engine.execute(() -> {
            running.remove(s);
            s.setInterceptor(null);
            if (!s.isClosed()) {
                ReplySink out = engine.output(s);
                for (Reply r : replies) {
                    r.writeTo(out);
                }
                s.setCloseAfterReply();
            }
            LOG.warn("Lua debugging session ended for client {}", s.id());
        });
    }

    private static void sendLines(Engine engine, Session s, List<String> lines) {
        if (s.isClosed()) {
            return;
        }
        ReplySink out = engine.output(s);
        out.array(lines.size());
        for (String l : lines) {
            out.simple(l);
        }
    }
}
