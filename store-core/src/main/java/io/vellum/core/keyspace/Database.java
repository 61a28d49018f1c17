package io.vellum.core.keyspace;

import io.vellum.core.data.OrderedDict;
import io.vellum.core.types.Value;
import java.util.random.RandomGenerator;

/**
 * One of the numbered databases: keys to values, and keys to absolute expiry times (ms), in
 * insertion order (see {@link OrderedDict}). Modeled on Redis's db.c.
 *
 * <p><b>Expiry.</b> A key is logically expired when the unit's time is past its expiry.
 * Reads ({@link #lookupRead}) hide such a key but never delete it, so reads stay out of the
 * log and replicas never expire keys on their own (DESIGN.md, rule 4); writes
 * ({@link #lookupWrite}) delete it first, which replays identically because the unit's time
 * is in its record. The primary's active expiry unit reclaims the rest.
 *
 * <p><b>Change notification.</b> Every mutator here reports to the keyspace's observer
 * (before: copy-on-write for a running snapshot; after: WATCH, blocked clients, the unit's
 * effect digest). Command code that mutates a value in place must get it through
 * {@link #lookupWrite} and call {@link #signalModified} afterwards.
 *
 * <p>Engine thread only.
 */
public final class Database {
    private final Keyspace keyspace;
    private final int id;
    private OrderedDict<Value> dict = new OrderedDict<>();
    private OrderedDict<Long> expires = new OrderedDict<>();

