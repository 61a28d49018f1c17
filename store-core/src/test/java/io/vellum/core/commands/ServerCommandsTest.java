package io.vellum.core.commands;

import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.InfoContributor;
import io.vellum.core.engine.InfoSection;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** INFO's extension point, CONFIG SET's atomicity, SHUTDOWN, RESET, CLIENT KILL, DEBUG on an in-memory engine. */
class ServerCommandsTest {

    private static String text(Reply r) {
        if (r instanceof Reply.Verbatim v) {
            return new String(v.value(), StandardCharsets.ISO_8859_1);
        }
        return new String(((Reply.Bulk) r).value(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void infoContributorsReplaceFieldsInPlaceAndAddSections() {
        try (TestStore st = new TestStore()) {
            st.engine.addInfoContributor(new InfoContributor() {
                @Override
                public void contribute(String section, InfoSection fields) {
                    if (section.equals("persistence")) {
                        fields.put("aof_enabled", 1).put("aof_current_size", 4096);
                    } else if (section.equals("vellum_log")) {
                        fields.put("log_position", 42);
                    }
                }

                @Override
                public List<String> sections() {
                    return List.of("vellum_log");
                }
            });
            TestStore.Client c = st.client();
            String persistence = text(c.call("INFO", "persistence"));
            assertTrue(persistence.startsWith("# Persistence\r\nloading:0\r\n"), persistence);
            assertTrue(persistence.contains("\r\naof_enabled:1\r\naof_rewrite_in_progress:0\r\n"), "replaced in place: " + persistence);
            assertTrue(persistence.endsWith("module_fork_last_cow_size:0\r\naof_current_size:4096\r\n"), persistence);
            assertFalse(text(c.call("INFO")).contains("Vellum_log"));
            assertFalse(text(c.call("INFO", "all")).contains("Vellum_log"));
            assertTrue(text(c.call("INFO", "everything")).endsWith("\r\n# Vellum_log\r\nlog_position:42\r\n"));
            assertEquals("# Vellum_log\r\nlog_position:42\r\n", text(c.call("INFO", "vellum_log")));
        }
    }

    @Test
    void infoSectionsAreSeparatedAsRedisDoes() {
        try (TestStore st = new TestStore()) {
            String two = text(st.client().call("INFO", "cluster", "server"));
            assertTrue(two.startsWith("# Server\r\nredis_version:7.2.4\r\n"), two);
            assertTrue(two.endsWith("\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"), two);
            assertEquals("", text(st.client().call("INFO", "nope")));
        }
    }

    @Test
    void configSetRestoresEverythingWhenAChangeIsRefused() {
        try (TestStore st = new TestStore()) {
            st.engine.config().hz.onChange(v -> {
                if (v == 42) {
                    throw new IllegalArgumentException("hz 42 is not allowed here");
                }
            });
            TestStore.Client c = st.client();
            assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'hz') - hz 42 is not allowed here"),
                    c.call("CONFIG", "SET", "timeout", "5", "hz", "42"));
            assertEquals(0L, st.engine.config().timeout.get());
            assertEquals(10L, st.engine.config().hz.get());
            assertEquals(OK, c.call("CONFIG", "SET", "timeout", "5", "hz", "41"));
            assertEquals(5L, st.engine.config().timeout.get());
        }
    }

    @Test
    void shutdownRunsTheHandlerAndClosesWithoutReply() {
        try (TestStore st = new TestStore()) {
            AtomicInteger ran = new AtomicInteger();
            st.engine.setShutdownHandler(ran::incrementAndGet);
            TestStore.Client c = st.client();
            assertEquals(error("ERR syntax error"), c.call("SHUTDOWN", "SAVE", "NOSAVE"));
            assertEquals(error("ERR No shutdown in progress."), c.call("SHUTDOWN", "ABORT"));
            assertEquals(0, ran.get());
            assertNull(c.call("SHUTDOWN", "NOSAVE", "NOW"));
            assertEquals(1, ran.get());
            assertTrue(c.session.closeAfterReply());
        }
    }

    @Test
    void clientKillClosesTheOtherClient() {
        try (TestStore st = new TestStore()) {
            TestStore.Client a = st.client();
            TestStore.Client b = st.client();
            assertEquals(new Reply.Int(1), a.call("CLIENT", "KILL", "ID", Long.toString(b.session.id())));
            assertTrue(b.session.closeAfterReply());
            assertFalse(a.session.closeAfterReply());
            assertNull(b.call("PING"), "a killed client's later commands do not run");
        }
    }

    @Test
    void resetTellsTheModulesAndForgetsState() {
        try (TestStore st = new TestStore()) {
            AtomicInteger resets = new AtomicInteger();
            st.engine.onSessionReset(s -> resets.incrementAndGet());
            TestStore.Client c = st.client();
            c.call("SELECT", "4");
            c.call("CLIENT", "SETNAME", "n");
            c.call("CLIENT", "SETINFO", "lib-name", "lib");
            c.call("MULTI");
            assertEquals(new Reply.Simple("RESET"), c.call("RESET"));
            assertEquals(1, resets.get());
            assertEquals(0, c.session.db());
            assertEquals("", c.session.name());
            assertEquals("lib", c.session.libName());
            assertFalse(c.session.inMulti());
        }
    }

    @Test
    void debugDigestChangesWithTheData() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            Reply empty = c.call("DEBUG", "DIGEST");
            assertEquals(new Reply.Simple("0".repeat(40)), empty);
            c.call("SET", "a", "1");
            Reply one = c.call("DEBUG", "DIGEST");
            assertFalse(one.equals(empty));
            c.call("SET", "a", "1", "EX", "100");
            assertFalse(c.call("DEBUG", "DIGEST").equals(one), "an expire changes the digest");
            c.call("SET", "a", "1");
            assertEquals(one, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void errorStatisticsCountWhatClientsSaw() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("CONFIG", "RESETSTAT");
            c.call("NOPE");
            c.call("SET", "a", "b", "NX", "XX");
            c.call("GET");
            String stats = text(c.call("INFO", "errorstats", "commandstats"));
            assertTrue(stats.contains("errorstat_ERR:count=3\r\n"), stats);
            assertTrue(stats.contains("cmdstat_set:calls=1,"), stats);
            assertTrue(stats.contains(",rejected_calls=0,failed_calls=1\r\n"), stats);
            assertTrue(stats.contains("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n"), stats);
        }
    }
}
