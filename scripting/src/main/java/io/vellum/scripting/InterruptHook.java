package io.vellum.scripting;

import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The per-instruction check that stops runaway scripts. LuaJ calls its Globals' debuglib on
 * every instruction, call and return; this one does no bookkeeping but a volatile read of one
 * flag per instruction and a depth count per call (the {@code debug} library itself is not
 * exposed to scripts). Another thread (SCRIPT KILL from the network layer) raises the flag;
 * the engine thread then asks the {@link Handler} what to do.
 *
 * <p>Deep recursion ends with Lua's "stack overflow" error before the Java stack runs out.
 */
final class InterruptHook extends DebugLib {
    /**
     * Lua frames deep before "stack overflow". Lua 5.1 allows about 20000; here the engine
     * thread's Java stack is the bound (a default 1 MB stack holds 4000 LuaJ frames and more,
     * measured), with room left for the reply of a deep result. A StackOverflowError past it is
     * still caught and reported the same way.
     */
    static final int MAX_DEPTH = 3000;

    interface Handler {
        /** Called on the engine thread when the flag is up (and now and then); may throw to end the script. */
        void onInterrupt();
    }

    private final Handler handler;
    private volatile boolean interrupt;
    private int depth;
    private int ticks;
    /*
     * The Lua frames running, by depth (1 is the script's): each one's function and registers,
     * and the instruction its caller was at when it was called. pc is the running frame's.
     */
    private org.luaj.vm2.Prototype[] protos = new org.luaj.vm2.Prototype[64];
    private LuaValue[][] stacks = new LuaValue[64][];
    private int[] pcs = new int[64];
    private int pc;

    InterruptHook(Handler handler) {
        this.handler = handler;
    }

    /** Asks the running script to stop at its next instruction (any thread). */
    void raise() {
        interrupt = true;
    }

    void clear() {
        if (interrupt) {
            interrupt = false; // a volatile write is a fence: none in the usual case, twice per script call
        }
    }

    void resetDepth() {
        depth = 0;
        java.util.Arrays.fill(stacks, null); // no registers of an earlier script kept alive
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        this.pc = pc;
        // The flag, and every 2^16 instructions the handler's own clocks (load timeout).
        if (interrupt || (++ticks & 0xFFFF) == 0) {
            handler.onInterrupt();
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        // Java functions: no frame of ours to count (LuaJ pairs only closures with onReturn).
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        enter();
        if (depth >= protos.length) {
            int n = Math.min(MAX_DEPTH + 1, protos.length * 2);
            protos = java.util.Arrays.copyOf(protos, n);
            stacks = java.util.Arrays.copyOf(stacks, n);
            pcs = java.util.Arrays.copyOf(pcs, n);
        }
        pcs[depth - 1] = pc;
        protos[depth] = c.p;
        stacks[depth] = stack;
        pc = 0;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            // Lua 5.1's luaD_growCI text; positioned like a VM error.
            depth--;
            throw new org.luaj.vm2.LuaError("stack overflow");
        }
    }

    @Override
    public void onReturn() {
        if (depth > 0 && depth < stacks.length) {
            stacks[depth] = null;
            pc = pcs[depth - 1];
        }
        depth--;
    }

    /**
     * LuaJ asks for a traceback in the frame an error is raised in (once per error, before the
     * frame returns): the answer is where and what failed, for Lua 5.1's text ({@link ErrorSite}).
     */
    @Override
    public String traceback(int level) {
        if (depth <= 0 || depth >= protos.length) {
            return String.valueOf(ErrorSite.MARK);
        }
        return ErrorSite.describe(protos[depth], pc, stacks[depth]);
    }
}
