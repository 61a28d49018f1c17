package io.vellum.core.engine;

import io.vellum.core.command.CommandSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT PAUSE (networking.c pauseClients, and processCommand's check): while a pause holds,
 * a client's command that it covers waits, with the client's later commands behind it, until
 * CLIENT UNPAUSE or the pause's end. WRITE covers what may change the data or reach the log
 * (the write and may-replicate commands, a script or function that does not declare
 * no-writes, an EXEC with such a command queued); ALL covers every command. Active expiry
 * waits too, so nothing changes while paused: an operator pauses writes, lets replicas catch
 * up, and promotes one knowing no acknowledged write is missing from it. A command refused by
 * the usual checks (arity, auth...) is answered at once. Engine thread only.
 */
public final class ClientPause {
    /** In order of restriction. */
    public enum Type { OFF, WRITE, ALL }

    private final Engine engine;
    private Type type = Type.OFF;
    private long endMillis;
    /** Sessions whose next command waits for the pause's end, in the order they were paused. */
    private final List<Session> postponed = new ArrayList<>();
    /** Sessions the pause let go, to run after the current unit. */
    private final List<Session> released = new ArrayList<>();

    ClientPause(Engine engine) {
        this.engine = engine;
    }

    /** CLIENT PAUSE: the more restrictive type and the later end win over a pause in force. */
    public void pause(Type t, long untilMillis, long nowMillis) {
        expireIfDue(nowMillis);
        if (t.compareTo(type) > 0) {
            type = t;
        }
        endMillis = Math.max(endMillis, untilMillis);
        expireIfDue(nowMillis);
    }

    /** CLIENT UNPAUSE. */
    public void unpause() {
        type = Type.OFF;
        endMillis = 0;
        release();
    }

    /** Ends a pause whose time is up (the timers check now and then). */
    void expireIfDue(long nowMillis) {
        if (type != Type.OFF && endMillis < nowMillis) {
            unpause();
        }
    }

    public boolean active() {
        return type != Type.OFF;
    }

    /** Whether the pause holds {@code argv} (checked and allowed otherwise) from {@code s}. */
    boolean holds(Session s, CommandSpec spec, byte[][] argv) {
        if (type == Type.ALL) {
            return true;
        }
        if (type != Type.WRITE) {
            return false;
        }
        if (spec.fullName().equals("exec")) {
            for (byte[][] q : s.queued()) {
                CommandSpec qs = engine.resolve(q);
                if (qs != null && maySpread(qs, q)) {
                    return true;
                }
            }
            return false;
        }
        return maySpread(spec, argv);
    }

    /** processCommand's is_may_replicate_command, with a script's own flags (evalGetCommandFlags). */
    private boolean maySpread(CommandSpec spec, byte[][] argv) {
        io.vellum.core.spi.ScriptingEngine scripting = engine.scripting();
        if (scripting != null) {
            return scripting.mayWriteOrReplicate(argv, spec);
        }
        return spec.mayWriteOrReplicate();
    }

    /** The command waits at the head of its session's queue. */
    void postpone(Session s, byte[][] argv) {
        s.postponed = true;
        s.pending().addFirst(argv);
        postponed.add(s);
    }

    /** Clients waiting for the pause, for INFO blocked_clients (Redis counts them there). */
    public int postponedCount() {
        return postponed.size();
    }

    /**
     * unblockPostponedClients: the waiting sessions may go on; they run once the unit that
     * ended the pause has ({@link #serveReleased}), each command a unit of its own.
     */
    private void release() {
        for (Session s : postponed) {
            s.postponed = false;
            released.add(s);
        }
        postponed.clear();
    }

    /** Runs the released sessions' commands, in the order they were paused (a new pause may hold them again). */
    void serveReleased() {
        if (released.isEmpty()) {
            return;
        }
        List<Session> ready = new ArrayList<>(released);
        released.clear();
        for (Session s : ready) {
            if (!s.isClosed()) {
                engine.dispatch.drainPending(s);
            }
        }
    }

    /** A closed session waits no more. */
    void forget(Session s) {
        postponed.remove(s);
        released.remove(s);
    }
}
