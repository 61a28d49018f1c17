package io.vellum.core.util;

import java.nio.charset.StandardCharsets;

/**
 * Integer parsing and formatting as Redis's util.c does it ({@code string2ll},
 * {@code ll2string}): no sign other than a leading '-', no leading zeros, no spaces,
 * at most 20 characters, and the whole input must be the number.
 */
public final class Longs {
    private Longs() {
    }


    /** True when {@code b} is exactly a Redis integer (string2ll accepts it). */
    public static boolean isLong(byte[] b) {
        return isLong(b, 0, b.length);
    }

    public static boolean isLong(byte[] b, int off, int len) {
        if (len == 0 || len > 20) {
            return false;
        }
        if (len == 1 && b[off] == '0') {
            return true;
        }
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
            if (i == end) {
                return false;
            }
        }
        if (b[i] < '1' || b[i] > '9') {
            return false;
        }
        long v = 0;
        // accumulate as negative to reach Long.MIN_VALUE
        for (; i < end; i++) {
            int c = b[i] - '0';
            if (c < 0 || c > 9) {
                return false;
            }
            if (v < (Long.MIN_VALUE + c) / 10) {
                return false;
            }
            v = v * 10 - c;
        }
        return negative || v != Long.MIN_VALUE;
    }

    /** Parses a value that {@link #isLong} accepted. */
    public static long parseValid(byte[] b) {
        return parseValid(b, 0, b.length);
    }

    public static long parseValid(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long v = 0;
        for (; i < end; i++) {
            v = v * 10 - (b[i] - '0');
        }
        return negative ? v : -v;
    }

    public static byte[] toBytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    /** Number of characters {@code ll2string} writes for {@code v}. */
    public static int digits(long v) {
        if (v == Long.MIN_VALUE) {
            return 20;
        }
        int n = v < 0 ? 2 : 1;
        long a = Math.abs(v);
        while (a >= 10) {
            a /= 10;
            n++;
        }
        return n;
    }
}
