package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.GlobMatcher;
import java.math.BigInteger;

/**
 * The arguments shared by SCAN, HSCAN, SSCAN and ZSCAN (Redis's parseScanCursorOrReply and
 * scanGenericCommand): the cursor, MATCH pattern, COUNT and (SCAN only) TYPE.
 */
public final class ScanArgs {
    public final long cursor;
    public final byte[] pattern;
    public final long count;
    /** SCAN ... TYPE name: the type, or null; {@link #unknownType} when the name is no type. */
    public final ValueType type;
    public final boolean unknownType;
    private final boolean matchAll;

    private ScanArgs(long cursor, byte[] pattern, long count, ValueType type, boolean unknownType) {
        this.cursor = cursor;
        this.pattern = pattern;
        this.count = count;
        this.type = type;
        this.unknownType = unknownType;
        this.matchAll = pattern == null || (pattern.length == 1 && pattern[0] == '*');
    }

    /**
     * Parses {@code argv[cursorIndex]} as the cursor and the options after it.
     * {@code allowType} is true for SCAN only.
     */
    public static ScanArgs parse(CommandContext ctx, int cursorIndex, boolean allowType) {
        long cursor = parseCursor(ctx.arg(cursorIndex));
        byte[] pattern = null;
        long count = 10;
        ValueType type = null;
        boolean unknownType = false;
        int i = cursorIndex + 1;
        while (i < ctx.argc()) {
            int left = ctx.argc() - i;
            if (ctx.argIs(i, "count") && left >= 2) {
                count = ctx.longArg(i + 1);
                if (count < 1) {
                    throw Errors.E_SYNTAX;
                }
                i += 2;
            } else if (ctx.argIs(i, "match") && left >= 2) {
                pattern = ctx.arg(i + 1);
                i += 2;
            } else if (allowType && ctx.argIs(i, "type") && left >= 2) {
                type = ValueType.byName(ctx.argString(i + 1));
                unknownType = type == null;
                i += 2;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        return new ScanArgs(cursor, pattern, count, type, unknownType);
    }

    /**
     * The cursor as Redis's parseScanCursorOrReply reads it with strtoul: an optional sign
     * (a negative value wraps around), decimal digits, nothing else; the empty string is 0;
     * more than 64 bits is "ERR invalid cursor".
     */
    static long parseCursor(byte[] b) {
        int i = 0;
        boolean negative = false;
        if (b.length > 0 && (b[0] == '+' || b[0] == '-')) {
            negative = b[0] == '-';
            i = 1;
            if (b.length == 1) {
                throw Errors.E_INVALID_CURSOR;
            }
        }
        BigInteger v = BigInteger.ZERO;
        for (; i < b.length; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw Errors.E_INVALID_CURSOR;
            }
            v = v.multiply(BigInteger.TEN).add(BigInteger.valueOf(b[i] - '0'));
            if (v.bitLength() > 64) {
                throw Errors.E_INVALID_CURSOR;
            }
        }
        long cursor = v.longValue();
        return negative ? -cursor : cursor;
    }

    /** The cursor as Redis prints it (unsigned). */
    public static String formatCursor(long cursor) {
        return Long.toUnsignedString(cursor);
    }

    public boolean matches(byte[] element) {
        return matchAll || GlobMatcher.matches(pattern, element, false);
    }

    static CommandError invalidCursor() {
        return Errors.E_INVALID_CURSOR;
    }
}
