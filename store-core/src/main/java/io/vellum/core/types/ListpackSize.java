package io.vellum.core.types;

import io.vellum.core.util.Longs;

/**
 * The bytes an element takes in a Redis listpack (listpack.c: lpEncodeGetType, lpEncodeBacklen),
 * back-length included. Lists use it for their quicklist node sizes; streams keep their
 * nodes' listpack sizes so that XADD opens a new node exactly where Redis does
 * ({@code stream-node-max-bytes}), which decides what {@code ~} trimming removes.
 */
public final class ListpackSize {
    /** Header (total bytes, element count) plus the end byte. */
    public static final int EMPTY = 7;

    private ListpackSize() {
    }

    /** An integer element (lpAppendInteger). */
    public static int ofInt(long v) {
        int enc;
        if (v >= 0 && v <= 127) {
            enc = 1;
        } else if (v >= -4096 && v <= 4095) {
            enc = 2;
        } else if (v >= -32768 && v <= 32767) {
            enc = 3;
        } else if (v >= -8388608 && v <= 8388607) {
            enc = 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            enc = 5;
        } else {
            enc = 9;
        }
        return enc + backlen(enc);
    }

    /** A string element (lpAppend): strings that read as integers are stored as integers. */
    public static int ofString(byte[] s) {
        if (s.length > 0 && s.length <= 20 && Longs.isLong(s)) {
            return ofInt(Longs.parseValid(s));
        }
        int len = s.length;
        int enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
        return enc + backlen(enc);
    }

    private static int backlen(int l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }
}
