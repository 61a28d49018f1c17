package io.vellum.core.util;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer. Not thread-safe: one owner at a time (the engine thread while a
 * batch runs, then whoever the bytes are handed to).
 */
public final class ByteOutput {
    private static final byte[] DIGITS = "0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    public ByteOutput() {
        this(256);
    }

    public ByteOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The backing array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return buf;
    }

    public void clear() {
        size = 0;
    }

    /** Drops everything written after {@code mark} (a value {@link #size()} returned earlier). */
    public void truncate(int mark) {
        if (mark < 0 || mark > size) {
            throw new IllegalArgumentException("mark " + mark + " outside [0, " + size + "]");
        }
        size = mark;
    }

    /** Replaces bytes {@code [from, to)} with {@code replacement}. */
    public void splice(int from, int to, byte[] replacement) {
        if (from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("bad splice range");
        }
        int tail = size - to;
        int newSize = from + replacement.length + tail;
        if (newSize > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(newSize, buf.length * 2));
        }
        System.arraycopy(buf, to, buf, from + replacement.length, tail);
        System.arraycopy(replacement, 0, buf, from, replacement.length);
        size = newSize;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Hands the written bytes over and starts a fresh buffer of the same capacity. */
    public byte[] takeArray() {
        byte[] out = buf;
        buf = new byte[Math.max(256, Math.min(out.length, 16 * 1024))];
        size = 0;
        return out;
    }

    private void ensure(int extra) {
        int need = size + extra;
        if (need > buf.length) {
            if (need < 0) {
                throw new OutOfMemoryError("reply larger than 2 GiB");
            }
            int cap = Math.max(need, buf.length + (buf.length >> 1));
            if (cap < 0) {
                cap = Integer.MAX_VALUE - 8;
            }
            buf = Arrays.copyOf(buf, cap);
        }
    }

    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** ASCII text (callers pass protocol text only). */
    public void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    public void writeCrlf() {
        ensure(2);
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    /** The decimal digits of {@code v}, as {@code ll2string} writes them. */
    public void writeLong(long v) {
        if (v == Long.MIN_VALUE) {
            write(MIN_LONG);
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        if (v < 10) {
            buf[size++] = DIGITS[(int) v];
            return;
        }
        int len = 0;
        for (long t = v; t > 0; t /= 10) {
            len++;
        }
        int end = size + len;
        for (int i = end - 1; i >= size; i--) {
            buf[i] = DIGITS[(int) (v % 10)];
            v /= 10;
        }
        size = end;
    }
}
