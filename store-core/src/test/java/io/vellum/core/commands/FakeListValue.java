package io.vellum.core.commands;

import io.vellum.core.TestStore;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;

/**
 * A stand-in non-string value, so the string and bit commands' WRONGTYPE paths can be tested
 * before a second data type exists. It only reports its type.
 */
final class FakeListValue extends Value {

    /** Stores a fake list at {@code key} in database 0, outside any unit. */
    static void put(TestStore st, String key) {
        st.engine.keyspace().db(0).add(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), new FakeListValue());
    }

    /** Asserts that each command answers WRONGTYPE. */
    static void assertWrongType(TestStore.Client c, String[][] commands) {
        for (String[] cmd : commands) {
            org.junit.jupiter.api.Assertions.assertEquals(TestStore.error(
                    "WRONGTYPE Operation against a key holding the wrong kind of value"), c.call(cmd), String.join(" ", cmd));
        }
    }

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "listpack";
    }

    @Override
    public Value copy() {
        return new FakeListValue();
    }

    @Override
    public void mixDigest(byte[] digest) {
    }

    @Override
    public io.vellum.core.types.proto.StoredValue toProto() {
        throw new UnsupportedOperationException("a test stand-in");
    }
}
