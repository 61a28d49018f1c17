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
 *   <li><b>LISTPACK_SETS</b> — 7.2 keeps small sets with non-integer members in the "listpack"
 *       encoding, iterated in insertion order, where 7.0 uses "hashtable" (hash order); SSCAN
 *       of such a set returns everything with cursor 0 in 7.2 (redis#11290). Set replies are
 *       compared as multisets (ORDER); scans by their complete result.</li>
 *   <li><b>ZRANK_WITHSCORE</b> — ZRANK/ZREVRANK key member WITHSCORE is 7.2-only (7.0 answers
 *       with the arity error). ZSetDiffTest checks Vellum's reply against the oracle's ZRANK
 *       and ZSCORE of the same member.</li>
 *   <li><b>PRECONVERT_72</b> — 7.2's ZADD and SADD (redis#12185, redis#12019) create or
 *       convert a key to the large encoding before adding when they carry more elements than
 *       the listpack limit; 7.0 adds into the listpack and converts on the way. Observable
 *       through a score of -0: a listpack stores it as 0, a skiplist keeps the sign, so a
 *       -0 among the first elements of such a ZADD prints "-0" in 7.2 and "0" in 7.0 (and
 *       through OBJECT ENCODING when the elements had duplicates). The random mode's large
 *       ZADDs carry no -0 and distinct members; a unit test pins 7.2's answer.</li>
 *   <li><b>TIMEOUT_72</b> — a blocking timeout of "inf" or one whose deadline overflows is
 *       "ERR timeout is out of range" in 7.2 (redis#11338); 7.0 says "timeout is negative" or
 *       overflows. Covered by unit tests, not compared with the oracle.</li>
 * </ol>
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
