package io.vellum.core.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit-level helpers for the bit commands (Redis's bitops.c conventions): bit 0 is the most
 * significant bit of the first byte, and a string reads as if padded with zero bytes on the
 * right. Bitfields are integers of 1 to 64 bits stored most significant bit first at any bit
 * offset; signed ones are two's complement.
 *
 * <p>Stateless.
 */
public final class Bits {
    private Bits() {
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // ------------------------------------------------------------------ counting and searching

    /** Number of bits set in {@code a[from, to)}. */
    public static long popcount(byte[] a, int from, int to) {
        long n = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            n += Long.bitCount((long) LONGS.get(a, i));
        }
        for (; i < to; i++) {
            n += Integer.bitCount(a[i] & 0xff);
        }
        return n;
    }

    /**
     * The position of the first bit equal to {@code bit} among bits {@code [fromBit, toBit]}
     * of {@code a} (both within the array), or -1 when there is none.
     */
    public static long firstBit(byte[] a, long fromBit, long toBit, int bit) {
        if (fromBit > toBit) {
            return -1;
        }
        int skip = bit == 1 ? 0 : 0xff; // a byte holding no wanted bit
        long pos = fromBit;
        // bits up to the next byte boundary
        while (pos <= toBit && (pos & 7) != 0) {
            if (bitAt(a, pos) == bit) {
                return pos;
            }
            pos++;
        }
        if (pos > toBit) {
            return -1;
        }
        int i = (int) (pos >>> 3);
        int lastFullByte = (int) ((toBit + 1) >>> 3); // bytes [i, lastFullByte) lie wholly in range
        long skipWord = bit == 1 ? 0L : -1L;
        while (i + 8 <= lastFullByte && (long) LONGS.get(a, i) == skipWord) {
            i += 8;
        }
        while (i < lastFullByte && (a[i] & 0xff) == skip) {
            i++;
        }
        for (pos = (long) i << 3; pos <= toBit; pos++) {
            if (bitAt(a, pos) == bit) {
                return pos;
            }
        }
        return -1;
    }

    /** The bit at {@code pos} (which must lie within {@code a}). */
    public static int bitAt(byte[] a, long pos) {
        return (a[(int) (pos >>> 3)] >> (7 - (int) (pos & 7))) & 1;
    }

    // ------------------------------------------------------------------ bitfields

    /** The {@code bits}-wide unsigned field at {@code offset}; bytes at or past {@code len} read as 0. */
    public static long getUnsigned(byte[] a, int len, long offset, int bits) {
        long v = 0;
        for (int j = 0; j < bits; j++) {
            long pos = offset + j;
            long byteIndex = pos >>> 3;
            int b = byteIndex < len ? (a[(int) byteIndex] >> (7 - (int) (pos & 7))) & 1 : 0;
            v = (v << 1) | b;
        }
        return v;
    }

    /** The {@code bits}-wide signed field at {@code offset}, sign-extended. */
    public static long getSigned(byte[] a, int len, long offset, int bits) {
        long v = getUnsigned(a, len, offset, bits);
        if (bits < 64 && (v & (1L << (bits - 1))) != 0) {
            v |= -1L << bits;
        }
        return v;
    }

    /** Stores the low {@code bits} bits of {@code value} at {@code offset} (the array is long enough). */
    public static void set(byte[] a, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            int bit = (int) (value >>> (bits - 1 - j)) & 1;
            long pos = offset + j;
            int i = (int) (pos >>> 3);
            int shift = 7 - (int) (pos & 7);
            a[i] = (byte) ((a[i] & ~(1 << shift)) | (bit << shift));
        }
    }

    /**
     * Whether adding {@code incr} to the unsigned {@code value} (64-bit two's complement holding
     * an unsigned number) leaves the {@code bits}-wide unsigned range: 1 above, -1 below, 0 not.
     * A value already out of range counts as above (a SET of a negative number).
     */
    public static int unsignedOverflow(long value, long incr, int bits) {
        long max = unsignedMax(bits);
        long maxIncr = max - value;
        long minIncr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            return 1;
        }
        if (incr < 0 && incr < minIncr) {
            return -1;
        }
        return 0;
    }

    public static long unsignedMax(int bits) {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** {@code value + incr} wrapped into the {@code bits}-wide unsigned range. */
    public static long unsignedWrap(long value, long incr, int bits) {
        long r = value + incr;
        return bits == 64 ? r : r & ~(-1L << bits);
    }

    /** As {@link #unsignedOverflow} for the {@code bits}-wide signed range. */
    public static int signedOverflow(long value, long incr, int bits) {
        long max = signedMax(bits);
        long min = -max - 1;
        long maxIncr = max - value; // may wrap; only used once value is known in range
        long minIncr = min - value;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            return 1;
        }
        if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            return -1;
        }
        return 0;
    }

    public static long signedMax(int bits) {
        return bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    }

    public static long signedMin(int bits) {
        return -signedMax(bits) - 1;
    }

    /** {@code value + incr} wrapped into the {@code bits}-wide signed range (two's complement). */
    public static long signedWrap(long value, long incr, int bits) {
        long r = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            r = (r & (1L << (bits - 1))) != 0 ? r | mask : r & ~mask;
        }
        return r;
    }
}
