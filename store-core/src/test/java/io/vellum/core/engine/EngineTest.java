package io.vellum.core.engine;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vellum.core.TestStore;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.UnitRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void unknownCommandAndArityAreRedisErrors() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(error("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' "), c.call("NOPE", "a", "b"));
            assertEquals(error("ERR wrong number of arguments for 'get' command"), c.call("GET"));
            assertEquals(error("ERR unknown subcommand 'nope'. Try COMMAND HELP."), c.call("command", "nope"));
        }
    }

    @Test
    void writesAreLoggedAndReadsAreNot() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(OK, c.call("SET", "k", "v"));
            assertEquals(bulk("v"), c.call("GET", "k"));
            assertEquals(integer(0), c.call("DEL", "nothing"));
            assertEquals(1, st.records.size());
            UnitRecord r = st.records.get(0);
            assertEquals(UnitRecord.Kind.COMMAND, r.kind());
            assertEquals("SET k v", r.describe());
        }
    }

    @Test
    void expiryUsesTheUnitClock() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(OK, c.call("SET", "k", "v", "PX", "100"));
            st.advanceMillis(100);
            assertEquals(bulk("v"), c.call("GET", "k"));
            st.advanceMillis(1);
            assertEquals(NULL, c.call("GET", "k"));
        }
    }

    @Test
    void multiExecIsOneLoggedUnit() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(OK, c.call("MULTI"));
            assertEquals(TestStore.simple("QUEUED"), c.call("SET", "a", "1"));
            assertEquals(TestStore.simple("QUEUED"), c.call("GET", "a"));
            assertEquals(array(OK, bulk("1")), c.call("EXEC"));
            assertEquals(1, st.records.size());
            assertEquals(UnitRecord.Kind.TRANSACTION, st.records.get(0).kind());
        }
    }

    @Test
    void queuingErrorAbortsExec() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("MULTI");
            assertEquals(error("ERR wrong number of arguments for 'get' command"), c.call("GET"));
            assertEquals(error("EXECABORT Transaction discarded because of previous errors."), c.call("EXEC"));
            assertEquals(0, st.records.size());
        }
    }

    @Test
    void watchedKeyChangedByAnotherClientFailsExec() {
        try (TestStore st = new TestStore()) {
            TestStore.Client a = st.client();
            TestStore.Client b = st.client();
            assertEquals(OK, a.call("WATCH", "k"));
            b.call("SET", "k", "x");
            a.call("MULTI");
            a.call("SET", "k", "y");
            assertEquals(NULL_ARRAY, a.call("EXEC"));
            assertEquals(bulk("x"), a.call("GET", "k"));
        }
    }

    @Test
    void replayReproducesTheStoreAndChecksDigests() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1", "EX", "10");
            c.call("MULTI");
            c.call("SET", "b", "2");
            c.call("DEL", "a");
            c.call("EXEC");
            try (TestStore replica = new TestStore()) {
                for (UnitRecord r : st.records) {
                    replica.engine.applyRecord(r, false);
                }
                TestStore.Client rc = replica.client();
                assertEquals(bulk("2"), rc.call("GET", "b"));
                assertEquals(NULL, rc.call("GET", "a"));
                UnitRecord first = st.records.get(0);
                UnitRecord tampered = new UnitRecord(first.kind(), first.db(), first.protocol(), first.timeMicros(),
                        first.seed(), first.commands(), first.effectDigest() ^ 1);
                assertThrows(ReplayDivergenceException.class, () -> replica.engine.applyRecord(tampered, false));
            }
        }
    }

    @Test
    void pipelinedRepliesComeInOrder() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(List.of(OK, bulk("1"), integer(1)),
                    c.pipeline(List.of(new String[] {"SET", "x", "1"}, new String[] {"GET", "x"}, new String[] {"DEL", "x"})));
        }
    }
}
