package io.vellum.core.engine;

import io.vellum.core.data.DbKey;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.spi.UnitRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The primary's active expiry (DESIGN.md, rule 4): finds expired keys, by sampling keys with a
 * TTL and by remembering the expired keys reads saw, and deletes them in logged units of
 * their own. Separate from the {@link Engine} because it is a producer of units like a
 * client, with its own bookkeeping; the engine only calls it from its timers
 * ({@link Timers}) and feeds it what reads saw. Engine thread only.
 */
final class ActiveExpiry {
    private static final byte[] DEL = {'D', 'E', 'L'};

    private final Engine engine;
    private final Keyspace keyspace;
    private final UnitClock clock;
    private final List<byte[]> expiredSeen = new ArrayList<>();
    private final List<Integer> expiredSeenDb = new ArrayList<>();

    ActiveExpiry(Engine engine, Keyspace keyspace, UnitClock clock) {
        this.engine = engine;
        this.keyspace = keyspace;
        this.clock = clock;
    }

    /** A read saw {@code key} logically expired: the next cycle deletes it (bounded memory). */
    void expiredKeySeen(Database db, byte[] key) {
        if (expiredSeen.size() < 10_000) {
            expiredSeen.add(key);
            expiredSeenDb.add(db.id());
        }
    }

    /**
     * Per database, samples keys with a TTL (and the expired keys reads saw) and deletes the
     * expired ones in one logged unit, a DEL of those keys. Repeats while a quarter or more
     * of a sample was expired, within a time budget. Replicas never run it.
     */
    void cycle() {
        if (engine.role() != Role.PRIMARY || engine.loading()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(25);
        for (int dbi = 0; dbi < keyspace.count(); dbi++) {
            Database db = keyspace.db(dbi);
            boolean seen = expiredSeenDb.contains(dbi);
            if (db.expiresSize() == 0 && !seen) {
                continue;
            }
            while (System.nanoTime() < deadline) {
                long nowMicros = clock.source().currentMicros();
                long nowMs = Math.floorDiv(nowMicros, 1000);
                List<byte[]> expired = new ArrayList<>();
                Set<DbKey> picked = new HashSet<>();
                for (int i = 0; i < expiredSeen.size(); i++) {
                    if (expiredSeenDb.get(i) == dbi) {
                        byte[] k = expiredSeen.get(i);
                        long when = db.expireAt(k);
                        if (when >= 0 && nowMs > when && picked.add(new DbKey(dbi, k))) {
                            expired.add(k);
                        }
                    }
                }
                int sample = Math.min(20, db.expiresSize());
                long seed = engine.seedSource.nextLong();
                RandomGenerator r = UnitRandom.seeded(seed);
                int sampledExpired = 0;
                for (int i = 0; i < sample; i++) {
                    OrderedDict<Long> ex = db.expires();
                    int e = ex.randomEntry(r);
                    if (nowMs > ex.valueAt(e)) {
                        sampledExpired++;
                        if (picked.add(new DbKey(dbi, ex.keyAt(e)))) {
                            expired.add(ex.keyAt(e));
                        }
                    }
                }
                if (!expired.isEmpty()) {
                    runExpiryUnit(dbi, expired, nowMicros, seed);
                }
                if (sample == 0 || sampledExpired * 4 < sample) {
                    break;
                }
            }
        }
        expiredSeen.clear();
        expiredSeenDb.clear();
    }

    private void runExpiryUnit(int dbi, List<byte[]> keys, long nowMicros, long seed) {
        byte[][] argv = new byte[keys.size() + 1][];
        argv[0] = DEL;
        for (int i = 0; i < keys.size(); i++) {
            argv[i + 1] = keys.get(i);
        }
        Session s = engine.internalSession;
        s.selectDb(dbi);
        s.setProtocol(2);
        clock.startUnitAt(nowMicros);
        engine.beginUnit(dbi, 2, nowMicros, seed);
        engine.invoke(s, argv, engine.unit.effects, 0);
        engine.endUnit(s, UnitRecord.Kind.EXPIRY, List.<byte[][]>of(argv), 0);
    }
}
