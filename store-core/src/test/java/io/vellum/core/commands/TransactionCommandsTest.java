package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import org.junit.jupiter.api.Test;

/** WATCH against expiry and whole-database changes, with the test store's settable clock. */
class TransactionCommandsTest {

    @Test
    void activeExpiryOfAKeyAlreadyExpiredAtWatchIsNoChange() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "PX", "100");
            st.advanceMillis(200);
            c.call("WATCH", "k");
            st.engine.activeExpireCycle();
            assertEquals(0, st.engine.keyspace().db(0).size(), "the expiry unit deleted it");
            c.call("MULTI");
            c.call("SET", "x", "1");
            assertEquals(array(OK), c.call("EXEC"));
        }
    }

    @Test
    void aWatchedKeyThatExpiresAfterWatchFailsExec() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "PX", "100");
            c.call("WATCH", "k");
            st.advanceMillis(200);
            c.call("MULTI");
            c.call("SET", "x", "1");
            assertEquals(NULL_ARRAY, c.call("EXEC"));
            // and when the expiry unit deleted it first
            c.call("SET", "k", "v", "PX", "100");
            c.call("WATCH", "k");
            st.advanceMillis(200);
            st.engine.activeExpireCycle();
            c.call("MULTI");
            assertEquals(NULL_ARRAY, c.call("EXEC"));
        }
    }

    @Test
    void flushOfAbsentWatchedKeysIsNoChange() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            TestStore.Client other = st.client();
            other.call("SET", "present", "1");
            c.call("WATCH", "absent");
            other.call("FLUSHALL");
            c.call("MULTI");
            assertEquals(array(), c.call("EXEC"));
            other.call("SET", "present", "1");
            c.call("WATCH", "present");
            other.call("FLUSHDB");
            c.call("MULTI");
            assertEquals(NULL_ARRAY, c.call("EXEC"));
        }
    }
}
