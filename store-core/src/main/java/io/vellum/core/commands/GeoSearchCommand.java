package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.data.ZRange;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.GeoHash;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.PartialQuickSort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The geo searches, one generic command as Redis's georadiusGeneric: GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. Candidates come from the
 * score ranges of the nine cells around the centre ({@link GeoHash#areasByShape}), in Redis's
 * order, each filtered by the exact distance. Sorting orders equal distances as Redis does: a
 * full sort is stable (glibc's qsort is a merge sort), a partial one (COUNT below the number
 * found) is Redis's pqsort ({@link PartialQuickSort}).
 */
final class GeoSearchCommand {
    private GeoSearchCommand() {
    }

    private static final int RADIUS_COORDS = 1;
    private static final int RADIUS_MEMBER = 2;
    private static final int RADIUS_NOSTORE = 4;
    private static final int GEOSEARCH = 8;
    private static final int GEOSEARCHSTORE = 16;

    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;

    private static final CommandError E_MEMBER = new CommandError("ERR could not decode requested zset member");

    /** A point found: member, score, decoded position, distance from the centre. */
    private static final class Point {
        final byte[] member;
        final double score;
        final double lon;
        final double lat;
        double dist;

        Point(byte[] member, double score, double lon, double lat, double dist) {
            this.member = member;
            this.score = score;
            this.lon = lon;
            this.lat = lat;
            this.dist = dist;
        }
    }

    /* GEORADIUS key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST] [WITHHASH]
     *   [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key] */
    static void georadius(CommandContext ctx) {
        search(ctx, 1, RADIUS_COORDS);
    }

    /* GEORADIUSBYMEMBER key member radius <M | KM | FT | MI> ... as GEORADIUS */
    static void georadiusbymember(CommandContext ctx) {
        search(ctx, 1, RADIUS_MEMBER);
    }

    /* GEORADIUS_RO: GEORADIUS without STORE/STOREDIST */
    static void georadiusRo(CommandContext ctx) {
        search(ctx, 1, RADIUS_COORDS | RADIUS_NOSTORE);
    }

    /* GEORADIUSBYMEMBER_RO: GEORADIUSBYMEMBER without STORE/STOREDIST */
    static void georadiusbymemberRo(CommandContext ctx) {
        search(ctx, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
    }

    /* GEOSEARCH key <FROMMEMBER member | FROMLONLAT longitude latitude>
     *   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
     *   [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH] */
    static void geosearch(CommandContext ctx) {
        search(ctx, 1, GEOSEARCH);
    }

    /* GEOSEARCHSTORE destination source ... as GEOSEARCH without WITH*, [STOREDIST] */
    static void geosearchstore(CommandContext ctx) {
        search(ctx, 2, GEOSEARCH | GEOSEARCHSTORE);
    }

    /** The centre of a search around a member (longLatFromMember). */
    private static double[] memberPosition(ZSetValue z, byte[] member) {
        double score = z.score(member);
        if (Double.isNaN(score)) {
            throw E_MEMBER;
        }
        return GeoHash.decodeScore(score);
    }

    /** Redis's georadiusGeneric. */
    private static void search(CommandContext ctx, int srcKeyIndex, int flags) {
        byte[] storeKey = null;
        boolean storeDist = false;
        ZSetValue z = ZSetCommands.readZset(ctx, ctx.arg(srcKeyIndex));

        int baseArgs;
        double[] xy = {0, 0};
        boolean box = false;
        double radius = 0;
        double width = 0;
        double height = 0;
        double conversion = 0;
        if ((flags & RADIUS_COORDS) != 0) {
            baseArgs = 6;
            xy = GeoCommands.longLat(ctx, 2);
            radius = radius(ctx, baseArgs - 2);
            conversion = GeoCommands.unit(ctx, baseArgs - 1);
        } else if ((flags & RADIUS_MEMBER) != 0 && z == null) {
            baseArgs = 5; // parse the options anyway, to know which empty reply to give
        } else if ((flags & RADIUS_MEMBER) != 0) {
            baseArgs = 5;
            xy = memberPosition(z, ctx.arg(2));
            radius = radius(ctx, baseArgs - 2);
            conversion = GeoCommands.unit(ctx, baseArgs - 1);
        } else {
            baseArgs = 2;
            if ((flags & GEOSEARCHSTORE) != 0) {
                baseArgs = 3;
                storeKey = ctx.arg(1);
            }
        }

        boolean withDist = false;
        boolean withHash = false;
        boolean withCoords = false;
        boolean fromMember = false;
        boolean fromLoc = false;
        boolean byRadius = false;
        boolean byBox = false;
        int sort = SORT_NONE;
        boolean any = false;
        long count = 0;
        int remaining = ctx.argc() - baseArgs;
        for (int i = 0; i < remaining; i++) {
            int a = baseArgs + i;
            if (ctx.argIs(a, "withdist")) {
                withDist = true;
            } else if (ctx.argIs(a, "withhash")) {
                withHash = true;
            } else if (ctx.argIs(a, "withcoord")) {
                withCoords = true;
            } else if (ctx.argIs(a, "any")) {
                any = true;
            } else if (ctx.argIs(a, "asc")) {
                sort = SORT_ASC;
            } else if (ctx.argIs(a, "desc")) {
                sort = SORT_DESC;
            } else if (ctx.argIs(a, "count") && i + 1 < remaining) {
                count = ctx.longArg(a + 1);
                if (count <= 0) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
                i++;
            } else if (ctx.argIs(a, "store") && i + 1 < remaining
                    && (flags & RADIUS_NOSTORE) == 0 && (flags & GEOSEARCH) == 0) {
                storeKey = ctx.arg(a + 1);
                storeDist = false;
                i++;
            } else if (ctx.argIs(a, "storedist") && i + 1 < remaining
                    && (flags & RADIUS_NOSTORE) == 0 && (flags & GEOSEARCH) == 0) {
                storeKey = ctx.arg(a + 1);
                storeDist = true;
                i++;
            } else if (ctx.argIs(a, "storedist") && (flags & GEOSEARCH) != 0 && (flags & GEOSEARCHSTORE) != 0) {
                storeDist = true;
            } else if (ctx.argIs(a, "frommember") && i + 1 < remaining && (flags & GEOSEARCH) != 0 && !fromLoc) {
                if (z != null) {
                    xy = memberPosition(z, ctx.arg(a + 1));
                }
                fromMember = true;
                i++;
            } else if (ctx.argIs(a, "fromlonlat") && i + 2 < remaining && (flags & GEOSEARCH) != 0 && !fromMember) {
                xy = GeoCommands.longLat(ctx, a + 1);
                fromLoc = true;
                i += 2;
            } else if (ctx.argIs(a, "byradius") && i + 2 < remaining && (flags & GEOSEARCH) != 0 && !byBox) {
                radius = radius(ctx, a + 1);
                conversion = GeoCommands.unit(ctx, a + 2);
                box = false;
                byRadius = true;
                i += 2;
            } else if (ctx.argIs(a, "bybox") && i + 3 < remaining && (flags & GEOSEARCH) != 0 && !byRadius) {
                width = GeoCommands.number(ctx, a + 1, "ERR need numeric width");
                height = GeoCommands.number(ctx, a + 2, "ERR need numeric height");
                if (height < 0 || width < 0) {
                    throw new CommandError("ERR height or width cannot be negative");
                }
                conversion = GeoCommands.unit(ctx, a + 3);
                box = true;
                byBox = true;
                i += 3;
            } else {
                throw Errors.E_SYNTAX;
            }
        }

        if (storeKey != null && (withDist || withHash || withCoords)) {
            throw new CommandError("ERR " + ((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if ((flags & GEOSEARCH) != 0 && !(fromMember || fromLoc)) {
            throw new CommandError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + ctx.argString(0));
        }
        if ((flags & GEOSEARCH) != 0 && !(byRadius || byBox)) {
            throw new CommandError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + ctx.argString(0));
        }
        if (any && count == 0) {
            throw new CommandError("ERR the ANY argument requires COUNT argument");
        }

        if (z == null) {
            if (storeKey != null) {
                ctx.db().delete(storeKey);
                ctx.reply().integer(0);
            } else {
                ctx.reply().array(0);
            }
            return;
        }

        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC;
        }
        GeoHash.Shape shape = new GeoHash.Shape(xy[0], xy[1], box, radius, width, height, conversion);
        List<Point> found = membersOfAllNeighbors(z, GeoHash.areasByShape(shape), shape, any ? count : 0);

        if (found.isEmpty() && storeKey == null) {
            ctx.reply().array(0);
            return;
        }
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (sort != SORT_NONE) {
            Comparator<Point> asc = (p, q) -> p.dist > q.dist ? 1 : p.dist == q.dist ? 0 : -1;
            Comparator<Point> cmp = sort == SORT_ASC ? asc : (p, q) -> -asc.compare(p, q);
            if (returned == found.size()) {
                found.sort(cmp); // glibc's qsort: a merge sort, stable
            } else {
                Point[] arr = found.toArray(new Point[0]);
                PartialQuickSort.sort(arr, arr.length, cmp, 0, returned - 1);
                found = java.util.Arrays.asList(arr);
            }
        }

        if (storeKey == null) {
            reply(ctx.reply(), found, returned, conversion, withDist, withHash, withCoords);
        } else {
            store(ctx, storeKey, found, returned, conversion, storeDist);
        }
    }

    /** extractDistanceOrReply's radius (its unit is read separately). */
    private static double radius(CommandContext ctx, int i) {
        double d = GeoCommands.number(ctx, i, "ERR need numeric radius");
        if (d < 0) {
            throw new CommandError("ERR radius cannot be negative");
        }
        return d;
    }

    /**
     * membersOfAllNeighbors: the points of each cell in turn, skipping excluded cells and a
     * cell equal to the one processed before it (huge radii make neighbours coincide).
     */
    private static List<Point> membersOfAllNeighbors(ZSetValue z, GeoHash.Bits[] cells, GeoHash.Shape shape, long limit) {
        List<Point> found = new ArrayList<>();
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++) {
            if (GeoHash.isZero(cells[i])) {
                continue;
            }
            if (lastProcessed != 0 && cells[i].equals(cells[lastProcessed])) {
                continue;
            }
            if (!found.isEmpty() && limit != 0 && found.size() >= limit) {
                break;
            }
            long[] range = GeoHash.scoreRange(cells[i]);
            pointsInRange(z, range[0], range[1], shape, found, limit);
            lastProcessed = i;
        }
        return found;
    }

    /** geoGetPointsInRange: members with min <= score < max within the shape. */
    private static void pointsInRange(ZSetValue z, double min, double max, GeoHash.Shape shape, List<Point> found, long limit) {
        ZRange.Score range = new ZRange.Score(min, false, max, true);
        for (Node n = z.byRank(z.countBelow(range)); n != null; n = n.next()) {
            if (!range.lteMax(n.score())) {
                break;
            }
            double[] xy = GeoHash.decodeScore(n.score());
            double dist = shape.distanceIfWithin(xy[0], xy[1]);
            if (!Double.isNaN(dist)) {
                found.add(new Point(n.member(), n.score(), xy[0], xy[1], dist));
            }
            if (!found.isEmpty() && limit != 0 && found.size() >= limit) {
                break;
            }
        }
    }

    private static void reply(ReplySink out, List<Point> found, int returned, double conversion,
            boolean withDist, boolean withHash, boolean withCoords) {
        int options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0);
        out.array(returned);
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            p.dist /= conversion;
            if (options > 0) {
                out.array(options + 1);
            }
            out.bulk(p.member);
            if (withDist) {
                out.bulk(GeoCommands.distanceText(p.dist));
            }
            if (withHash) {
                out.integer((long) p.score);
            }
            if (withCoords) {
                out.array(2);
                GeoCommands.replyCoordinate(out, p.lon);
                GeoCommands.replyCoordinate(out, p.lat);
            }
        }
    }

    /** The STORE / STOREDIST / GEOSEARCHSTORE result: a new sorted set, or the key deleted. */
    private static void store(CommandContext ctx, byte[] storeKey, List<Point> found, int returned, double conversion,
            boolean storeDist) {
        if (returned == 0) {
            ctx.db().delete(storeKey);
            ctx.reply().integer(0);
            return;
        }
        ZSetValue result = ZSetValue.newSkiplist();
        long maxLen = 0;
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            p.dist /= conversion;
            if (!Double.isNaN(result.score(p.member))) {
                continue; // Redis asserts that members are unique
            }
            result.insertNew(p.member, storeDist ? p.dist : p.score);
            maxLen = Math.max(maxLen, p.member.length);
        }
        result.convertToListpackIfNeeded(maxLen, ZSetValue.Limits.of(ctx.config()));
        ctx.db().set(storeKey, result, false);
        ctx.reply().integer(returned);
    }
}
