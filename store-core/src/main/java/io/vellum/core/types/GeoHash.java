package io.vellum.core.types;

import io.vellum.core.util.RoundedTrig;

/**
 * Redis's geohash (a port of geohash.c and geohash_helper.c): a position is stored as the
 * score of a sorted-set member, the 52-bit interleaving of 26 bits of latitude (odd bits)
 * and 26 bits of longitude (even bits) over longitude [-180, 180] and latitude
 * [-85.05112878, 85.05112878] (EPSG:900913 cannot reach the poles).
 *
 * <p>Searches cover the query's bounding box with the cell of an estimated precision around
 * the centre and its eight neighbours ({@link #areasByShape}); each cell is a score interval
 * [min, max) of the sorted set.
 *
 * <p>The trigonometry goes through {@link RoundedTrig} (correctly rounded, as glibc's libm
 * that Redis uses is in practice), so distances are Redis's to the last bit, and the same on
 * every JVM, so a replayed log computes what the primary did.
 */
public final class GeoHash {
    private GeoHash() {
    }

    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    public static final int STEP_MAX = 26;

    private static final double D_R = Math.PI / 180.0;
    /** Earth's quadratic mean radius for WGS-84. */
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;

    /** A cell: {@code bits} of {@code step * 2} bits; step 0 and bits 0 is Redis's "zero" (skipped) cell. */
    public record Bits(long bits, int step) {
        static final Bits ZERO = new Bits(0, 0);

        boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** A cell's extent in degrees. */
    public record Area(double lonMin, double lonMax, double latMin, double latMax) {
    }

    // ------------------------------------------------------------------ interleaving

    private static long interleave64(long xlo, long ylo) {
        long x = xlo & 0xffffffffL;
        long y = ylo & 0xffffffffL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;
        return x | (y << 1);
    }

    private static long deinterleave64(long interleaved) {
        long x = interleaved;
        long y = interleaved >>> 1;
        x = x & 0x5555555555555555L;
        y = y & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    // ------------------------------------------------------------------ encode, decode

    /** geohashEncode over the given ranges; null where Redis's returns 0. */
    static Bits encode(double lonMin, double lonMax, double latMin, double latMax,
            double longitude, double latitude, int step) {
        if (step > 32 || step == 0) {
            return null;
        }
        if (longitude > 180 || longitude < -180 || latitude > 85.05112878 || latitude < -85.05112878) {
            return null;
        }
        if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) {
            return null;
        }
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - lonMin) / (lonMax - lonMin);
        latOffset *= (1 << step);
        longOffset *= (1 << step);
        // C converts the doubles to uint32_t: truncation of non-negative values
        return new Bits(interleave64((long) latOffset, (long) longOffset), step);
    }

