package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Digests are stored in log records: a shortcut must give the value the general path gives. */
class EffectDigestTest {

    @Test
    void okDigestsAsTheSimpleStringOk() {
        EffectDigest viaOk = new EffectDigest();
        viaOk.reset(2);
        viaOk.ok();
        EffectDigest viaSimple = new EffectDigest();
        viaSimple.reset(2);
        viaSimple.simple("OK");
        assertEquals(viaSimple.value(), viaOk.value());

        EffectDigest other = new EffectDigest();
        other.reset(2);
        other.simple("QUEUED");
        assertNotEquals(viaOk.value(), other.value());
    }
}
