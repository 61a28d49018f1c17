package io.vellum.core.engine;

import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.KeyspaceObserver;
import java.util.List;

/**
 * The keyspace's one observer: fans every key change out to what depends on it, in this
 * order: the engine's dirty counter (and so whether the unit is logged), the running unit's
 * effect digest, WATCH, blocked clients, then the modules' observers (snapshot copy-on-write,
 * replication...); expired keys that reads saw go to {@link ActiveExpiry}. Separate from the
 * {@link Engine} because it is the wiring between the keyspace and its dependents, not unit
 * execution. Engine thread only.
 */
final class EngineObserver implements KeyspaceObserver {
    private final Engine engine;
    private final UnitState unit;
    private final WatchRegistry watches;
    private final BlockedClients blocked;
    private final ActiveExpiry activeExpiry;
    private final List<KeyspaceObserver> observers;

    EngineObserver(Engine engine, UnitState unit, WatchRegistry watches, BlockedClients blocked,
            ActiveExpiry activeExpiry, List<KeyspaceObserver> observers) {
        this.engine = engine;
        this.unit = unit;
        this.watches = watches;
        this.blocked = blocked;
        this.activeExpiry = activeExpiry;
        this.observers = observers;
    }

    @Override
    public void beforeKeyChange(Database db, byte[] key) {
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).beforeKeyChange(db, key);
        }
    }

    @Override
    public void keyChanged(Database db, byte[] key) {
        engine.dirty++;
        if (unit.active && unit.digestsKeys) {
            unit.effects.keyChanged(db.id(), key);
        }
        watches.touch(db, key);
        blocked.signal(db.id(), key);
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).keyChanged(db, key);
        }
    }

    @Override
    public void beforeDatabaseReplaced(Database db) {
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).beforeDatabaseReplaced(db);
        }
        watches.databaseReplaced(db);
        blocked.signalAll();
    }

    @Override
    public void expiredKeySeen(Database db, byte[] key) {
        activeExpiry.expiredKeySeen(db, key);
    }
}