    Database(Keyspace keyspace, int id) {
        this.keyspace = keyspace;
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Number of keys held, logically expired ones included (as Redis's DBSIZE). */
    public int size() {
        return dict.size();
    }

    public int expiresSize() {
        return expires.size();
    }

    /** The key dictionary, for iteration by snapshots, digests, KEYS and SCAN. Do not mutate. */
    public OrderedDict<Value> dict() {
        return dict;
    }

    /** The expiry dictionary (key to absolute ms). Do not mutate. */
    public OrderedDict<Long> expires() {
        return expires;
    }

    private long now() {
        return keyspace.nowMillis();
    }

    // ------------------------------------------------------------------ lookup

    /** The value without expiry checks or access tracking (internal inspection). */
    public Value peek(byte[] key) {
        return dict.get(key);
    }

    /** Absolute expiry in ms, or -1 when the key has none (or does not exist). */
    public long expireAt(byte[] key) {
        if (expires.isEmpty()) {
            return -1;
        }
        Long when = expires.get(key);
        return when == null ? -1 : when;
    }

    /** True when the key has an expiry that the unit's time is past (Redis: now > when). */
    public boolean isExpired(byte[] key) {
        long when = expireAt(key);
        return when >= 0 && now() > when;
    }

    /** The value for a read: null when absent or logically expired. Updates access time. */
    public Value lookupRead(byte[] key) {
        Value v = dict.get(key);
        if (v == null) {
            return null;
        }
        if (!expires.isEmpty() && isExpired(key)) {
            keyspace.observer().expiredKeySeen(this, key);
            return null;
        }
        if (!keyspace.noTouch()) {
            v.touch(now());
        }
        return v;
    }

    /**
     * Like {@link #lookupRead} without touching access time (TYPE, TTL, EXISTS, OBJECT, SCAN's
     * filter...). A logically expired key is reported to the observer like any read does, so
     * the active expiry unit reclaims it.
     */
    public Value lookupReadNoTouch(byte[] key) {
        Value v = dict.get(key);
        if (v == null) {
            return null;
        }
        if (!expires.isEmpty() && isExpired(key)) {
            keyspace.observer().expiredKeySeen(this, key);
            return null;
        }
        return v;
    }

    /**
     * The value for a command that may change it: a logically expired key is deleted first
     * (and null returned). The observer hears {@code beforeKeyChange} for an existing key, so
     * the caller may mutate the returned value in place, then must call {@link #signalModified}.
     */
    public Value lookupWrite(byte[] key) {
        Value v = dict.get(key);
        if (v == null) {
            return null;
        }
        if (!expires.isEmpty() && isExpired(key)) {
            deleteExpired(key);
            return null;
        }
        keyspace.observer().beforeKeyChange(this, key);
        v.touch(now());
        return v;
    }

    /**
     * {@link #lookupWrite} for a command that then stores a whole new value under the key
     * (SET, INCR): the live key's entry index, or -1 when it is absent (a logically expired
     * key is deleted first). Pass the index to {@link #replaceAt}, with no other change to
     * this database in between. One hash and one probe where lookupWrite followed by
     * {@link #set} costs two of each: this is the SET/GET/INCR path of every benchmark.
     */
    public int lookupWriteEntry(byte[] key) {
        int e = dict.indexOf(key);
        if (e < 0) {
            return -1;
        }
        if (!expires.isEmpty() && isExpired(key)) {
            deleteExpired(key);
            return -1;
        }
        keyspace.observer().beforeKeyChange(this, key);
        return e;
    }

    /** The value at an entry index from {@link #lookupWriteEntry}. */
    public Value valueAt(int entry) {
        return dict.valueAt(entry);
    }

    /**
     * Replaces the value of a live key found by {@link #lookupWriteEntry} (which told the
     * observer already), as {@link #set} does: the TTL is removed unless {@code keepTtl}.
     */
    public void replaceAt(int entry, byte[] key, Value value, boolean keepTtl) {
        value.touch(now());
        dict.setValueAt(entry, value);
        if (!keepTtl) {
            expires.remove(key);
        }
        keyspace.observer().keyChanged(this, key);
    }

    /** Removes a key found expired, as Redis's deleteExpiredKeyAndPropagate (a change). */
    private void deleteExpired(byte[] key) {
        keyspace.observer().beforeKeyChange(this, key);
        dict.remove(key);
        expires.remove(key);
        keyspace.countExpired();
        keyspace.observer().keyChanged(this, key);
    }

    /** Deletes {@code key} if it exists and is logically expired; true if it did. */
    public boolean expireIfNeeded(byte[] key) {
        if (!expires.isEmpty() && dict.containsKey(key) && isExpired(key)) {
            deleteExpired(key);
            return true;
        }
        return false;
    }

    public boolean exists(byte[] key) {
        return lookupReadNoTouch(key) != null;
    }

    // ------------------------------------------------------------------ change

    /** Reports an in-place change of {@code key}'s value (after {@link #lookupWrite}). */
    public void signalModified(byte[] key) {
        keyspace.observer().keyChanged(this, key);
    }

    /**
     * Adds a key that does not exist (callers checked with {@link #lookupWrite}). The new key
     * goes last in iteration order. The observer hears {@code beforeKeyChange} first, as for
     * any change: a running snapshot learns that the key was absent.
     */
    public void add(byte[] key, Value value) {
        keyspace.observer().beforeKeyChange(this, key);
        value.touch(now());
        dict.putAbsent(key, value);
        keyspace.observer().keyChanged(this, key);
    }

    /**
     * Sets {@code key} to {@code value}, replacing any value (Redis's setKey): the TTL is
     * removed unless {@code keepTtl}. An existing key keeps its place in iteration order.
     */
    public void set(byte[] key, Value value, boolean keepTtl) {
        int e = dict.indexOf(key);
        value.touch(now());
        if (e >= 0) {
            keyspace.observer().beforeKeyChange(this, key);
            if (!expires.isEmpty() && isExpired(key)) {
                // an expired key is gone: the new value starts a new key, without the old TTL
                dict.remove(key);
                expires.remove(key);
                dict.put(key, value);
            } else {
                dict.setValueAt(e, value);
                if (!keepTtl) {
                    expires.remove(key);
                }
            }
        } else {
            dict.put(key, value);
        }
        keyspace.observer().keyChanged(this, key);
    }

    /** Deletes {@code key}; true when it existed (logically expired keys count as absent). */
    public boolean delete(byte[] key) {
        if (!dict.containsKey(key)) {
            return false;
        }
        if (!expires.isEmpty() && isExpired(key)) {
            deleteExpired(key);
            return false;
        }
        keyspace.observer().beforeKeyChange(this, key);
        dict.remove(key);
        expires.remove(key);
        keyspace.observer().keyChanged(this, key);
        return true;
    }

    /**
     * Removes a key whose value became empty (the last element of a list, set... was removed)
     * — Redis deletes such keys. Call after the in-place change.
     */
    public void deleteIfEmpty(byte[] key, boolean empty) {
        if (empty) {
            dict.remove(key);
            expires.remove(key);
            keyspace.observer().keyChanged(this, key);
        }
    }

    /** Sets the absolute expiry (ms) of an existing key. */
    public void setExpireAt(byte[] key, long whenMillis) {
        keyspace.observer().beforeKeyChange(this, key);
        expires.put(key, whenMillis);
        keyspace.observer().keyChanged(this, key);
    }

    /** Removes the TTL of an existing key; true when it had one. */
    public boolean persist(byte[] key) {
        if (expires.isEmpty() || !expires.containsKey(key)) {
            return false;
        }
        keyspace.observer().beforeKeyChange(this, key);
        expires.remove(key);
        keyspace.observer().keyChanged(this, key);
        return true;
    }

    /**
     * A random key that is not logically expired, or null (RANDOMKEY). As Redis's dbRandomKey
     * it draws again while the pick is expired; Redis deletes each expired pick, which a read
     * may not do here (DESIGN.md, rule 4), so after {@value #RANDOM_KEY_TRIES} expired picks
     * it walks the keys from the last pick instead and answers null only when every key is
     * expired (where Redis, having deleted them all, answers null too). Expired picks are
     * reported to the observer for the active expiry unit.
     */
    public byte[] randomKey(RandomGenerator random) {
        if (dict.isEmpty()) {
            return null;
        }
        int entry = 0;
        for (int tries = 0; tries < RANDOM_KEY_TRIES; tries++) {
            entry = dict.randomEntry(random);
            byte[] k = dict.keyAt(entry);
            if (!isExpired(k)) {
                return k;
            }
            keyspace.observer().expiredKeySeen(this, k);
        }
        for (int e = dict.nextEntry(entry + 1); e != entry; e = dict.nextEntry(e + 1)) {
            if (e < 0) {
                e = dict.firstEntry();
                if (e == entry) {
                    break;
                }
            }
            byte[] k = dict.keyAt(e);
            if (!isExpired(k)) {
                return k;
            }
        }
        return null;
    }

    private static final int RANDOM_KEY_TRIES = 100;

    // ------------------------------------------------------------------ whole-db changes

    /** Drops every key (FLUSHDB). Returns how many there were. */
    public long flush() {
        keyspace.observer().beforeDatabaseReplaced(this);
        long n = dict.size();
        dict = new OrderedDict<>();
        expires = new OrderedDict<>();
        return n;
    }

    /** Exchanges contents with {@code other} (SWAPDB). */
    void swapWith(Database other) {
        keyspace.observer().beforeDatabaseReplaced(this);
        keyspace.observer().beforeDatabaseReplaced(other);
        OrderedDict<Value> d = dict;
        OrderedDict<Long> x = expires;
        dict = other.dict;
        expires = other.expires;
        other.dict = d;
        other.expires = x;
    }

    /** For snapshot loading: inserts with the recorded sequence number. */
    public void loadKey(byte[] key, Value value, long expireAtMillis, long seq) {
        dict.insertWithSeq(key, value, seq);
        if (expireAtMillis >= 0) {
            expires.put(key, expireAtMillis);
        }
    }

    /**
     * For loading many keys: as {@link #loadKey}, but the key is indexed later, all at once,
     * by {@link #finishLoad} (or the next lookup), which is several times faster for a large
     * snapshot (OrderedDict.appendForLoad says why).
     */
    public void appendLoadedKey(byte[] key, Value value, long expireAtMillis, long seq) {
        dict.appendForLoad(key, value, seq);
        if (expireAtMillis >= 0) {
            expires.appendForLoad(key, expireAtMillis, expires.nextSeq());
        }
    }

    /** Indexes the keys {@link #appendLoadedKey} added; IllegalArgumentException on a repeated key. */
    public void finishLoad() {
        dict.indexAppended();
        expires.indexAppended();
    }
}
