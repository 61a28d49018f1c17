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
 * {@code SCRIPT DEBUG SYNC} (Redis: run on the real dataset, blocking the server, writes kept
 * and propagated) is not implemented: it answers the unknown-subcommand error SCRIPT DEBUG
 * answered before this package existed.
 */
public final class ScriptDebug {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptDebug.class);

    private final Map<Session, Boolean> enabled = new ConcurrentHashMap<>();
    private final Map<Session, LdbSession> running = new ConcurrentHashMap<>();
    private boolean listening;

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
            enabled.put(ctx.session(), Boolean.TRUE);
            ctx.reply().ok();
        } else if (ctx.argIs(2, "sync")) {
            // Not implemented: what SCRIPT DEBUG answered while it was unbound.
            throw new CommandError(Errors.unknownSubcommand(ctx.argString(1), "script"));
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
     * EVAL/EVALSHA from a client in debug mode (evalGenericCommandWithDebugging): true when
     * the command was taken over by a debugging session (its reply comes from the session).
     */
    public boolean intercept(CommandContext ctx, boolean bySha) {
        Session s = ctx.session();
        if (!enabled.containsKey(s) || ctx.isReplay()) {
            return false;
        }
        if (bySha) {
            throw new CommandError("ERR Please use EVAL instead of EVALSHA for debugging");
        }
        Engine engine = ctx.engine();
        enabled.remove(s);
        LuaScripting lua = new LuaScripting();
        Engine copy = Engine.builder().config(engine.config()).log(CommandLog.NONE).scripting(lua).build();
        try {
            copyDataset(engine, copy);
        } catch (RuntimeException e) {
            LOG.error("could not copy the dataset for a Lua debugging session", e);
            throw new CommandError("ERR can't run EVAL in debugging mode: " + e.getMessage());
        }
        LdbSession ldb = new LdbSession(ctx.arg(1), lines -> engine.execute(() -> sendLines(engine, s, lines)));
        lua.attachDebugger(ldb, ldb);
        ldb.setGlobals(lua.debuggerGlobals());
        running.put(s, ldb);
        s.setInterceptor(ldb::offer);
        byte[][] argv = ctx.argv().clone();
        int db = s.db();
        int protocol = s.protocol();
        Thread t = new Thread(() -> runSession(engine, s, copy, ldb, argv, db, protocol), "vellum-ldb-" + s.id());
        t.setDaemon(true);
        t.start();
        return true;
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
