package io.vellum.difftest;

import io.vellum.core.util.Doubles;
import java.util.List;

/**
 * The deliberate differences between Vellum and the local oracle (Debian's redis-server 7.0),
 * in one place, each with its reason. Vellum implements Redis 7.2 semantics; where 7.2
 * differs from 7.0 the tests accept exactly the 7.2 behaviour and nothing else.
 *
 * <ol>
 *   <li><b>FLOAT_72</b> — Redis 7.2 formats double replies (ZSCORE, ZINCRBY, ZRANGE ...
 *       WITHSCORES, GEODIST, RESP3 doubles ...) with the shortest round-trip digits
 *       ({@code fpconv_dtoa}); 7.0 uses {@code %.17g}. Accepted: a reply where each differing
 *       scalar is Redis's number re-formatted as 7.2 formats it.</li>
 *   <li><b>VERSION</b> — HELLO and INFO report Vellum's Redis compatibility version (7.2.x),
 *       not 7.0.15. Tests do not compare those fields.</li>
 *   <li><b>ORDER</b> — Redis iterates unordered collections (the keyspace, large hashes, sets and
 *       zset member dicts) in hash-table order; Vellum in insertion order (DESIGN.md,
 *       determinism rule 3), which equals Redis's listpack order for small ones. Such replies
 *       (KEYS, SCAN, SMEMBERS and HGETALL of large collections) are compared as multisets.</li>
 *   <li><b>RANDOM</b> — random picks (SPOP, SRANDMEMBER, RANDOMKEY...) come from a different
 *       generator; compared by shape and membership, not by value.</li>
 *   <li><b>DUMP_FORMAT</b> — DUMP answers Vellum's own payload (the value's protobuf, a 2-byte
 *       format version, an XXH3-64 checksum; see {@code DumpPayload}), not Redis's RDB encoding,
 *       so the bytes are never compared. Tests restore each side's own payload and compare
 *       what RESTORE answers and what the restored key reads as; corrupted payloads, and each
 *       server's payload fed to the other, are refused by both with the same error.</li>
 *   <li><b>LAZY_EXPIRY</b> — a read of a logically expired key answers as Redis does, but only
 *       a Redis primary deletes the key then; a Vellum read never deletes (DESIGN.md, rule 4:
 *       reads stay out of the log) and the next active expiry unit, a logged DEL, reclaims it.
 *       DBSIZE and INFO keyspace may count such a key for up to one expiry cycle longer, so
 *       tests compare DBSIZE only after both have settled.</li>
 * </ol>
 *
 * <p>No difference between 7.2 and 7.0 was found for the key and expiry commands (their
 * code in db.c, expire.c, object.c and cluster.c, and the 7.2 breaking-change list, which
 * for them has only the frozen command time, not observable by a single command).
 */
public final class KnownDifferences {
    private KnownDifferences() {
    }

    public enum Rule { FLOAT_72 }

    /** True when the two replies differ only as the given rules allow. */
    public static boolean equivalent(RespReader.Node redis, RespReader.Node vellum, List<Rule> rules) {
        if (redis.toString().equals(vellum.toString())) {
            return true;
        }
        if (redis.children() != null || vellum.children() != null) {
            if (redis.children() == null || vellum.children() == null || redis.type() != vellum.type()
                    || redis.children().size() != vellum.children().size()) {
                return false;
            }
            for (int i = 0; i < redis.children().size(); i++) {
                if (!equivalent(redis.children().get(i), vellum.children().get(i), rules)) {
                    return false;
                }
            }
            return true;
        }
        if (rules.contains(Rule.FLOAT_72) && redis.type() == vellum.type() && redis.scalar() != null && vellum.scalar() != null) {
            double d = Doubles.parse(redis.scalar());
            if (!Double.isNaN(d) || redis.scalarText().equals("nan")) {
                return Doubles.format(d).equals(vellum.scalarText());
            }
        }
        return false;
    }
}
