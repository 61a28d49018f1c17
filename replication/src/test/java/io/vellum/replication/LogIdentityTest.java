package io.vellum.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which (log id, serial) a log can continue, and the identity file. */
class LogIdentityTest {
    @TempDir
    Path tmp;

    @Test
    void aLogContinuesItsOwnPrefixesAndThoseOfTheLogItWasPromotedFrom() {
        LogIdentity a = LogIdentity.fresh();
        assertTrue(a.canContinue(a.id(), 10, 10));
        assertTrue(a.canContinue(a.id(), 3, 10));
        assertFalse(a.canContinue(a.id(), 11, 10), "the asker holds records this log lacks");
        assertTrue(a.canContinue("anything", 0, 10), "an empty store is a prefix of every log");
        assertFalse(a.canContinue(LogIdentity.fresh().id(), 1, 10), "another log's records");
        LogIdentity b = a.promote(7);
        assertEquals(a.id(), b.previousId());
        assertTrue(b.canContinue(a.id(), 7, 20));
        assertTrue(b.canContinue(a.id(), 5, 20));
        assertFalse(b.canContinue(a.id(), 8, 20), "written on the old log after the promotion: diverged");
        assertTrue(b.canContinue(b.id(), 20, 20));
    }

    @Test
    void theIdentitySurvivesAReopen() throws Exception {
        assertNull(LogIdentity.load(tmp));
        LogIdentity a = LogIdentity.loadOrCreate(tmp);
        assertEquals(a, LogIdentity.load(tmp));
        LogIdentity b = a.promote(42);
        b.save(tmp);
        assertEquals(b, LogIdentity.load(tmp));
        assertEquals(40, b.id().length());
    }
}
