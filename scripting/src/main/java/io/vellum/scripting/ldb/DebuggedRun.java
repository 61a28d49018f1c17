package io.vellum.scripting.ldb;

import java.util.function.BooleanSupplier;
import org.luaj.vm2.lib.DebugLib;

/**
 * What a {@code SCRIPT DEBUG SYNC} session needs from the script run it debugs, which runs on
 * the real dataset as a logged unit. The log records the EVAL with its time and seed, so
 * replay re-runs the script without a debugger: nothing the debugger does may change what
 * the script writes, returns or draws.
 */
public interface DebuggedRun {
    /** True once the script ran a write command (an abort would then leave writes replay cannot repeat). */
    boolean scriptWrote();

    /**
     * Runs a debugger {@code eval} or {@code redis} command so that it leaves the run as it
     * found it: commands that write or draw randomness are refused, and Lua's generator, the
     * script's protocol and its KEYS and ARGV are restored afterwards.
     */
    void contained(Runnable action);

    /** True once the client's connection is closed (any thread). */
    BooleanSupplier clientClosed();

    /** The hook that watches for SCRIPT KILL, used once the client is gone. */
    DebugLib interruptHook();
}
