package io.vellum.scripting.lib;

import java.util.Arrays;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;

/**
 * A growable byte buffer for encoders producing a Lua string. Past {@link #MAX} bytes it raises
 * Lua's {@code not enough memory} instead of letting the JVM throw OutOfMemoryError (a Java
 * array cannot hold more anyway), and it runs the engine's interrupt check as it grows, so an
 * encoding that would run for minutes (cmsgpack.pack of a wide self-referencing table: Redis
 * hangs there) can be stopped by SCRIPT KILL. Not thread-safe.
 */
final class ByteSink {
    /**
     * The largest result: LuaJ strings are Java byte arrays, and a quarter of the heap keeps the
     * buffer's doubling from being what exhausts it.
     */
    static final int MAX = (int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 4);

    /** Growth between two calls of the interrupt check. */
    private static final int CHECK_EVERY = 1 << 16;

    private final Runnable interruptCheck;
    private byte[] b = new byte[64];
    private int len;
    private int nextCheck = CHECK_EVERY;

    /** @param interruptCheck run every 64 KiB of output; it throws to abandon the encoding (SCRIPT KILL) */
    ByteSink(Runnable interruptCheck) {
        this.interruptCheck = interruptCheck;
    }

    ByteSink() {
        this(() -> { });
    }

    private void ensure(int more) {
        if (len + (long) more > MAX) {
            throw new LuaError("not enough memory");
        }
        if (len + more > nextCheck) {
            nextCheck = len + more + CHECK_EVERY;
            interruptCheck.run();
        }
        if (len + more > b.length) {
            long n = Math.max((long) b.length * 2, (long) len + more);
            try {
                b = Arrays.copyOf(b, (int) Math.min(n, MAX));
            } catch (OutOfMemoryError e) {
                // only this buffer's growth failed; the old one is still valid and about to be dropped
                throw new LuaError("not enough memory");
            }
        }
    }

    void write(int c) {
        ensure(1);
        b[len++] = (byte) c;
    }

    /** The low {@code n} bytes of {@code v}, most significant first. */
    void writeBE(long v, int n) {
        ensure(n);
        for (int i = n - 1; i >= 0; i--) {
            b[len++] = (byte) (v >>> (8 * i));
        }
    }

    void write(LuaString s) {
        ensure(s.length());
        s.copyInto(0, b, len, s.length());
        len += s.length();
    }

    void write(byte[] src, int off, int n) {
        ensure(n);
        System.arraycopy(src, off, b, len, n);
        len += n;
    }

    void writeAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            b[len++] = (byte) s.charAt(i);
        }
    }

    int length() {
        return len;
    }

    void reset() {
        len = 0;
    }

    LuaString toLuaString() {
        return LuaString.valueOf(Arrays.copyOf(b, len));
    }
}
