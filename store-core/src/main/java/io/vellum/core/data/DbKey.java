package io.vellum.core.data;

import java.util.Arrays;

/** A (database, key) pair usable as a map key; the key bytes are compared by content. */
public final class DbKey {
    private final int db;
    private final byte[] key;
    private final int hash;

    public DbKey(int db, byte[] key) {
        this.db = db;
        this.key = key;
        this.hash = db * 31 + Arrays.hashCode(key);
    }

    public int db() {
        return db;
    }

    public byte[] key() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DbKey k && k.db == db && k.hash == hash && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
