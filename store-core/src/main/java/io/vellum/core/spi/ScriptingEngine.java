package io.vellum.core.spi;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.engine.Engine;

/**
 * Scripting (implemented by the scripting module on LuaJ): the commands it binds (EVAL,
 * EVALSHA, SCRIPT, FUNCTION, FCALL...) and what the engine must know of running scripts.
 * The engine-neutral policy (what a script may call, read-only, timeouts) is decided from
 * command flags by the implementation, not listed here.
 */
public interface ScriptingEngine extends AutoCloseable {

    /** The commands this engine binds. */
    CommandGroup commands();

    /** Called once when the store's engine exists, before any command runs. */
    default void attach(Engine engine) {
    }

    /**
     * Whether a command may change the data or reach the log, as CLIENT PAUSE WRITE judges it
     * (processCommand's is_may_replicate_command): the command's write and may-replicate
     * flags, which for EVAL, EVALSHA and FCALL the script's or function's own flags replace
     * (evalGetCommandFlags: a no-writes script does not write). Engine thread.
     */
    default boolean mayWriteOrReplicate(byte[][] argv, io.vellum.core.command.CommandSpec spec) {
        return spec.mayWriteOrReplicate();
    }

    /** {@link #whileBusy}'s answer to QUIT (allow_busy): this +OK, then the connection closes. */
    byte[] QUIT_REPLY = "+OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * True while a script has run longer than busy-reply-threshold; other clients then get
     * -BUSY. Called from network threads.
     */
    default boolean isBusy() {
        return false;
    }

    /**
     * True while a SYNC debugging session (SCRIPT DEBUG SYNC) holds the engine: then every
     * command read goes through {@link #whileBusy}, which hands the debugging client's to the
     * debugger. Called from network threads.
     */
    default boolean debugSessionRuns() {
        return false;
    }

    /**
     * A client's command read while {@link #isBusy()} (Redis's busy check in processCommand):
     * the reply to send at once, encoded in RESP for the session's protocol ("-BUSY ...\r\n",
     * FUNCTION STATS's map), or null to hand the command to the engine as usual (it runs when
     * the script is done). {@link #QUIT_REPLY} itself: send it and close the connection.
     * Called from network threads.
     */
    default byte[] whileBusy(io.vellum.core.engine.Session session, byte[][] argv, io.vellum.core.command.CommandSpec spec) {
        return null;
    }

    /**
     * Whether this session's scripts may run on the thread that submitted them (a network
     * thread, which serves its other connections while they are busy, see
     * {@link Engine#setBusyPump}, or a waiting embedded caller). False where a script waits
     * for its own client (a debugging session): it runs on the engine thread.
     */
    default boolean runsOffEngineThread(io.vellum.core.engine.Session session) {
        return true;
    }

    @Override
    default void close() {
    }
}
