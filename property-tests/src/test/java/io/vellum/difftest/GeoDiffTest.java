package io.vellum.difftest;

import io.vellum.difftest.RandomCommands.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * GEOADD, GEOPOS, GEODIST, GEOHASH and the searches against a real Redis: coordinates as
 * Redis prints them (17 decimals trimmed, RESP3 doubles), distances with four decimals, the
 * cells a search scans (poles, the antimeridian, radius 0, radii larger than the earth), units,
 * STORE/STOREDIST, wrong types and error texts.
 */
class GeoDiffTest extends DifferentialTest {

    /** Scores as 7.2 prints them, distances within the last bit of glibc's (KnownDifferences LIBM_ULP). */
    private void sameScores(String... cmd) {
        sameAllowing(List.of(KnownDifferences.Rule.FLOAT_72, KnownDifferences.Rule.LIBM_ULP), cmd);
    }

    private void sicily() {
        same("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        same("GEOADD", "Sicily", "12.758489", "38.788135", "edge1", "17.241510", "38.788135", "edge2");
    }

    @Test
    void geoaddOptionsAndErrors() {
        same("GEOADD", "k", "13.361389", "38.115556", "Palermo");
        same("GEOADD", "k", "13.361389", "38.115556", "Palermo");
        same("GEOADD", "k", "CH", "13.4", "38.1", "Palermo", "1", "1", "new");
        same("GEOADD", "k", "NX", "10", "10", "Palermo", "2", "2", "nx");
        same("GEOADD", "k", "XX", "10", "10", "Palermo", "3", "3", "xx");
        same("GEOADD", "k", "XX", "CH", "11", "11", "Palermo");
        same("GEOADD", "k", "NX", "XX", "1", "1", "m");
        same("GEOADD", "k", "GT", "1", "1", "m");
        same("GEOADD", "k", "1", "1");
        same("GEOADD", "k", "CH", "CH", "CH");
        same("GEOADD", "k", "181", "1", "m");
        same("GEOADD", "k", "1", "85.06", "m");
        same("GEOADD", "k", "-180.0001", "-85.06", "m");
        same("GEOADD", "k", "1e300", "1", "m");
        same("GEOADD", "k", "-0", "100", "m");
        same("GEOADD", "k", "inf", "1", "m");
        same("GEOADD", "k", "abc", "1", "m");
        same("GEOADD", "k", "1", "", "m");
        same("GEOADD", "k", "180", "85.05112878", "corner", "-180", "-85.05112878", "corner2");
        same("GEOADD", "k", "0", "0", "origin", "0", "0", "", "1", "1", "\u0000\u00ff");
        sameScores("ZRANGE", "k", "0", "-1", "WITHSCORES");
        same("OBJECT", "ENCODING", "k");
        same("GEOADD", "missing", "XX", "1", "1", "m");
        same("EXISTS", "missing");
        same("SET", "str", "x");
        same("GEOADD", "str", "1", "1", "m");
        same("GEOADD", "str", "1", "100", "m");
        same("GEOADD", "k");
    }

    @Test
    void geoposAndGeohashPrintAsRedis() {
        sicily();
        same("GEOADD", "Sicily", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw", "0", "0", "zero",
                "-0.000001", "0.000001", "tiny", "179.99999", "-0.5", "anti");
        same("GEOPOS", "Sicily", "Palermo", "Catania", "nope", "ne", "sw", "zero", "tiny", "anti", "edge1");
        same("GEOPOS", "Sicily");
        same("GEOPOS", "missing", "a", "b");
        same("GEOHASH", "Sicily", "Palermo", "Catania", "nope", "ne", "sw", "zero", "tiny", "anti");
        same("GEOHASH", "missing", "a");
        same("ZADD", "z", "0", "s0", "4503599627370495", "top", "1e20", "huge", "-5", "neg", "123456789", "mid");
        same("GEOPOS", "z", "s0", "top", "huge", "mid");
        same("GEOHASH", "z", "s0", "top", "huge", "mid");
        same("SET", "str", "x");
        same("GEOPOS", "str", "a");
        same("GEOHASH", "str", "a");
    }

    @Test
    void geodistUnits() {
        sicily();
        same("GEODIST", "Sicily", "Palermo", "Catania");
        for (String u : new String[] {"m", "km", "ft", "mi", "KM", "Mi", "x", ""}) {
            same("GEODIST", "Sicily", "Palermo", "Catania", u);
        }
        same("GEODIST", "Sicily", "Palermo", "Palermo");
        same("GEODIST", "Sicily", "Palermo", "nope");
        same("GEODIST", "missing", "a", "b");
        same("GEODIST", "missing", "a", "b", "parsec");
        same("GEODIST", "Sicily", "Palermo", "Catania", "km", "extra");
        same("GEOADD", "w", "-179.9", "10", "a", "179.9", "10", "b", "0", "85", "n", "180", "-85", "s", "1", "85", "n2");
        same("GEODIST", "w", "a", "b", "m");
        same("GEODIST", "w", "n", "s", "km");
        same("GEODIST", "w", "n", "n2");
        same("SET", "str", "x");
        same("GEODIST", "str", "a", "b");
    }

    @Test
    void georadiusAndByMember() {
        sicily();
        same("GEORADIUS", "Sicily", "15", "37", "200", "km");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "DESC", "COUNT", "2");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "1", "ANY");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "-3");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "x");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT");
        same("GEORADIUS", "Sicily", "15", "37", "-1", "km");
        same("GEORADIUS", "Sicily", "15", "37", "x", "km");
        same("GEORADIUS", "Sicily", "15", "37", "1", "lightyears");
        same("GEORADIUS", "Sicily", "15", "95", "1", "km");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "BOGUS");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        sameScores("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst2", "DESC", "COUNT", "2");
        sameScores("ZRANGE", "dst2", "0", "-1", "WITHSCORES");
        same("GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst2");
        same("EXISTS", "dst2");
        same("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        same("GEORADIUS_RO", "Sicily", "15", "37", "200", "mi", "WITHDIST", "ASC");
        same("GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "WITHDIST", "ASC");
        same("GEORADIUSBYMEMBER", "Sicily", "Palermo", "300", "km", "STOREDIST", "bm");
        sameScores("ZRANGE", "bm", "0", "-1", "WITHSCORES");
        same("GEORADIUSBYMEMBER", "Sicily", "nope", "300", "km");
        same("GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "100", "ft", "WITHDIST");
        same("GEORADIUSBYMEMBER_RO", "Sicily", "Catania", "300", "km", "STOREDIST", "x");
        same("GEORADIUSBYMEMBER", "missing", "a", "-5", "parsec");
        same("GEORADIUSBYMEMBER", "missing", "a", "5", "km", "STORE", "dst");
        same("EXISTS", "dst");
        same("GEORADIUS", "missing", "1", "1", "5", "km");
        same("GEORADIUS", "missing", "1", "100", "5", "km");
        same("SET", "str", "x");
        same("GEORADIUS", "str", "1", "1", "5", "km");
        same("GEORADIUSBYMEMBER", "str", "a", "5", "km");
    }

    @Test
    void geosearchShapesAndErrors() {
        sicily();
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST", "WITHHASH");
        same("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "200", "200", "km", "DESC");
        same("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "0", "km", "WITHDIST");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "0", "0", "km");
        same("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "1", "km");
        same("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km");
        same("GEOSEARCH", "Sicily", "BYRADIUS", "1", "km");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1");
        same("geosearch", "Sicily", "FROMLONLAT", "1", "1");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "x", "1", "km");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "y", "km");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "1", "au");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "1");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "x");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STOREDIST");
        same("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY");
        same("GEOSEARCH", "missing", "FROMMEMBER", "x", "BYRADIUS", "1", "km");
        same("GEOSEARCH", "missing", "FROMMEMBER", "x");
        same("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "COUNT", "3");
        sameScores("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "STOREDIST");
        sameScores("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        same("GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "WITHDIST");
        same("GEOSEARCHSTORE", "dst", "missing", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km");
        same("EXISTS", "dst");
        same("SET", "str", "x");
        same("GEOSEARCH", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km");
        same("GEOSEARCHSTORE", "dst", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km");
        same("EXPIRE", "dst2", "100");
        same("GEOSEARCHSTORE", "str", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km");
        same("TYPE", "str");
    }

    @Test
    void polesAntimeridianAndHugeRadii() {
        List<String> add = new ArrayList<>(List.of("GEOADD", "w"));
        int n = 0;
        for (double lon = -180; lon <= 180; lon += 22.5) {
            for (double lat = -85; lat <= 85; lat += 17) {
                add.add(Double.toString(lon));
                add.add(Double.toString(lat));
                add.add("p" + n++);
            }
        }
        same(add.toArray(String[]::new));
        same("GEOADD", "w", "179.999", "0.001", "east", "-179.999", "-0.001", "west", "0", "85.05112878", "north",
                "0", "-85.05112878", "south");
        String[][] centres = {{"0", "0"}, {"180", "0"}, {"-180", "0"}, {"179.9", "84"}, {"-179.9", "-84"},
                {"0", "85.05112878"}, {"0", "-85.05112878"}, {"90", "70"}, {"-90", "-81"}, {"45.5", "-45.5"}};
        String[] radii = {"0", "1", "1000", "100000", "1000000", "5000000", "10000000", "20000000", "40000000", "1e15"};
        for (String[] c : centres) {
            for (String r : radii) {
                same("GEOSEARCH", "w", "FROMLONLAT", c[0], c[1], "BYRADIUS", r, "m", "WITHDIST", "WITHCOORD");
                same("GEOSEARCH", "w", "FROMLONLAT", c[0], c[1], "BYBOX", r, r, "m", "ASC", "WITHDIST");
                same("GEORADIUS", "w", c[0], c[1], r, "km", "DESC", "COUNT", "5");
            }
        }
        same("GEOSEARCH", "w", "FROMMEMBER", "east", "BYRADIUS", "500", "km", "WITHDIST");
        same("GEOSEARCH", "w", "FROMMEMBER", "north", "BYBOX", "40000", "1000", "km", "WITHDIST");
        same("GEOSEARCH", "w", "FROMMEMBER", "south", "BYRADIUS", "20000", "km", "COUNT", "3", "ANY");
        same("GEOSEARCH", "w", "FROMMEMBER", "p7", "BYRADIUS", "8000", "mi", "COUNT", "4", "ANY", "DESC");
    }

    @Test
    void manyPointsSearchAsRedis() {
        RandomGenerator r = java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(7);
        for (int batch = 0; batch < 10; batch++) {
            List<String> add = new ArrayList<>(List.of("GEOADD", "many"));
            for (int i = 0; i < 100; i++) {
                add.add(Double.toString(-180 + 360 * r.nextDouble()));
                add.add(Double.toString(-85 + 170 * r.nextDouble()));
                add.add("m" + batch + "-" + i);
            }
            same(add.toArray(String[]::new));
        }
        same("OBJECT", "ENCODING", "many");
        for (int q = 0; q < 60; q++) {
            String lon = Double.toString(-180 + 360 * r.nextDouble());
            String lat = Double.toString(-85 + 170 * r.nextDouble());
            String rad = Integer.toString(1 + r.nextInt(3000));
            same("GEOSEARCH", "many", "FROMLONLAT", lon, lat, "BYRADIUS", rad, "km", "WITHDIST", "WITHCOORD", "WITHHASH");
            same("GEOSEARCH", "many", "FROMLONLAT", lon, lat, "BYBOX", rad, Integer.toString(1 + r.nextInt(3000)), "km", "ASC");
            same("GEOSEARCHSTORE", "st", "many", "FROMLONLAT", lon, lat, "BYRADIUS", rad, "km", "STOREDIST", "COUNT", "20");
            sameScores("ZRANGE", "st", "0", "-1", "WITHSCORES");
        }
    }

    // ------------------------------------------------------------------ random mode

    private static final String[] KEYS = {"g0", "g1", "g2"};

    @Test
    void randomGeoCommands() {
        RandomCommands.run(this, "geo RESP" + protocol, RandomCommands.seed(),
                RandomCommands.commands(800), GeoDiffTest::next);
    }

    private static String key(RandomGenerator r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String member(RandomGenerator r) {
        return "m" + r.nextInt(60);
    }

    private static String lon(RandomGenerator r) {
        return switch (r.nextInt(12)) {
            case 0 -> "180";
            case 1 -> "-180";
            case 2 -> "181";
            default -> Double.toString(-180 + 360 * r.nextDouble());
        };
    }

    private static String lat(RandomGenerator r) {
        return switch (r.nextInt(12)) {
            case 0 -> "85.05112878";
            case 1 -> "-85.05112878";
            case 2 -> "86";
            default -> Double.toString(-85 + 170 * r.nextDouble());
        };
    }

    private static String unit(RandomGenerator r) {
        return new String[] {"m", "km", "ft", "mi", "KM"}[r.nextInt(5)];
    }

    private static String distance(RandomGenerator r) {
        return switch (r.nextInt(8)) {
            case 0 -> "0";
            case 1 -> "30000000";
            default -> Integer.toString(r.nextInt(r.nextBoolean() ? 3_000_000 : 3000));
        };
    }

    private static void options(RandomGenerator r, List<String> c, boolean with) {
        if (with && r.nextInt(3) == 0) {
            c.add("WITHDIST");
        }
        if (with && r.nextInt(3) == 0) {
            c.add("WITHCOORD");
        }
        if (with && r.nextInt(4) == 0) {
            c.add("WITHHASH");
        }
        switch (r.nextInt(3)) {
            case 0 -> c.add("ASC");
            case 1 -> c.add("DESC");
            default -> { }
        }
        if (r.nextInt(3) == 0) {
            c.add("COUNT");
            c.add(Integer.toString(1 + r.nextInt(8)));
            if (r.nextInt(3) == 0) {
                c.add("ANY");
            }
        }
    }

    private static void from(RandomGenerator r, List<String> c) {
        if (r.nextBoolean()) {
            c.addAll(List.of("FROMMEMBER", member(r)));
        } else {
            c.addAll(List.of("FROMLONLAT", lon(r), lat(r)));
        }
        if (r.nextBoolean()) {
            c.addAll(List.of("BYRADIUS", distance(r), unit(r)));
        } else {
            c.addAll(List.of("BYBOX", distance(r), distance(r), unit(r)));
        }
    }

    private static Step next(RandomGenerator r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(16)) {
            case 0, 1, 2, 3 -> {
                c.addAll(List.of("GEOADD", key(r)));
                if (r.nextInt(4) == 0) {
                    c.add(new String[] {"NX", "XX", "CH"}[r.nextInt(3)]);
                }
                int n = 1 + r.nextInt(r.nextInt(5) == 0 ? 40 : 3);
                for (int i = 0; i < n; i++) {
                    c.addAll(List.of(lon(r), lat(r), member(r)));
                }
            }
            case 4 -> {
                c.addAll(List.of("GEOPOS", key(r)));
                for (int i = r.nextInt(4); i >= 0; i--) {
                    c.add(member(r));
                }
            }
            case 5 -> {
                c.addAll(List.of("GEOHASH", key(r)));
                for (int i = r.nextInt(4); i >= 0; i--) {
                    c.add(member(r));
                }
            }
            case 6 -> {
                c.addAll(List.of("GEODIST", key(r), member(r), member(r)));
                if (r.nextBoolean()) {
                    c.add(unit(r));
                }
            }
            case 7, 8, 9 -> {
                c.addAll(List.of("GEOSEARCH", key(r)));
                from(r, c);
                options(r, c, true);
            }
            case 10 -> {
                c.addAll(List.of("GEOSEARCHSTORE", key(r), key(r)));
                from(r, c);
                options(r, c, false);
                if (r.nextBoolean()) {
                    c.add("STOREDIST");
                }
            }
            case 11 -> {
                c.addAll(List.of(r.nextBoolean() ? "GEORADIUS" : "GEORADIUS_RO", key(r), lon(r), lat(r), distance(r), unit(r)));
                options(r, c, true);
            }
            case 12 -> {
                c.addAll(List.of(r.nextBoolean() ? "GEORADIUSBYMEMBER" : "GEORADIUSBYMEMBER_RO", key(r), member(r),
                        distance(r), unit(r)));
                options(r, c, true);
            }
            case 13 -> {
                c.addAll(List.of("GEORADIUS", key(r), lon(r), lat(r), distance(r), unit(r)));
                options(r, c, false);
                c.addAll(List.of(r.nextBoolean() ? "STORE" : "STOREDIST", key(r)));
            }
            case 14 -> {
                // STOREDIST scores may differ from glibc's in the last bit: members only here
                return Step.exact("ZRANGE", key(r), "0", "-1");
            }
            default -> c.addAll(List.of("ZREM", key(r), member(r)));
        }
        return Step.exact(c.toArray(String[]::new));
    }
}
