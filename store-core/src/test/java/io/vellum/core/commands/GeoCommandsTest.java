package io.vellum.core.commands;

import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.types.GeoHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import io.vellum.core.util.PartialQuickSort;
import org.junit.jupiter.api.Test;

/**
 * Geo commands on the synchronous test engine, against golden values taken from
 * redis-server 7.0.15 with redis-cli (scores, coordinates, distances, geohashes).
 */
class GeoCommandsTest {

    @Test
    void scoresPositionsAndDistancesAreRedis() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(integer(2), c.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo",
                    "15.087269", "37.502669", "Catania"));
            assertEquals(new Reply.Double(3479099956230698.0), c.call("ZSCORE", "Sicily", "Palermo"));
            assertEquals(new Reply.Double(3479447370796909.0), c.call("ZSCORE", "Sicily", "Catania"));
            assertEquals(array(array(bulk("13.36138933897018433"), bulk("38.11555639549629859")),
                    array(bulk("15.08726745843887329"), bulk("37.50266842333162032")), TestStore.NULL_ARRAY),
                    c.call("GEOPOS", "Sicily", "Palermo", "Catania", "nope"));
            assertEquals(bulk("166.2742"), c.call("GEODIST", "Sicily", "Palermo", "Catania", "km"));
            assertEquals(bulk("166274.1516"), c.call("GEODIST", "Sicily", "Palermo", "Catania"));
            assertEquals(array(bulk("sqc8b49rny0"), bulk("sqdtr74hyu0")), c.call("GEOHASH", "Sicily", "Palermo", "Catania"));
            assertEquals(array(array(bulk("Catania"), bulk("56.4413"), integer(3479447370796909L)),
                    array(bulk("Palermo"), bulk("190.4424"), integer(3479099956230698L))),
                    c.call("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC", "WITHDIST", "WITHHASH"));
        }
    }

    @Test
    void cornersOfTheMapClampAsRedis() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("GEOADD", "k", "180", "85.05112878", "ne", "-180", "-85.05112878", "sw");
            assertEquals(array(array(bulk("180"), bulk("85.0511287799999991")),
                    array(bulk("-179.99999731779098511"), bulk("-85.05112751263942528"))), c.call("GEOPOS", "k", "ne", "sw"));
            assertEquals(array(bulk("bp05b5048p0"), bulk("00bh0hbj200")), c.call("GEOHASH", "k", "ne", "sw"));
            assertEquals(error("ERR invalid longitude,latitude pair 1.000000,100.000000"), c.call("GEOADD", "k", "1", "100", "x"));
        }
    }

    @Test
    void coordinatesAreRespThreeDoublesWithRedisDigits() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client(3);
            c.call("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo");
            Reply r = c.call("GEOPOS", "Sicily", "Palermo");
            assertEquals(array(array(new Reply.Double(13.36138933897018433), new Reply.Double(38.11555639549629859))), r);
            assertEquals("13.36138933897018433", GeoCommands.humanText(13.36138933897018433));
        }
    }

    @Test
    void distanceTextRoundsAsFixedpointD2string() {
        assertEquals("0.0000", GeoCommands.distanceText(0));
        assertEquals("0.0001", GeoCommands.distanceText(0.00005000001));
        assertEquals("1.2346", GeoCommands.distanceText(1.23456));
        assertEquals("20037726.3700", GeoCommands.distanceText(20037726.37));
        assertEquals(GeoHash.score(13.361389, 38.115556), 3479099956230698L);
    }

    @Test
    void partialSortOrdersTiesAsPqsort() {
        // ties broken as Redis's pqsort does: the first ranks equal a full sort's, by value
        Integer[] a = new Integer[100];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i * 37) % 100;
        }
        PartialQuickSort.sort(a, a.length, Comparator.naturalOrder(), 0, 9);
        List<Integer> first = new ArrayList<>(List.of(a).subList(0, 10));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), first);
    }
}
