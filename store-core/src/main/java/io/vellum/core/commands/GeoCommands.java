package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.GeoHash;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.Doubles;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Geo commands (Redis's geo.c): positions are members of a sorted set whose scores are
 * 52-bit geohashes ({@link GeoHash}). GEOADD, GEOPOS, GEODIST and GEOHASH are here; the
 * searches (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS*) are in {@link GeoSearchCommand}.
 */
public final class GeoCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("geoadd", GeoCommands::geoadd)
                .bind("geopos", GeoCommands::geopos)
                .bind("geodist", GeoCommands::geodist)
                .bind("geohash", GeoCommands::geohash)
                .bind("geosearch", GeoSearchCommand::geosearch)
                .bind("geosearchstore", GeoSearchCommand::geosearchstore)
                .bind("georadius", GeoSearchCommand::georadius)
                .bind("georadius_ro", GeoSearchCommand::georadiusRo)
                .bind("georadiusbymember", GeoSearchCommand::georadiusbymember)
                .bind("georadiusbymember_ro", GeoSearchCommand::georadiusbymemberRo);
    }

    // ------------------------------------------------------------------ argument helpers

    /** extractLongLatOrReply: the longitude and latitude at {@code i} and {@code i + 1}. */
    static double[] longLat(CommandContext ctx, int i) {
        double x = ctx.doubleArg(i);
        double y = ctx.doubleArg(i + 1);
        if (x < GeoHash.LONG_MIN || x > GeoHash.LONG_MAX || y < GeoHash.LAT_MIN || y > GeoHash.LAT_MAX) {
            throw new CommandError("ERR invalid longitude,latitude pair " + printfF(x) + "," + printfF(y));
        }
        return new double[] {x, y};
    }

    /** C's "%f": six decimals of the exact value. */
    private static String printfF(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        return (Double.doubleToRawLongBits(d) < 0 && !s.startsWith("-")) ? "-" + s : s;
    }

    /** extractUnitOrReply: meters per unit. */
    static double unit(CommandContext ctx, int i) {
        if (ctx.argIs(i, "m")) {
            return 1;
        } else if (ctx.argIs(i, "km")) {
            return 1000;
        } else if (ctx.argIs(i, "ft")) {
            return 0.3048;
        } else if (ctx.argIs(i, "mi")) {
            return 1609.34;
        }
        throw new CommandError("ERR unsupported unit provided. please use M, KM, FT, MI");
    }

    /** getDoubleFromObjectOrReply with its own error text. */
    static double number(CommandContext ctx, int i, String error) {
        double d = Doubles.parse(ctx.arg(i));
        if (Double.isNaN(d)) {
            throw new CommandError(error);
        }
        return d;
    }

    /**
     * Redis 7.2's addReplyDoubleDistance (fixedpoint_d2string with 4 digits): the value times
     * 10^4 rounded to an integer (llrint, ties to even), printed with four decimals.
     */
    static String distanceText(double d) {
        if (d == 0) {
            return "0.0000";
        }
        long v = (long) Math.rint(d * 10000.0);
        boolean neg = v < 0;
        String digits = Long.toString(Math.abs(v));
        if (digits.length() < 5) {
            digits = "0".repeat(5 - digits.length()) + digits;
        }
        int point = digits.length() - 4;
        return (neg ? "-" : "") + digits.substring(0, point) + "." + digits.substring(point);
    }

    /** ld2string(LD_STR_HUMAN) of a double: "%.17Lf", trailing zeros and dot removed. */
    static String humanText(double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s.equals("-0") ? "0" : s;
    }

    /** addReplyHumanLongDouble for a coordinate. */
    static void replyCoordinate(ReplySink out, double d) {
        out.humanDouble(d, humanText(d));
    }

    // ------------------------------------------------------------------ commands

    /* GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...] */
    static void geoadd(CommandContext ctx) {
        boolean xx = false;
        boolean nx = false;
        boolean ch = false;
        int longIdx = 2;
        for (; longIdx < ctx.argc(); longIdx++) {
            if (ctx.argIs(longIdx, "nx")) {
                nx = true;
            } else if (ctx.argIs(longIdx, "xx")) {
                xx = true;
            } else if (ctx.argIs(longIdx, "ch")) {
                ch = true;
            } else {
                break;
            }
        }
        if ((ctx.argc() - longIdx) % 3 != 0 || (xx && nx)) {
            throw Errors.E_SYNTAX;
        }
        int elements = (ctx.argc() - longIdx) / 3;
        double[] scores = new double[elements];
        for (int i = 0; i < elements; i++) {
            double[] xy = longLat(ctx, longIdx + i * 3);
            scores[i] = GeoHash.score(xy[0], xy[1]);
        }
        if (elements == 0) {
            throw Errors.E_SYNTAX; // what ZADD answers for no score-member pairs
        }
        // The rest is ZADD's, with the geohashes as scores.
        byte[] key = ctx.arg(1);
        ZSetValue z = ZSetCommands.writeZset(ctx, key);
        ZSetValue.Limits l = ZSetValue.Limits.of(ctx.config());
        int flags = (nx ? ZSetValue.IN_NX : 0) | (xx ? ZSetValue.IN_XX : 0);
        boolean created = false;
        String encodingBefore = null;
        if (z == null) {
            if (xx) {
                ctx.reply().integer(0);
                return;
            }
            z = ZSetValue.create(elements, ctx.arg(longIdx + 2).length, l);
            created = true;
        } else {
            encodingBefore = z.encoding();
            z.maybeConvert(elements, l);
        }
        int added = 0;
        int updated = 0;
        double[] newScore = new double[1];
        for (int i = 0; i < elements; i++) {
            int out = z.add(scores[i], ctx.arg(longIdx + i * 3 + 2), flags, newScore, l);
            if ((out & ZSetValue.OUT_ADDED) != 0) {
                added++;
            }
            if ((out & ZSetValue.OUT_UPDATED) != 0) {
                updated++;
            }
        }
        if (created) {
            ctx.db().add(key, z);
        } else if (added + updated > 0 || !z.encoding().equals(encodingBefore)) {
            ctx.db().signalModified(key);
        }
        ctx.reply().integer(ch ? added + updated : added);
    }

    /* GEOPOS key [member [member ...]] */
    static void geopos(CommandContext ctx) {
        ZSetValue z = ZSetCommands.readZset(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        out.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            double score = z == null ? Double.NaN : z.score(ctx.arg(j));
            if (Double.isNaN(score)) {
                out.nullArray();
                continue;
            }
            double[] xy = GeoHash.decodeScore(score);
            out.array(2);
            replyCoordinate(out, xy[0]);
            replyCoordinate(out, xy[1]);
        }
    }

    /* GEODIST key member1 member2 [M | KM | FT | MI] */
    static void geodist(CommandContext ctx) {
        double toMeter = 1;
        if (ctx.argc() == 5) {
            toMeter = unit(ctx, 4);
        } else if (ctx.argc() > 5) {
            throw Errors.E_SYNTAX;
        }
        ZSetValue z = ZSetCommands.readZset(ctx, ctx.arg(1));
        if (z == null) {
            ctx.reply().nullBulk();
            return;
        }
        double s1 = z.score(ctx.arg(2));
        double s2 = z.score(ctx.arg(3));
        if (Double.isNaN(s1) || Double.isNaN(s2)) {
            ctx.reply().nullBulk();
            return;
        }
        double[] a = GeoHash.decodeScore(s1);
        double[] b = GeoHash.decodeScore(s2);
        ctx.reply().bulk(distanceText(GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeter));
    }

    /* GEOHASH key [member [member ...]] */
    static void geohash(CommandContext ctx) {
        ZSetValue z = ZSetCommands.readZset(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        out.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            double score = z == null ? Double.NaN : z.score(ctx.arg(j));
            String hash = Double.isNaN(score) ? null : GeoHash.standardGeohash(score);
            if (hash == null) {
                out.nullBulk();
            } else {
                out.bulk(hash);
            }
        }
    }
}
