package io.vellum.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Random commands of every bound group (strings, bits, keys with expiry incl. relative TTLs,
 * lists, hashes, sets, sorted sets, the random-pick commands, databases), MULTI/EXEC, and the
 * store actions, as {@link Action}s. Blocking commands are left out: the simulated engine runs
 * on the test thread, where a client that blocks would wait for ever.
 *
 * <p><b>Extending:</b> a new command group adds its generators to {@link #GROUPS}; a new kind
 * of store action (snapshot, replica restart...) is an {@link Action} and a weight in
 * {@link #sequence}.
 */
public final class CommandGen {
    private CommandGen() {
    }

    /** How many clients a run uses (each with its own database selection). */
    public static final int CLIENTS = 2;
    /** The databases SELECT, MOVE, SWAPDB and COPY use. */
    public static final int DBS = 3;

    private static List<String> c(String... a) {
        return List.of(a);
    }

    private static String n(Gen g, int lo, int hi) {
        return Integer.toString(g.between(lo, hi));
    }

    /** Relative or absolute expiry options, a few ms to a few s away (the clock moves by as much). */
    private static List<String> expiry(Gen g, long nowMs) {
        return switch (g.nextInt(5)) {
            case 0 -> c("PX", n(g, 1, 3000));
            case 1 -> c("EX", n(g, 1, 3));
            case 2 -> c("PXAT", Long.toString(nowMs + g.between(-500, 3000)));
            case 3 -> c("KEEPTTL");
            default -> c();
        };
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A generator of one command: (gen, the clock in ms) to its arguments. */
    interface CommandSource {
        List<String> next(Gen g, long nowMs);
    }

    static final List<CommandSource> STRINGS = List.of(
            (g, t) -> concat(c("SET", g.key(), g.value()), expiry(g, t)),
            (g, t) -> c("SET", g.key(), g.value(), g.pick("NX", "XX", "GET")),
            (g, t) -> c("GET", g.key()),
            (g, t) -> c("GETEX", g.key(), "PX", n(g, 1, 2000)),
            (g, t) -> c("GETDEL", g.key()),
            (g, t) -> c("GETSET", g.key(), g.value()),
            (g, t) -> c("APPEND", g.key(), g.value()),
            (g, t) -> c("STRLEN", g.key()),
            (g, t) -> c("INCRBY", g.key(), n(g, -5, 5)),
            (g, t) -> c("INCR", g.key()),
            (g, t) -> c("DECR", g.key()),
            (g, t) -> c("INCRBYFLOAT", g.key(), g.score()),
            (g, t) -> c("SETRANGE", g.key(), n(g, 0, 6), g.value()),
            (g, t) -> c("GETRANGE", g.key(), g.index(), g.index()),
            (g, t) -> c("MSET", g.key(), g.value(), g.key(), g.value()),
            (g, t) -> c("MGET", g.key(), g.key(), g.key()),
            (g, t) -> c("MSETNX", g.key(), g.value(), g.key(), g.value()),
            (g, t) -> c("SETNX", g.key(), g.value()),
            (g, t) -> c("PSETEX", g.key(), n(g, 1, 2000), g.value()),
            (g, t) -> c("SETBIT", g.key(), n(g, 0, 40), n(g, 0, 1)),
            (g, t) -> c("GETBIT", g.key(), n(g, 0, 40)),
            (g, t) -> c("BITCOUNT", g.key()),
            (g, t) -> c("BITOP", g.pick("AND", "OR", "XOR"), g.key(), g.key(), g.key()),
            (g, t) -> c("LCS", g.key(), g.key()));

    static final List<CommandSource> KEYS = List.of(
            (g, t) -> c("DEL", g.key(), g.key()),
            (g, t) -> c("UNLINK", g.key()),
            (g, t) -> c("EXISTS", g.key(), g.key()),
            (g, t) -> c("TYPE", g.key()),
            (g, t) -> c("EXPIRE", g.key(), n(g, 1, 3)),
            (g, t) -> c("PEXPIRE", g.key(), n(g, -10, 3000), g.pick("NX", "XX", "GT", "LT", "NX")),
            (g, t) -> c("PEXPIREAT", g.key(), Long.toString(t + g.between(-100, 3000))),
            (g, t) -> c("PERSIST", g.key()),
            (g, t) -> c("TTL", g.key()),
            (g, t) -> c("PTTL", g.key()),
            (g, t) -> c("PEXPIRETIME", g.key()),
            (g, t) -> c("RENAME", g.key(), g.key()),
            (g, t) -> c("RENAMENX", g.key(), g.key()),
            (g, t) -> c("COPY", g.key(), g.key(), "DB", n(g, 0, DBS - 1), "REPLACE"),
            (g, t) -> c("MOVE", g.key(), n(g, 0, DBS - 1)),
            (g, t) -> c("TOUCH", g.key()),
            (g, t) -> c("RANDOMKEY"),
            (g, t) -> c("DBSIZE"),
            (g, t) -> c("SCAN", "0", "COUNT", n(g, 1, 5)),
            (g, t) -> c("KEYS", g.pick("*", "k?", "k[0-3]")),
            (g, t) -> c("OBJECT", "ENCODING", g.key()),
            (g, t) -> c("TIME"),
            (g, t) -> c("SELECT", n(g, 0, DBS - 1)),
            (g, t) -> g.chance(20) ? c("SWAPDB", n(g, 0, DBS - 1), n(g, 0, DBS - 1)) : c("PING"),
            (g, t) -> g.chance(10) ? c("FLUSHDB") : c("ECHO", g.value()));

    static final List<CommandSource> LISTS = List.of(
            (g, t) -> c("LPUSH", g.key(), g.member(), g.member()),
            (g, t) -> c("RPUSH", g.key(), g.member()),
            (g, t) -> c("LPUSHX", g.key(), g.member()),
            (g, t) -> c("LPOP", g.key()),
            (g, t) -> c("RPOP", g.key(), n(g, 1, 3)),
            (g, t) -> c("LLEN", g.key()),
            (g, t) -> c("LRANGE", g.key(), "0", "-1"),
            (g, t) -> c("LRANGE", g.key(), g.index(), g.index()),
            (g, t) -> c("LINDEX", g.key(), g.index()),
            (g, t) -> c("LSET", g.key(), g.index(), g.member()),
            (g, t) -> c("LREM", g.key(), n(g, -2, 2), g.member()),
            (g, t) -> c("LTRIM", g.key(), g.index(), g.index()),
            (g, t) -> c("LINSERT", g.key(), g.pick("BEFORE", "AFTER"), g.member(), g.member()),
            (g, t) -> c("LPOS", g.key(), g.member()),
            (g, t) -> c("LMOVE", g.key(), g.key(), g.pick("LEFT", "RIGHT"), g.pick("LEFT", "RIGHT")),
            (g, t) -> c("LMPOP", "2", g.key(), g.key(), g.pick("LEFT", "RIGHT")),
            (g, t) -> c("SORT", g.key(), "BY", g.pick("nosort", "k*", "k*->f"), "GET", "#", "ALPHA", "LIMIT", n(g, 0, 2),
                    n(g, -1, 3), "STORE", g.key()),
            (g, t) -> c("SORT", g.key(), "ALPHA", g.pick("ASC", "DESC")));

    static final List<CommandSource> HASHES = List.of(
            (g, t) -> c("HSET", g.key(), g.member(), g.value(), g.member(), g.value()),
            (g, t) -> c("HSETNX", g.key(), g.member(), g.value()),
            (g, t) -> c("HGET", g.key(), g.member()),
            (g, t) -> c("HMGET", g.key(), g.member(), g.member()),
            (g, t) -> c("HDEL", g.key(), g.member()),
            (g, t) -> c("HLEN", g.key()),
            (g, t) -> c("HEXISTS", g.key(), g.member()),
            (g, t) -> c("HINCRBY", g.key(), g.member(), n(g, -3, 3)),
            (g, t) -> c("HINCRBYFLOAT", g.key(), g.member(), g.score()),
            (g, t) -> c("HGETALL", g.key()),
            (g, t) -> c("HKEYS", g.key()),
            (g, t) -> c("HVALS", g.key()),
            (g, t) -> c("HSTRLEN", g.key(), g.member()),
            (g, t) -> c("HSCAN", g.key(), "0"),
            (g, t) -> c("HRANDFIELD", g.key(), n(g, -3, 3), "WITHVALUES"),
            (g, t) -> c("HRANDFIELD", g.key()));

    static final List<CommandSource> SETS = List.of(
            (g, t) -> c("SADD", g.key(), g.member(), g.member()),
            (g, t) -> c("SADD", g.key(), n(g, 0, 9)),
            (g, t) -> c("SREM", g.key(), g.member()),
            (g, t) -> c("SCARD", g.key()),
            (g, t) -> c("SISMEMBER", g.key(), g.member()),
            (g, t) -> c("SMISMEMBER", g.key(), g.member(), g.member()),
            (g, t) -> c("SMEMBERS", g.key()),
            (g, t) -> c("SPOP", g.key()),
            (g, t) -> c("SPOP", g.key(), n(g, 0, 3)),
            (g, t) -> c("SRANDMEMBER", g.key()),
            (g, t) -> c("SRANDMEMBER", g.key(), n(g, -4, 4)),
            (g, t) -> c("SMOVE", g.key(), g.key(), g.member()),
            (g, t) -> c("SINTER", g.key(), g.key()),
            (g, t) -> c("SUNION", g.key(), g.key()),
            (g, t) -> c("SDIFF", g.key(), g.key()),
            (g, t) -> c(g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), g.key(), g.key(), g.key()),
            (g, t) -> c("SINTERCARD", "2", g.key(), g.key()),
            (g, t) -> c("SSCAN", g.key(), "0"),
            (g, t) -> c("SORT", g.key(), "BY", "nosort", "STORE", g.key()));

    static final List<CommandSource> ZSETS = List.of(
            (g, t) -> c("ZADD", g.key(), g.score(), g.member(), g.score(), g.member()),
            (g, t) -> c("ZADD", g.key(), g.pick("NX", "XX", "GT", "LT", "CH"), g.score(), g.member()),
            (g, t) -> c("ZINCRBY", g.key(), g.score(), g.member()),
            (g, t) -> c("ZREM", g.key(), g.member()),
            (g, t) -> c("ZSCORE", g.key(), g.member()),
            (g, t) -> c("ZMSCORE", g.key(), g.member(), g.member()),
            (g, t) -> c("ZCARD", g.key()),
            (g, t) -> c("ZRANK", g.key(), g.member()),
            (g, t) -> c("ZREVRANK", g.key(), g.member()),
            (g, t) -> c("ZRANGE", g.key(), "0", "-1", "WITHSCORES"),
            (g, t) -> c("ZRANGE", g.key(), g.index(), g.index(), "REV"),
            (g, t) -> c("ZRANGEBYSCORE", g.key(), "-inf", g.score()),
            (g, t) -> c("ZRANGEBYLEX", g.key(), "-", "+"),
            (g, t) -> c("ZCOUNT", g.key(), g.score(), "+inf"),
            (g, t) -> c("ZPOPMIN", g.key()),
            (g, t) -> c("ZPOPMAX", g.key(), n(g, 1, 3)),
            (g, t) -> c("ZMPOP", "2", g.key(), g.key(), g.pick("MIN", "MAX")),
            (g, t) -> c("ZREMRANGEBYRANK", g.key(), g.index(), g.index()),
            (g, t) -> c("ZREMRANGEBYSCORE", g.key(), g.score(), g.score()),
            (g, t) -> c(g.pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"), g.key(), "2", g.key(), g.key()),
            (g, t) -> c("ZRANGESTORE", g.key(), g.key(), "0", "-1"),
            (g, t) -> c("ZRANDMEMBER", g.key()),
            (g, t) -> c("ZRANDMEMBER", g.key(), n(g, -4, 4), "WITHSCORES"),
            (g, t) -> c("ZSCAN", g.key(), "0"));

    static final List<CommandSource> STREAMS = List.of(
            (g, t) -> c("XADD", g.key(), "*", g.member(), g.value()),
            (g, t) -> c("XADD", g.key(), "MAXLEN", "~", n(g, 1, 5), "*", g.member(), g.value()),
            (g, t) -> c("XADD", g.key(), "NOMKSTREAM", "*", "f", g.value()),
            (g, t) -> c("XLEN", g.key()),
            (g, t) -> c("XRANGE", g.key(), "-", "+", "COUNT", n(g, 1, 4)),
            (g, t) -> c("XREVRANGE", g.key(), "+", "-"),
            (g, t) -> c("XTRIM", g.key(), "MAXLEN", n(g, 0, 4)),
            (g, t) -> c("XDEL", g.key(), (t - g.between(0, 3000)) + "-0"),
            (g, t) -> c("XGROUP", "CREATE", g.key(), g.pick("g1", "g2"), g.pick("0", "$"), "MKSTREAM"),
            (g, t) -> c("XREADGROUP", "GROUP", g.pick("g1", "g2"), g.pick("c1", "c2"), "COUNT", n(g, 1, 3), "STREAMS", g.key(), ">"),
            (g, t) -> c("XPENDING", g.key(), g.pick("g1", "g2")),
            (g, t) -> c("XAUTOCLAIM", g.key(), g.pick("g1", "g2"), g.pick("c1", "c2"), n(g, 0, 2000), "0-0", "COUNT", "2"),
            (g, t) -> c("XINFO", "STREAM", g.key()));

    static final List<CommandSource> HLL_GEO = List.of(
            (g, t) -> c("PFADD", g.key(), g.member(), g.member(), g.value()),
            (g, t) -> c("PFCOUNT", g.key(), g.key()),
            (g, t) -> c("PFMERGE", g.key(), g.key(), g.key()),
            (g, t) -> c("GEOADD", g.key(), (g.between(-100, 100) / 10.0) + "", (g.between(-100, 100) / 10.0) + "", g.member()),
            (g, t) -> c("GEODIST", g.key(), g.member(), g.member(), "km"),
            (g, t) -> c("GEOPOS", g.key(), g.member()),
            (g, t) -> c("GEOSEARCH", g.key(), "FROMLONLAT", "0", "0", "BYRADIUS", n(g, 100, 2000), "km", "ASC", "WITHDIST"),
            (g, t) -> c("GEOSEARCHSTORE", g.key(), g.key(), "FROMMEMBER", g.member(), "BYBOX", "3000", "3000", "km"));

    /** Every group; a new group's generators go here. */
    public static final List<List<CommandSource>> GROUPS = List.of(STRINGS, KEYS, LISTS, HASHES, SETS, ZSETS, STREAMS, HLL_GEO);

    /** One random command of any group. */
    public static List<String> command(Gen g, long nowMs) {
        List<CommandSource> group = g.pick(GROUPS);
        return g.pick(group).next(g, nowMs);
    }

    /** What a sequence may contain besides commands, with its weight (per 100 actions). */
    public record Mix(int transactions, int clock, int activeExpire, int reopen, int crash, int tornTail, int snapshot) {
        /** Everything property 1 exercises. */
        public static final Mix ALL = new Mix(6, 8, 3, 2, 2, 1, 2);
        /** No torn tails (they drop acknowledged units: replies then have no record to compare with). */
        public static final Mix NO_TORN_TAIL = new Mix(6, 8, 3, 2, 2, 0, 2);
        /** Commands only (and transactions). */
        public static final Mix COMMANDS = new Mix(6, 0, 0, 0, 0, 0, 0);
    }

    /**
     * A sequence of {@code min..max} actions. The clock the generator assumes starts at
     * {@link SimStore#START_MICROS} and moves with the clock actions it emits, so absolute
     * expiry times land near it.
     */
    public static List<Action> sequence(Gen g, int min, int max, Mix mix) {
        int n = g.between(min, max);
        long nowMs = SimStore.START_MICROS / 1000;
        List<Action> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int rest = 100 - mix.transactions() - mix.clock() - mix.activeExpire() - mix.reopen() - mix.crash() - mix.tornTail()
                    - mix.snapshot();
            switch (g.weighted(rest, mix.transactions(), mix.clock(), mix.activeExpire(), mix.reopen(), mix.crash(), mix.tornTail(),
                    mix.snapshot())) {
                case 0 -> out.add(new Action.Command(g.nextInt(CLIENTS), command(g, nowMs)));
                case 1 -> {
                    List<List<String>> cmds = new ArrayList<>();
                    for (int k = g.between(1, 4); k > 0; k--) {
                        cmds.add(command(g, nowMs));
                    }
                    out.add(new Action.Transaction(g.nextInt(CLIENTS), cmds, g.chance(10)));
                }
                case 2 -> {
                    long ms = g.pick(1L, 10L, 100L, 500L, 1000L, 2500L);
                    nowMs += ms;
                    out.add(new Action.AdvanceClock(ms));
                }
                case 3 -> out.add(new Action.ActiveExpire());
                case 4 -> out.add(new Action.Reopen());
                case 5 -> out.add(g.chance(33) ? new Action.CrashDuringSnapshot(g.nextInt(100) / 100.0) : new Action.Crash());
                case 6 -> out.add(new Action.TornTail(g.nextInt(100) / 100.0, g.chance(50)));
                default -> out.add(new Action.Snapshot(g.chance(50)));
            }
        }
        return out;
    }

    static Function<Gen, List<Action>> sequences(int min, int max, Mix mix) {
        return g -> sequence(g, min, max, mix);
    }
}
