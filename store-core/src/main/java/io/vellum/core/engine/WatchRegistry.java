package io.vellum.core.engine;

import io.vellum.core.data.DbKey;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.types.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH bookkeeping: which sessions watch which keys. A change to a watched key makes the
 * watchers' next EXEC fail (Redis's CLIENT_DIRTY_CAS), with Redis's rules for keys that were
 * already logically expired when watched: deleting such a key is no change (multi.c,
 * touchWatchedKey and touchAllWatchedKeysInDb). Engine thread only.
 */
public final class WatchRegistry {
    /** A key a session watches, and whether it was logically expired (and not yet deleted). */
    public static final class WatchedKey {
        private final DbKey key;
        private final Session session;
        private boolean expired;

        WatchedKey(DbKey key, Session session, boolean expired) {
            this.key = key;
            this.session = session;
            this.expired = expired;
        }

        public DbKey key() {
            return key;
        }

        /** True while the key is logically expired since WATCH and has not been deleted. */
        public boolean expired() {
            return expired;
        }
    }

    /** A database about to be emptied or swapped, with the dictionaries it had. */
    private record Replaced(Database db, OrderedDict<Value> dict) {
    }

    private final Map<DbKey, List<WatchedKey>> watchers = new HashMap<>();
    private final List<Replaced> replaced = new ArrayList<>();

    public void watch(Session s, int db, byte[] key, boolean expired) {
        DbKey k = new DbKey(db, key);
        for (WatchedKey w : s.watched) {
            if (w.key.equals(k)) {
                return;
            }
        }
        WatchedKey w = new WatchedKey(k, s, expired);
        s.watched.add(w);
        watchers.computeIfAbsent(k, x -> new ArrayList<>()).add(w);
    }

    public void unwatchAll(Session s) {
        for (WatchedKey w : s.watched) {
            List<WatchedKey> l = watchers.get(w.key);
            if (l != null) {
                l.remove(w);
                if (l.isEmpty()) {
                    watchers.remove(w.key);
                }
            }
        }
        s.watched.clear();
        s.setWatchDirty(false);
    }

    public List<WatchedKey> watchedBy(Session s) {
        return s.watched;
    }

    public boolean isEmpty() {
        return watchers.isEmpty();
    }

    /** Number of keys watched by any session (INFO total_watched_keys). */
    public int watchedKeys() {
        return watchers.size();
    }

    /** A key of {@code db} changed (after the change): its watchers' transactions must fail. */
    public void touch(Database db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<WatchedKey> l = watchers.get(new DbKey(db.id(), key));
        if (l == null) {
            return;
        }
        for (WatchedKey w : l) {
            if (w.expired) {
                if (db.peek(key) == null) {
                    // An already expired key was deleted: logically no change.
                    w.expired = false;
                    continue;
                }
            }
            w.session.setWatchDirty(true);
        }
    }

    /**
     * Every key of {@code db} is about to be dropped or replaced (FLUSHDB, FLUSHALL, SWAPDB).
     * The watchers are judged by {@link #settle} once the new contents are in place, as Redis's
     * touchAllWatchedKeysInDb compares the emptied and the replacing dictionaries.
     */
    public void databaseReplaced(Database db) {
        if (watchers.isEmpty()) {
            return;
        }
        replaced.add(new Replaced(db, db.dict()));
    }

    /** Judges the databases replaced since the last call (engine: after each command). */
    public void settle(Keyspace keyspace) {
        if (replaced.isEmpty()) {
            return;
        }
        for (Replaced r : replaced) {
            Database now = keyspace.db(r.db.id());
            for (Map.Entry<DbKey, List<WatchedKey>> e : watchers.entrySet()) {
                if (e.getKey().db() != now.id()) {
                    continue;
                }
                byte[] key = e.getKey().key();
                boolean inEmptied = r.dict.containsKey(key);
                boolean inReplacement = now.dict() != r.dict && now.peek(key) != null;
                if (!inEmptied && !inReplacement) {
                    continue;
                }
                for (WatchedKey w : e.getValue()) {
                    if (w.expired) {
                        if (!inReplacement) {
                            w.expired = false; // an expired key is gone: no logical change
                            continue;
                        } else if (now.isExpired(key)) {
                            continue; // still an expired key
                        }
                    } else if (!inEmptied && now.isExpired(key)) {
                        w.expired = true; // replaced by a key that is already expired
                        continue;
                    }
                    w.session.setWatchDirty(true);
                }
            }
        }
        replaced.clear();
    }
}
