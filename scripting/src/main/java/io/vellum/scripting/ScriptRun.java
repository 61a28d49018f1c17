package io.vellum.scripting;

import io.vellum.core.engine.CommandContext;

/**
 * One running script or function (Redis's scriptRunCtx): the command that started it, what
 * it may do, and what it did. Created and used on the engine thread; {@link #startNanos} and
 * {@link #wroteDirty} are read by network threads for -BUSY and SCRIPT KILL.
 */
final class ScriptRun {
    final CommandContext ctx;
    /** The sha (EVAL) or the function name (FCALL), as error texts name it. */
    final String funcName;
    final boolean functionMode;
    /** EVAL_RO/FCALL_RO, or a no-writes script. */
    final boolean readOnly;
    final long startNanos = System.nanoTime();
    volatile boolean wroteDirty;
    volatile boolean killed;
    /**
     * Past busy-reply-threshold, and what the batch did before it released: from then on other
     * clients get -BUSY. Set by the thread running the script; read by network threads.
     */
    volatile boolean busy;
    /** Stopped by SHUTDOWN NOSAVE: nothing of the unit is logged. */
    volatile boolean discard;
    /**
     * Set while a SYNC debugging session's eval or redis command runs: the error text for
     * commands that would change what replay of the logged script reproduces.
     */
    String debuggerRefusal;
    /** The protocol commands reply in (redis.setresp); 2 at start. */
    int resp = 2;

    ScriptRun(CommandContext ctx, String funcName, boolean functionMode, boolean readOnly) {
        this.ctx = ctx;
        this.funcName = funcName;
        this.functionMode = functionMode;
        this.readOnly = readOnly;
    }
}
