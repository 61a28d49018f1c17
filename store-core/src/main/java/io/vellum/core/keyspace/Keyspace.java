package io.vellum.core.keyspace;

import io.vellum.core.engine.UnitClock;

/**
 * The numbered databases of a store, the clock that expiry reads, and the observer that
 * hears about changes. Engine thread only.
 */
public final class Keyspace {
    private final Database[] dbs;
    private final UnitClock clock;
    private KeyspaceObserver observer = KeyspaceObserver.NONE;
    private boolean noTouch;
    private long expiredKeys;

    public Keyspace(int databases, UnitClock clock) {
        this.clock = clock;
        this.dbs = new Database[databases];
        for (int i = 0; i < databases; i++) {
            dbs[i] = new Database(this, i);
        }
    }

    public int count() {
        return dbs.length;
    }

    public Database db(int i) {
        return dbs[i];
    }

    public long nowMillis() {
        return clock.millis();
    }

    public UnitClock clock() {
        return clock;
    }

    public KeyspaceObserver observer() {
        return observer;
    }

    public void setObserver(KeyspaceObserver observer) {
        this.observer = observer;
    }

    /** While set, reads do not update access times (CLIENT NO-TOUCH, OBJECT...). */
    public boolean noTouch() {
        return noTouch;
    }

    public void setNoTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    void countExpired() {
        expiredKeys++;
    }

    /** Keys deleted because they expired (INFO stats expired_keys). */
    public long expiredKeys() {
        return expiredKeys;
    }

    public void addExpired(long n) {
        expiredKeys += n;
    }

    public void swap(int a, int b) {
        if (a != b) {
            dbs[a].swapWith(dbs[b]);
        }
    }

    /** Total keys in all databases. */
    public long totalKeys() {
        long n = 0;
        for (Database d : dbs) {
            n += d.size();
        }
        return n;
    }
}
