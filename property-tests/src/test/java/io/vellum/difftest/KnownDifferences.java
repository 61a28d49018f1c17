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
 *   <li><b>TABLE_72</b> — command metadata that Redis 7.2 changed (CLIENT SETINFO and CLIENT
 *       NO-TOUCH are new in 7.2, CLIENT LIST gained a 7.2.0 history entry, QUIT is deprecated
 *       since 7.2.0). Each such edit of commands.textproto carries a {@code # 7.2:} comment, and
 *       {@link #table72()} reads the names from those comments; COMMAND INFO/DOCS of these
 *       names are not compared with the 7.0 oracle. Source: Redis's src/commands/*.json.</li>
 *   <li><b>CLIENT_72</b> — 7.2's client features: CLIENT SETINFO, CLIENT NO-TOUCH (flag
 *       {@code T}), the {@code lib-name=} and {@code lib-ver=} fields at the end of CLIENT
 *       LIST/INFO lines, and their lines in CLIENT HELP (networking.c of 7.2). The 7.0 oracle
 *       answers "unknown subcommand"; the tests check 7.2's replies directly.</li>
 *   <li><b>HELLO_NOAUTH_72</b> — 7.2 words HELLO's NOAUTH error "HELLO &lt;proto&gt; AUTH
 *       &lt;user&gt; &lt;pass&gt;" (7.0: "HELLO AUTH &lt;user&gt; &lt;pass&gt;"), and 7.2
 *       validates a SETNAME before authenticating but sets the name only after (7.0 set it
 *       while parsing). Seen in 7.2's helloCommand; Lettuce's tests against 7.2 quote it.</li>
 *   <li><b>CONFIG_72</b> — directives and values 7.2 added: set-max-listpack-entries and
 *       set-max-listpack-value (7.2's listpack-encoded sets), and the "nothing" log level
 *       (config.c of 7.2: loglevel_enum). The 7.0 oracle does not know them; ConfigDiffTest
 *       checks Vellum's replies for them directly.</li>
 *   <li><b>INFO_72</b> — fields 7.2 added to INFO: pubsub_clients, watching_clients,
 *       total_watched_keys, total_blocking_keys, total_blocking_keys_on_nokey (clients), the
 *       eventloop_* and acl_access_denied_* counters (stats). INFO is compared by structure
 *       (every 7.0 field present), so these extra fields are allowed.</li>
 *   <li><b>LIST_ENCODING_72</b> — 7.2 keeps a small list in a single listpack and reports
 *       OBJECT ENCODING "listpack" (t_list.c listTypeTryConvertListpack, converting back when
 *       it shrinks to half the limit); 7.0 always says "quicklist". List encodings are checked
 *       against 7.2's rules in store-core's ListValueTest, never against the oracle.</li>
 *   <li><b>BLOCKING_RETRY_72</b> — 7.2 runs a blocked command again from the start when a key
 *       it waits on becomes a list (redis/redis#11012, "reprocess command when client is
 *       unblocked on keys"), so an earlier key of another type now answers WRONGTYPE;
 *       7.0 served the client from the ready key directly.</li>
 *   <li><b>BLOCKED_STATS_72</b> — INFO commandstats counts a command that blocked when its
 *       wait ends (7.2's call() skips a blocked client; the re-run that serves it, or
 *       blocked.c's updateStatsOnUnblock on a timeout or CLIENT UNBLOCK, counts it); 7.0
 *       counted it when it blocked. Once the wait is over the counts agree, and
 *       BlockingListDiffTest compares them then; store-core's BlockedCommandBookkeepingTest
 *       checks that nothing is counted while the client waits.</li>
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
 *   <li><b>PUBLISH_SELF_72</b> — a RESP3 client that PUBLISHes to a channel it is subscribed
 *       to gets the PUBLISH reply first and the message after it in 7.2 (redis/redis#12326,
 *       7.2.0 release notes: "the reply is sent before the published message"); 7.0 sends the
 *       message first, and inside MULTI puts it in the middle of the EXEC reply. PubSubDiffTest
 *       checks that both send the same two replies and Vellum's come in 7.2's order.</li>
 *   <li><b>LIBM_ULP</b> — geo distances use sin, cos and asin. Redis calls glibc's libm, which
 *       is not correctly rounded everywhere (measured: results up to ~0.5004 ulp off on
 *       Debian 12's glibc 2.36); Vellum rounds correctly ({@code RoundedTrig}), so about one
 *       distance in 400 differs in its last bit. Seen only in STOREDIST scores (17 digits) and,
 *       extremely rarely, in the fourth decimal of WITHDIST/GEODIST or at the exact edge of a
 *       radius. Accepted: a score within one ulp of Redis's.</li>
 *   <li><b>STREAM_SEQ_EXHAUSTED_72</b> — XADD {@code <ms>-*} on a stream whose last ID is
 *       {@code <ms>-18446744073709551615}: 7.2's streamAppendItem sets errno to EDOM there and
 *       answers "The ID specified in XADD is equal or smaller than the target stream top
 *       item"; 7.0 returned without setting errno and answered "Elements are too large to be
 *       stored".</li>
 *   <li><b>STREAM_CONSUMER_TIMES_72</b> — 7.2 keeps a consumer's active time besides its
 *       seen time (t_stream.c of 7.2: streamConsumer.active_time): XINFO CONSUMERS gains
 *       "inactive" and XINFO STREAM FULL's consumers "active-time"; and "idle" and
 *       "seen-time" count from the last attempted interaction, not the last delivery. The 7.0
 *       oracle has neither field. 7.2's XCLAIM and XAUTOCLAIM create their consumer (and
 *       note its seen time) even when they claim nothing; 7.0 created it only with the first
 *       claimed entry. StreamDiffTest compares after taking the fields out of Vellum's
 *       reply, and store-core's StreamCommandsTest pins their values.</li>
 *   <li><b>STREAM_ERRORS_72</b> — stream checks and texts newer than 7.0 (t_stream.c after
 *       7.0; read from the post-7.2 source, the oracle being 7.0.15): XREAD/XREADGROUP's
 *       unbalanced-streams error names the command ('xread' / 'xreadgroup') and its symbol
 *       ('$' / '&gt;') where 7.0 always said "XREAD ... '$'"; XSETID refuses an ID below the
 *       stream's max-deleted-entry-id ("smaller than current max_deleted_entry_id"), which
 *       7.0 accepted. A blocked XREADGROUP whose group is destroyed answers the command's
 *       own NOGROUP error, as 7.2 runs it again (BLOCKING_RETRY_72); 7.0 answered "NOGROUP the
 *       consumer group this client was blocked on no longer exists".</li>
 *   <li><b>SET_REPL_TEXT_72</b> — redis.set_repl() with a wrong argument count says "requires
 *       one argument" in 7.2 (redis/redis#11415, merged October 2022 for 7.2); 7.0 says "requires
 *       two arguments". ScriptDiffTest checks Vellum's text directly.</li>
 *   <li><b>MEMORY_USAGE</b> — MEMORY USAGE estimates Vellum's own layout on the JVM heap, not
 *       jemalloc's size classes, so the numbers are never compared: its replies' types, its
 *       errors and its nil for a missing key are, and the estimate grows with the value.
 *       MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE are about an allocator Vellum does not
 *       have and answer the unknown-subcommand error; MEMORY HELP lists only USAGE.</li>
 *   <li><b>ACL_DEFAULT_USER</b> — Vellum has one user, "default", with every permission and
 *       requirepass as its password, as a Redis without ACL rules has. ACL WHOAMI, USERS, LIST,
 *       GETUSER, CAT, GENPASS and DRYRUN answer as Redis does for that user; SETUSER, DELUSER,
 *       LOAD, SAVE and LOG are not built (unknown subcommand), and ACL HELP lists only what is.
 *       ACL CAT of a category lists the commands Vellum has, its own VELLUM.PSYNC among them.</li>
 * </ol>
 *
 * <p>No difference between 7.2 and 7.0 was found for the key and expiry commands (their
 * code in db.c, expire.c, object.c and cluster.c, and the 7.2 breaking-change list, which
 * for them has only the frozen command time, not observable by a single command).
 */
public final class KnownDifferences {
    private KnownDifferences() {
    }

    /**
     * The rules. FLOAT_72 is mechanical (see {@link #equivalent}); the others are checked by
     * tests that state both servers' answers ({@code differs} in the collection tests).
     */
    public enum Rule { FLOAT_72, LIBM_ULP, LIST_ENCODING_72, BLOCKING_RETRY_72, TIMEOUT_RANGE_72, LPOS_RANK_72, HASH_PRESIZE_72,
        STREAM_SEQ_EXHAUSTED_72, STREAM_CONSUMER_TIMES_72, STREAM_ERRORS_72 }

    private static java.util.Set<String> table72;

    /**
     * The commands and subcommands (full names) whose metadata carries a {@code # 7.2:} edit in
     * commands.textproto, or a {@code # vellum:} mark (Vellum's own commands, unknown to Redis): a marker inside a command's block (not inside one of its
     * subcommands) names the command; one inside a subcommand block names the subcommand.
     */
    public static synchronized java.util.Set<String> table72() {
        if (table72 == null) {
            java.util.Set<String> out = new java.util.TreeSet<>();
            try (java.io.InputStream in = KnownDifferences.class.getResourceAsStream("/io/vellum/core/command/commands.textproto")) {
                String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
                String command = null;
                String sub = null;
                boolean commandMarked = false;
                boolean subMarked = false;
                for (String line : lines) {
                    if (line.equals("command {")) {
                        command = null;
                        commandMarked = false;
                    } else if (line.equals("  subcommand {")) {
                        sub = "";
                        subMarked = false;
                    } else if (line.equals("  }") && sub != null) {
                        if (subMarked) {
                            out.add(sub);
                        }
                        sub = null;
                    } else if (line.equals("}")) {
                        if (commandMarked) {
                            out.add(command);
                        }
                    } else if (line.trim().startsWith("# 7.2:") || line.trim().startsWith("# vellum:")) {
                        // "# vellum:" marks Vellum's own commands (VELLUM.PSYNC): no Redis has them
                        if (sub != null) {
                            subMarked = true;
                        } else {
                            commandMarked = true;
                        }
                    } else if (line.startsWith("  name: \"") && sub == null) {
                        command = line.substring(9, line.length() - 1);
                    } else if (line.startsWith("    name: \"") && "".equals(sub)) {
                        sub = line.substring(11, line.length() - 1);
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            table72 = java.util.Collections.unmodifiableSet(out);
        }
        return table72;
    }

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
                if (Doubles.format(d).equals(vellum.scalarText())) {
                    return true;
                }
            }
        }
        if (rules.contains(Rule.LIBM_ULP) && redis.type() == vellum.type() && redis.scalar() != null && vellum.scalar() != null) {
            double r = Doubles.parse(redis.scalar());
            double v = Doubles.parse(vellum.scalar());
            return !Double.isNaN(r) && !Double.isNaN(v) && Math.abs(r - v) <= Math.ulp(r);
        }
        return false;
    }
}
