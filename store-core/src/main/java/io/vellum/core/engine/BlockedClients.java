package io.vellum.core.engine;

import io.vellum.core.data.DbKey;
import io.vellum.core.reply.ReplySink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Clients waiting in a blocking command (BLPOP, BZPOPMIN, XREAD BLOCK...). A blocked client
 * holds no engine time: its command is kept and re-executed as a new unit, with its own
 * time, when one of its keys changes; the handler then serves it or blocks it again. On
 * timeout the handler's timeout reply is written. Engine thread only.
 */
public final class BlockedClients {

    /** One blocked client. */
    public static final class Blocked {
        final Session session;
        final byte[][] argv;
        final List<byte[]> keys;
        final int db;
        final long deadlineMillis;
        final Consumer<ReplySink> onTimeout;
        boolean active = true;
        /** Set when its retry blocked again on the same keys: it stays registered where it was. */
        boolean keptByRetry;

        Blocked(Session session, byte[][] argv, List<byte[]> keys, int db, long deadlineMillis, Consumer<ReplySink> onTimeout) {
            this.session = session;
            this.argv = argv;
            this.keys = keys;
            this.db = db;
            this.deadlineMillis = deadlineMillis;
            this.onTimeout = onTimeout;
        }

        public Session session() {
            return session;
        }

        public long deadlineMillis() {
            return deadlineMillis;
        }

        /** True when this waits in database {@code db} on exactly {@code keys}. */
        boolean sameWait(int db, List<byte[]> other) {
            if (db != this.db || other.size() != keys.size()) {
                return false;
            }
            for (int i = 0; i < keys.size(); i++) {
                if (!java.util.Arrays.equals(keys.get(i), other.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<DbKey, ArrayDeque<Blocked>> byKey = new HashMap<>();
    private final Set<DbKey> readyKeys = new LinkedHashSet<>();
    private final PriorityQueue<Blocked> byDeadline =
            new PriorityQueue<>((a, b) -> Long.compare(a.deadlineMillis, b.deadlineMillis));
    private int count;

    public int count() {
        return count;
    }

    Blocked block(Session s, byte[][] argv, List<byte[]> keys, int db, long deadlineMillis, Consumer<ReplySink> onTimeout) {
        Blocked b = new Blocked(s, argv, keys, db, deadlineMillis, onTimeout);
        for (byte[] k : keys) {
            byKey.computeIfAbsent(new DbKey(db, k), x -> new ArrayDeque<>()).add(b);
        }
        if (deadlineMillis > 0) {
            byDeadline.add(b);
        }
        s.setBlocked(b);
        count++;
        return b;
    }

    void unblock(Blocked b) {
        if (!b.active) {
            return;
        }
        b.active = false;
        for (byte[] k : b.keys) {
            DbKey dk = new DbKey(b.db, k);
            ArrayDeque<Blocked> q = byKey.get(dk);
            if (q != null) {
                q.remove(b);
                if (q.isEmpty()) {
                    byKey.remove(dk);
                }
            }
        }
        b.session.setBlocked(null);
        count--;
    }

    /** INFO's total_blocking_keys: the keys clients wait on. */
    int keyCount() {
        return byKey.size();
    }

    /**
     * INFO's total_blocking_keys_on_nokey: the keys an XREADGROUP waits on, which 7.2 wakes
     * when the key is deleted too (blocked.c: unblock_on_nokey).
     */
    int keysWaitedOnUntilDeleted() {
        int n = 0;
        for (ArrayDeque<Blocked> q : byKey.values()) {
            for (Blocked b : q) {
                if (io.vellum.core.util.Text.eqIgnoreCase(b.argv[0], "xreadgroup")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** A key changed; if clients wait on it, it becomes ready. */
    void signal(int db, byte[] key) {
        if (byKey.isEmpty()) {
            return;
        }
        DbKey k = new DbKey(db, key);
        if (byKey.containsKey(k)) {
            readyKeys.add(k);
        }
    }

    /** Every database's waiters may be served (FLUSHALL, SWAPDB...). */
    void signalAll() {
        readyKeys.addAll(byKey.keySet());
    }

    boolean hasReady() {
        return !readyKeys.isEmpty();
    }

    /** The clients to retry, in the order Redis serves them: per ready key, first blocked first. */
    List<Blocked> takeReady() {
        List<Blocked> out = new ArrayList<>();
        List<DbKey> keys = new ArrayList<>(readyKeys);
        readyKeys.clear();
        for (DbKey k : keys) {
            ArrayDeque<Blocked> q = byKey.get(k);
            if (q != null) {
                for (Blocked b : q) {
                    if (!out.contains(b)) {
                        out.add(b);
                    }
                }
            }
        }
        return out;
    }

    /** Blocked clients whose deadline passed, removed from the registry. */
    List<Blocked> expired(long nowMillis) {
        List<Blocked> out = new ArrayList<>();
        while (!byDeadline.isEmpty()) {
            Blocked b = byDeadline.peek();
            if (!b.active) {
                byDeadline.poll();
                continue;
            }
            if (b.deadlineMillis > nowMillis) {
                break;
            }
            byDeadline.poll();
            out.add(b);
        }
        return out;
    }

    /** The earliest deadline, or Long.MAX_VALUE. */
    long nextDeadline() {
        while (!byDeadline.isEmpty() && !byDeadline.peek().active) {
            byDeadline.poll();
        }
        return byDeadline.isEmpty() ? Long.MAX_VALUE : byDeadline.peek().deadlineMillis;
    }
}
