package io.vellum.core.data;

import java.util.Arrays;

/**
 * The two kinds of sorted-set ranges, as Redis's zrangespec and zlexrangespec: a score
 * interval with open or closed ends, and a member interval whose ends may be the "-" and
 * "+" infinities. Immutable.
 */
public final class ZRange {
    private ZRange() {
    }

    /** A score interval; {@code minEx}/{@code maxEx} make an end open ("(1.5"). */
    public record Score(double min, boolean minEx, double max, boolean maxEx) {
        public boolean gteMin(double v) {
            return minEx ? v > min : v >= min;
        }

        public boolean lteMax(double v) {
            return maxEx ? v < max : v <= max;
        }

        /** Redis's quick test for ranges that can hold nothing. */
        public boolean isEmpty() {
            return min > max || (min == max && (minEx || maxEx));
        }
    }

    /** Which end value of a lex range: a member, or one of the infinities "-" and "+". */
    public enum Bound { MINUS, MEMBER, PLUS }

    /**
     * A member interval. An end is a member (with {@code ex} for "(" and not for "["), or an
     * infinity ("-" and "+" count as exclusive, as in Redis).
     */
    public record Lex(Bound minKind, byte[] min, boolean minEx, Bound maxKind, byte[] max, boolean maxEx) {
        /** Redis's sdscmplex of an end against a member: sign of (end - member). */
        private static int compareEnd(Bound kind, byte[] end, byte[] member) {
            return switch (kind) {
                case MINUS -> -1;
                case PLUS -> 1;
                case MEMBER -> Arrays.compareUnsigned(end, member);
            };
        }

        public boolean gteMin(byte[] v) {
            int c = -compareEnd(minKind, min, v);
            return minEx ? c > 0 : c >= 0;
        }

        public boolean lteMax(byte[] v) {
            int c = compareEnd(maxKind, max, v);
            return maxEx ? c > 0 : c >= 0;
        }

        public boolean isEmpty() {
            int c;
            if (minKind == maxKind && minKind != Bound.MEMBER) {
                c = 0;
            } else if (minKind == Bound.MINUS || maxKind == Bound.PLUS) {
                c = -1;
            } else if (minKind == Bound.PLUS || maxKind == Bound.MINUS) {
                c = 1;
            } else {
                c = Arrays.compareUnsigned(min, max);
            }
            return c > 0 || (c == 0 && (minEx || maxEx));
        }
    }
}