    /** geohashEncodeWGS84. */
    public static Bits encodeWgs84(double longitude, double latitude, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, step);
    }

    /** The sorted-set score of a position (GEOADD): the 52-bit aligned hash. */
    public static long score(double longitude, double latitude) {
        return align52(encodeWgs84(longitude, latitude, STEP_MAX));
    }

    /** geohashAlign52Bits. */
    static long align52(Bits h) {
        return h.bits() << (52 - h.step() * 2);
    }

    /** geohashDecode over the WGS84 ranges. */
    static Area decode(Bits hash) {
        return decode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, hash);
    }

    static Area decode(double lonMin, double lonMax, double latMin, double latMax, Bits hash) {
        int step = hash.step();
        long sep = deinterleave64(hash.bits());
        double latScale = latMax - latMin;
        double longScale = lonMax - lonMin;
        long ilato = sep & 0xffffffffL;
        long ilono = sep >>> 32;
        double div = (double) (1L << step);
        return new Area(
                lonMin + (ilono * 1.0 / div) * longScale,
                lonMin + ((ilono + 1) * 1.0 / div) * longScale,
                latMin + (ilato * 1.0 / div) * latScale,
                latMin + ((ilato + 1) * 1.0 / div) * latScale);
    }

    /**
     * decodeGeohash: the longitude and latitude of a score (the centre of its cell, clamped to
     * the valid ranges). The score converts to a 64-bit unsigned integer as C does on x86-64.
     */
    public static double[] decodeScore(double score) {
        Area a = decode(new Bits(toUint64(score), STEP_MAX));
        double x = (a.lonMin() + a.lonMax()) / 2;
        x = Math.min(Math.max(x, LONG_MIN), LONG_MAX);
        double y = (a.latMin() + a.latMax()) / 2;
        y = Math.min(Math.max(y, LAT_MIN), LAT_MAX);
        return new double[] {x, y};
    }

    /** (uint64_t) d as gcc compiles it for x86-64 (cvttsd2si, with the 2^63 adjustment). */
    private static long toUint64(double d) {
        if (d < 0x1p63) {
            return (long) d; // below -2^63 and -inf both give 0x8000000000000000, as cvttsd2si
        }
        double high = d - 0x1p63;
        long r = high < 0x1p63 ? (long) high : Long.MIN_VALUE;
        return r ^ Long.MIN_VALUE;
    }

    /** GEOHASH's standard 11-character geohash of a score, or null when it cannot be encoded. */
    public static String standardGeohash(double score) {
        double[] xy = decodeScore(score);
        Bits h = encode(-180, 180, -90, 90, xy[0], xy[1], 26);
        if (h == null) {
            return null;
        }
        String alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        char[] buf = new char[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((h.bits() >>> (52 - ((i + 1) * 5))) & 0x1f);
            buf[i] = alphabet.charAt(idx);
        }
        return new String(buf);
    }

    // ------------------------------------------------------------------ neighbours

    private static Bits moveX(Bits h, int d) {
        if (d == 0) {
            return h;
        }
        long x = h.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = h.bits() & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - h.step() * 2);
        if (d > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= (0xaaaaaaaaaaaaaaaaL >>> (64 - h.step() * 2));
        return new Bits(x | y, h.step());
    }

    private static Bits moveY(Bits h, int d) {
        if (d == 0) {
            return h;
        }
        long x = h.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = h.bits() & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - h.step() * 2);
        if (d > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= (0x5555555555555555L >>> (64 - h.step() * 2));
        return new Bits(x | y, h.step());
    }

    // ------------------------------------------------------------------ distances

    private static double degRad(double ang) {
        return ang * D_R;
    }

    private static double radDeg(double ang) {
        return ang / D_R;
    }

    /** geohashGetLatDistance. */
    static double latDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
    }

    /** geohashGetDistance: the haversine great-circle distance in meters. */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lon1r = degRad(lon1d);
        double lon2r = degRad(lon2d);
        double v = RoundedTrig.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1d, lat2d);
        }
        double lat1r = degRad(lat1d);
        double lat2r = degRad(lat2d);
        double u = RoundedTrig.sin((lat2r - lat1r) / 2);
        double a = u * u + RoundedTrig.cos(lat1r) * RoundedTrig.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * RoundedTrig.asin(Math.sqrt(a));
    }

    /** geohashGetDistanceIfInRectangle: the distance, or NaN when outside the box. */
    static double distanceIfInRectangle(double widthM, double heightM, double x1, double y1, double x2, double y2) {
        double latDistance = latDistance(y2, y1);
        if (latDistance > heightM / 2) {
            return Double.NaN;
        }
        double lonDistance = distance(x2, y2, x1, y2);
        if (lonDistance > widthM / 2) {
            return Double.NaN;
        }
        return distance(x1, y1, x2, y2);
    }

    // ------------------------------------------------------------------ search areas

    /**
     * A search shape (GeoShape): a centre, a circle of {@code radius} or a box of
     * {@code width} x {@code height}, in the unit whose meters are {@code conversion}.
     */
    public record Shape(double lon, double lat, boolean box, double radius, double width, double height,
            double conversion) {

        /** geoWithinShape: the distance in meters from the centre, or NaN when outside. */
        public double distanceIfWithin(double x, double y) {
            if (!box) {
                double d = distance(lon, lat, x, y);
                return d > radius * conversion ? Double.NaN : d;
            }
            return distanceIfInRectangle(width * conversion, height * conversion, lon, lat, x, y);
        }

        /** geohashBoundingBox: {min lon, min lat, max lon, max lat}. */
        double[] boundingBox() {
            double h = conversion * (box ? height / 2 : radius);
            double w = conversion * (box ? width / 2 : radius);
            double latDelta = radDeg(h / EARTH_RADIUS_IN_METERS);
            double longDeltaTop = radDeg(w / EARTH_RADIUS_IN_METERS / RoundedTrig.cos(degRad(lat + latDelta)));
            double longDeltaBottom = radDeg(w / EARTH_RADIUS_IN_METERS / RoundedTrig.cos(degRad(lat - latDelta)));
            boolean southern = lat < 0;
            return new double[] {
                    southern ? lon - longDeltaBottom : lon - longDeltaTop,
                    lat - latDelta,
                    southern ? lon + longDeltaBottom : lon + longDeltaTop,
                    lat + latDelta};
        }
    }

    /** geohashEstimateStepsByRadius. */
    static int estimateStepsByRadius(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        if (step < 1) {
            step = 1;
        }
        if (step > 26) {
            step = 26;
        }
        return step;
    }

    /**
     * geohashCalculateAreasByShapeWGS84: the cells to scan, in Redis's order (centre, N, S, E,
     * W, NE, NW, SE, SW); a cell Redis excludes is {@link Bits#ZERO}.
     */
    public static Bits[] areasByShape(Shape shape) {
        double[] bounds = shape.boundingBox();
        double minLon = bounds[0];
        double minLat = bounds[1];
        double maxLon = bounds[2];
        double maxLat = bounds[3];
        double radiusMeters = shape.box()
                ? Math.sqrt((shape.width() / 2) * (shape.width() / 2) + (shape.height() / 2) * (shape.height() / 2))
                : shape.radius();
        radiusMeters *= shape.conversion();
        int steps = estimateStepsByRadius(radiusMeters, shape.lat());
        Bits hash = encodeWgs84(shape.lon(), shape.lat(), steps);
        Bits[] n = neighbors(hash);
        Area area = decode(hash);
        boolean decreaseStep = decode(n[1]).latMax() < maxLat
                || decode(n[2]).latMin() > minLat
                || decode(n[3]).lonMax() < maxLon
                || decode(n[4]).lonMin() > minLon;
        if (steps > 1 && decreaseStep) {
            steps--;
            hash = encodeWgs84(shape.lon(), shape.lat(), steps);
            n = neighbors(hash);
            area = decode(hash);
        }
        if (steps >= 2) {
            if (area.latMin() < minLat) {
                n[2] = n[7] = n[8] = Bits.ZERO; // south, south east, south west
            }
            if (area.latMax() > maxLat) {
                n[1] = n[5] = n[6] = Bits.ZERO; // north, north east, north west
            }
            if (area.lonMin() < minLon) {
                n[4] = n[8] = n[6] = Bits.ZERO; // west, south west, north west
            }
            if (area.lonMax() > maxLon) {
                n[3] = n[7] = n[5] = Bits.ZERO; // east, south east, north east
            }
        }
        n[0] = hash;
        return n;
    }

    /** {centre, north, south, east, west, north east, north west, south east, south west}. */
    private static Bits[] neighbors(Bits h) {
        return new Bits[] {
                h,
                moveY(h, 1),
                moveY(h, -1),
                moveX(h, 1),
                moveX(h, -1),
                moveY(moveX(h, 1), 1),
                moveY(moveX(h, -1), 1),
                moveY(moveX(h, 1), -1),
                moveY(moveX(h, -1), -1)};
    }

    /** scoresOfGeoHashBox: the cell's score interval [min, max). */
    public static long[] scoreRange(Bits h) {
        return new long[] {align52(h), align52(new Bits(h.bits() + 1, h.step()))};
    }

    public static boolean isZero(Bits h) {
        return h.isZero();
    }
}
