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
 *   <li><b>LIST_ENCODING_72</b> — 7.2 keeps a small list in a single listpack and reports
 *       OBJECT ENCODING "listpack" (t_list.c listTypeTryConvertListpack, converting back when
 *       it shrinks to half the limit); 7.0 always says "quicklist". List encodings are checked
 *       against 7.2's rules in store-core's ListValueTest, never against the oracle.</li>
 *   <li><b>BLOCKING_RETRY_72</b> — 7.2 runs a blocked command again from the start when a key
 *       it waits on becomes a list (redis/redis#11012, "reprocess command when client is
 *       unblocked on keys"), so an earlier key of another type now answers WRONGTYPE;
 *       7.0 served the client from the ready key directly.</li>
 *   <li><b>TIMEOUT_RANGE_72</b> — 7.2 refuses a blocking timeout that does not fit in
 *       milliseconds, or overflows when added to the current time, with "ERR timeout is out
 *       of range" (redis/redis#11338); 7.0 overflowed: "inf" and "1e300" answered "ERR timeout
 *       is negative" and 9223372036854775 seconds blocked.</li>
 *   <li><b>LPOS_RANK_72</b> — 7.2 range-checks LPOS RANK (-LONG_MAX to LONG_MAX, "ERR value is
 *       out of range, value must between ...", redis/redis#12167); 7.0 took
 *       -9223372036854775808 and overflowed negating it.</li>
 *   <li><b>HASH_PRESIZE_72</b> — 7.2's HSET, HMSET and HSETNX turn a listpack hash into a
 *       hashtable before inserting when they bring more field/value pairs than
 *       hash-max-listpack-entries, even if the fields repeat (hashTypeTryConversion,
 *       redis/redis#12019); 7.0 converted only once the hash held more fields than the
 *       limit. Only OBJECT ENCODING and HSCAN's paging show it.</li>
 * </ol>
 */
public final class KnownDifferences {
    private KnownDifferences() {
    }

    /**
     * The rules. FLOAT_72 is mechanical (see {@link #equivalent}); the others are checked by
     * tests that state both servers' answers ({@code differs} in the collection tests).
     */
    public enum Rule { FLOAT_72, LIST_ENCODING_72, BLOCKING_RETRY_72, TIMEOUT_RANGE_72, LPOS_RANK_72, HASH_PRESIZE_72 }

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
