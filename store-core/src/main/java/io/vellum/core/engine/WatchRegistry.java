package io.vellum.core.engine;

import io.vellum.core.data.DbKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * WATCH bookkeeping: which sessions watch which keys. A change to a watched key makes the
 * watchers' next EXEC fail (Redis's CLIENT_DIRTY_CAS). Engine thread only.
 */
public final class WatchRegistry {
    /** A key a session watches, and whether it was already expired when WATCH ran. */
    public record WatchedKey(DbKey key, boolean expiredAtWatch) {
    }

    private final Map<DbKey, List<Session>> watchers = new HashMap<>();

    public void watch(Session s, int db, byte[] key, boolean expiredAtWatch) {
        DbKey k = new DbKey(db, key);
        for (WatchedKey w : s.watched) {
            if (w.key().equals(k)) {
                return;
            }
        }
        s.watched.add(new WatchedKey(k, expiredAtWatch));
        watchers.computeIfAbsent(k, x -> new ArrayList<>()).add(s);
    }

    public void unwatchAll(Session s) {
        for (WatchedKey w : s.watched) {
            List<Session> l = watchers.get(w.key());
            if (l != null) {
                l.remove(s);
                if (l.isEmpty()) {
                    watchers.remove(w.key());
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

    /** A key changed: its watchers' transactions must fail. */
    public void touch(int db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Session> l = watchers.get(new DbKey(db, key));
        if (l != null) {
            for (Session s : l) {
                s.setWatchDirty(true);
            }
        }
    }

    /** Every watched key of {@code db} for which {@code affected} holds is touched. */
    public void touchDb(int db, java.util.function.Predicate<byte[]> affected) {
        for (Iterator<Map.Entry<DbKey, List<Session>>> it = watchers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DbKey, List<Session>> e = it.next();
            if (e.getKey().db() == db && affected.test(e.getKey().key())) {
                for (Session s : e.getValue()) {
                    s.setWatchDirty(true);
                }
            }
        }
    }
}
