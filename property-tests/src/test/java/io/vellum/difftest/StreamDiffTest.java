package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream commands against a real redis-server, in RESP2 and RESP3. IDs are explicit
 * wherever the reply shows them (the two servers' clocks differ); time fields (idle,
 * seen-time, delivery times) are masked by {@link #sameTimed}. Redis 7.2 added "inactive"
 * to XINFO CONSUMERS and "active-time" to XINFO STREAM FULL's consumers (t_stream.c of 7.2;
 * the 7.0 oracle lacks them, KnownDifferences STREAM_CONSUMER_TIMES_72): those are
 * compared with the oracle's reply after taking them out of Vellum's.
 */
class StreamDiffTest extends CollectionDiffTest {
    private RawClient[] a;

    @AfterEach
    void closeBlockers() {
        if (a != null) {
            a[0].close();
            a[1].close();
        }
    }

    @Test
    void addLengthAndRanges() {
        same("XADD", "s", "1-1", "f", "v");
        same("XADD", "s", "1-2", "f", "v2", "g", "w");
        same("XADD", "s", "2", "a", "1");
        same("XADD", "s", "2-*", "a", "2");
        same("XADD", "s", "5-*", "a", "3");
        same("XADD", "s", "5-0", "a", "3");
        same("XADD", "s", "4-9", "a", "3");
        same("XLEN", "s");
        same("XLEN", "nokey");
        same("XRANGE", "s", "-", "+");
        same("XRANGE", "s", "1", "1");
        same("XRANGE", "s", "(1-1", "+");
        same("XRANGE", "s", "(1-1", "(2-1");
        same("XRANGE", "s", "-", "+", "COUNT", "2");
        same("XRANGE", "s", "-", "+", "COUNT", "0");
        same("XRANGE", "s", "-", "+", "COUNT", "-3");
        same("XRANGE", "s", "-", "+", "COUNT");
        same("XRANGE", "s", "-", "+", "COUNT", "x");
        same("XRANGE", "s", "-", "+", "LIMIT", "1");
        same("XRANGE", "s", "+", "-");
        same("XRANGE", "nokey", "-", "+");
        same("XRANGE", "nokey", "-", "+", "COUNT", "0");
        same("XREVRANGE", "s", "+", "-");
        same("XREVRANGE", "s", "+", "-", "COUNT", "3");
        same("XREVRANGE", "s", "(5", "(1-1");
        same("XREVRANGE", "s", "2", "-");
        same("XRANGE", "s", "(-", "+");
        same("XRANGE", "s", "(", "+");
        same("XRANGE", "s", "-", "(+");
        same("XRANGE", "s", "(18446744073709551615-18446744073709551615", "+");
        same("XRANGE", "s", "-", "(0-0");
        same("XRANGE", "s", "(0", "(1-2");
    }

    @Test
    void badIds() {
        same("XADD", "s", "1-1", "f", "v");
        for (String id : new String[] {"0-0", "0", "-", "+", "abc", "1-x", "1--1", "-1", "1-", "1-2-3", " 5", "+5", "05",
            "5-+3", "18446744073709551615-18446744073709551615", "18446744073709551616", "99999999999999999999999",
            "1-18446744073709551615", "0-*", "*-1", "1-*", "1.5", ""}) {
            same("XADD", "s", id, "f", "v");
            same("XADD", "fresh" + id, id, "f", "v");
            same("XRANGE", "s", id, "+");
            same("XRANGE", "s", "-", id);
            same("XDEL", "s", id);
            same("XRANGE", "s", "(" + id, "+");
        }
        same("XRANGE", "s", "-", "+");
        same("XADD", "s", "18446744073709551615-18446744073709551615", "f", "v");
        same("XADD", "s", "*", "f", "v");
        same("XADD", "s", "18446744073709551615-*", "f", "v");
        same("XINFO", "STREAM", "s");
        same("XADD", "t", "18446744073709551615-18446744073709551614", "f", "v");
        same("XADD", "t", "18446744073709551615-*", "f", "v");
        same("XADD", "t", "18446744073709551615-*", "f", "v");
        same("XADD", "u", "5-18446744073709551615", "f", "v");
        differs(KnownDifferences.Rule.STREAM_SEQ_EXHAUSTED_72, "-ERR Elements are too large to be stored\\r\\n",
                "-ERR The ID specified in XADD is equal or smaller than the target stream top item\\r\\n",
                "XADD", "u", "5-*", "f", "v");
        same("XRANGE", "u", "-", "+");
    }

    @Test
    void xaddArgumentErrors() {
        same("XADD", "s", "1-1", "f");
        same("XADD", "s", "1-1");
        same("XADD", "s", "1-1", "f", "v", "g");
        same("XADD", "s", "MAXLEN", "1-1", "f", "v");
        same("XADD", "s", "MAXLEN", "-1", "1-1", "f", "v");
        same("XADD", "s", "MAXLEN", "~", "x", "1-1", "f", "v");
        same("XADD", "s", "MAXLEN", "1", "MINID", "1", "1-1", "f", "v");
        same("XADD", "s", "LIMIT", "5", "1-1", "f", "v");
        same("XADD", "s", "MAXLEN", "5", "LIMIT", "5", "1-1", "f", "v");
        same("XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "1-1", "f", "v");
        same("XADD", "s", "MINID", "+", "1-1", "f", "v");
        same("XADD", "s", "NOMKSTREAM", "1-1", "f", "v");
        same("EXISTS", "s");
        same("XADD", "s", "NOMKSTREAM", "MAXLEN");
        same("XADD", "s", "MAXLEN", "=", "0", "1-1", "f", "v");
        same("XLEN", "s");
        same("XADD", "s", "NOMKSTREAM", "2-1", "f", "v");
        same("XADD", "s", "MAXLEN", "~", "0", "LIMIT", "0", "3-1", "f", "v");
        same("XADD", "s", "*");
        same("XADD", "s");
        same("SET", "str", "x");
        same("XADD", "str", "1-1", "f", "v");
        same("XADD", "str", "NOMKSTREAM", "1-1", "f", "v");
        same("XLEN", "str");
        same("XRANGE", "str", "-", "+");
        same("XDEL", "str", "1-1");
        same("XTRIM", "str", "MAXLEN", "1");
        same("XTRIM", "str", "MAXLEN", "x");
        same("XREAD", "STREAMS", "str", "0");
        same("XGROUP", "CREATE", "str", "g", "$");
        same("XINFO", "STREAM", "str");
        same("XSETID", "str", "1-1");
        same("XACK", "str", "g", "1-1");
        same("XPENDING", "str", "g");
        same("XCLAIM", "str", "g", "c", "0", "1-1");
        same("XAUTOCLAIM", "str", "g", "c", "0", "0");
    }

    @Test
    void deleteAndTrim() {
        for (int i = 1; i <= 30; i++) {
            same("XADD", "s", i + "-0", "f", "v" + i);
        }
        same("XDEL", "s", "1-0", "3-0", "3-0", "100-0");
        same("XDEL", "s", "1-0", "bad");
        same("XDEL", "nokey", "1-0");
        same("XDEL", "nokey", "bad");
        same("XINFO", "STREAM", "s");
        same("XTRIM", "s", "MAXLEN", "25");
        same("XTRIM", "s", "MAXLEN", "=", "25");
        same("XTRIM", "s", "MINID", "10");
        same("XTRIM", "s", "MINID", "~", "20");
        same("XTRIM", "s", "MAXLEN", "~", "2");
        same("XINFO", "STREAM", "s");
        same("XTRIM", "s");
        same("XTRIM", "s", "LIMIT", "2");
        same("XTRIM", "s", "MAXLEN", "2", "LIMIT", "2");
        same("XTRIM", "s", "FOO", "2");
        same("XTRIM", "nokey", "MAXLEN", "0");
        same("XTRIM", "s", "MAXLEN", "0");
        same("XINFO", "STREAM", "s");
        same("EXISTS", "s");
        same("XRANGE", "s", "-", "+");
        same("XDEL", "s", "30-0");
    }

    /** `~` trims whole nodes only: where Redis's nodes end decides what goes. */
    @Test
    void approximateTrimFollowsRedisNodes() {
        for (int i = 1; i <= 350; i++) {
            same("XADD", "s", i + "-1", "field", Integer.toString(i * 37));
        }
        same("XINFO", "STREAM", "s");
        same("XTRIM", "s", "MAXLEN", "~", "260");
        same("XTRIM", "s", "MAXLEN", "~", "199");
        same("XTRIM", "s", "MINID", "~", "260");
        same("XLEN", "s");
        same("XADD", "s", "MAXLEN", "~", "10", "400-1", "field", "x");
        same("XINFO", "STREAM", "s");
        same("XRANGE", "s", "-", "+", "COUNT", "3");
        // big values: nodes end at stream-node-max-bytes
        for (int i = 1; i <= 60; i++) {
            same("XADD", "b", i + "-1", "f" + (i % 3), "x".repeat(i * 13), "n", Integer.toString(i));
        }
        same("XINFO", "STREAM", "b", "FULL", "COUNT", "1");
        same("XTRIM", "b", "MAXLEN", "~", "30");
        same("XLEN", "b");
        same("XTRIM", "b", "MAXLEN", "~", "5", "LIMIT", "6");
        same("XLEN", "b");
        same("XDEL", "b", "60-1", "59-1");
        same("XTRIM", "b", "MINID", "~", "58");
        same("XLEN", "b");
    }

    @Test
    void digestsAndEncoding() {
        same("XADD", "s", "1-1", "f", "v");
        same("XADD", "s", "2-1", "f", "v", "g", "");
        same("XDEL", "s", "1-1");
        sameDigest("s");
        same("OBJECT", "ENCODING", "s");
        same("TYPE", "s");
        same("XGROUP", "CREATE", "s", "g", "0");
        sameDigest("s");
        same("DEBUG", "DIGEST-VALUE", "s");
    }
    // ------------------------------------------------------------------ time-masked comparison

    private static final Set<String> TIME_KEYS = Set.of("idle", "inactive", "seen-time", "active-time");
    private static final Set<String> KEYS_72 = Set.of("inactive", "active-time");

    /**
     * Same replies once time fields are masked: the values of idle/inactive/seen-time/
     * active-time, integers that are absolute times, and XPENDING's idle column; Vellum's
     * 7.2-only fields are dropped (STREAM_CONSUMER_TIMES_72).
     */
    private void sameTimed(String... cmd) {
        RespReader.Raw r = redis.call(cmd);
        RespReader.Raw v = vellum.call(cmd);
        assertEquals(render(r.node(), false), render(v.node(), true), String.join(" ", cmd) + "\n  redis:  " + r.text()
                + "\n  vellum: " + v.text());
    }

    private static String render(RespReader.Node n, boolean drop72) {
        if (n.children() == null) {
            if (n.type() == ':' && Math.abs(Long.parseLong(n.scalarText())) > 1_000_000_000_000L) {
                return "<time>";
            }
            return n.toString();
        }
        List<RespReader.Node> ch = n.children();
        StringBuilder sb = new StringBuilder().append(n.type() == '%' ? '*' : n.type()).append('[');
        boolean pendingRow = ch.size() == 4 && ch.get(0).scalar() != null && ch.get(0).scalarText().matches("\\d+-\\d+")
                && ch.get(2).type() == ':';
        for (int i = 0; i < ch.size(); i++) {
            RespReader.Node c = ch.get(i);
            String key = c.scalar() != null && c.type() != ':' ? c.scalarText() : null;
            if (i % 2 == 0 && i + 1 < ch.size() && key != null && TIME_KEYS.contains(key)) {
                if (!(drop72 && KEYS_72.contains(key))) {
                    sb.append(key).append("=<time>,");
                }
                i++;
                continue;
            }
            if (pendingRow && i == 2) {
                sb.append("<idle>,");
                continue;
            }
            sb.append(render(c, drop72)).append(',');
        }
        return sb.append(']').toString();
    }

    private void entries(String key, int n) {
        for (int i = 1; i <= n; i++) {
            same("XADD", key, i + "-0", "f", "v" + i);
        }
    }

    @Test
    void groupsCreateSetIdDestroy() {
        same("XGROUP", "CREATE", "s", "g", "$");
        same("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        same("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        same("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "-2");
        same("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "x");
        same("XGROUP", "CREATE", "s", "g2", "0", "FOO");
        same("XGROUP", "CREATE", "s", "g2", "bad");
        same("XGROUP", "CREATE", "s", "g2", "+");
        same("XGROUP", "CREATE", "s", "g2", "-");
        same("XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "3", "MKSTREAM");
        same("XGROUP", "CREATE", "s", "g3", "0", "MKSTREAM", "MKSTREAM", "MKSTREAM", "MKSTREAM");
        same("XGROUP", "CREATE", "s", "g3");
        same("XGROUP", "CREATE", "s", "g3", "1-1", "ENTRIESREAD");
        same("XGROUP", "SETID", "s", "nogroup", "0");
        same("XGROUP", "SETID", "nokey", "g", "0");
        same("XGROUP", "SETID", "s", "g", "+");
        same("XGROUP", "SETID", "s", "g", "-");
        same("XGROUP", "SETID", "s", "g", "5", "ENTRIESREAD", "2");
        same("XGROUP", "SETID", "s", "g", "5", "MKSTREAM");
        same("XGROUP", "SETID", "s", "g", "5", "ENTRIESREAD");
        same("XGROUP", "SETID", "s", "g", "$", "ENTRIESREAD", "1", "ENTRIESREAD", "2");
        same("XINFO", "GROUPS", "s");
        same("XGROUP", "CREATECONSUMER", "s", "g", "c1");
        same("XGROUP", "CREATECONSUMER", "s", "g", "c1");
        same("XGROUP", "CREATECONSUMER", "s", "nogroup", "c1");
        same("XGROUP", "CREATECONSUMER", "s", "g", "c1", "x");
        same("XGROUP", "DELCONSUMER", "s", "g", "c1");
        same("XGROUP", "DELCONSUMER", "s", "g", "c1");
        same("XGROUP", "DELCONSUMER", "s", "nogroup", "c1");
        same("XGROUP", "DESTROY", "s", "g2");
        same("XGROUP", "DESTROY", "s", "g2");
        same("XGROUP", "DESTROY", "nokey", "g2");
        same("XGROUP", "DESTROY", "s", "g", "x");
        same("XGROUP", "HELP");
        same("XGROUP", "HELP", "x");
        same("XGROUP", "FOO", "s", "g");
        same("XGROUP", "FOO");
        same("XGROUP");
        same("XGROUP", "CREATE", "s");
        same("XINFO", "GROUPS", "s");
        same("XINFO", "STREAM", "s");
    }

    @Test
    void readGroupAckPendingClaim() {
        entries("s", 6);
        same("XGROUP", "CREATE", "s", "g", "0");
        same("XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0");
        same("XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", "1-0");
        same("XREADGROUP", "GROUP", "g", "c3", "STREAMS", "s", "0");
        same("XINFO", "GROUPS", "s");
        same("XPENDING", "s", "g");
        sameTimed("XPENDING", "s", "g", "-", "+", "10");
        sameTimed("XPENDING", "s", "g", "-", "+", "10", "c2");
        same("XPENDING", "s", "g", "-", "+", "10", "nobody");
        same("XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10");
        sameTimed("XPENDING", "s", "g", "IDLE", "0", "(1-0", "(6-0", "2");
        same("XPENDING", "s", "g", "+", "-", "10");
        same("XPENDING", "s", "g", "-", "+", "0");
        same("XPENDING", "s", "g", "-", "+", "-5");
        same("XPENDING", "s", "g", "-", "+");
        same("XPENDING", "s", "g", "IDLE", "10", "-", "+");
        same("XPENDING", "s", "g", "IDLE", "x", "-", "+", "1");
        same("XPENDING", "s", "g", "-", "+", "x");
        same("XPENDING", "s", "g", "x", "+", "1");
        same("XPENDING", "s", "nogroup");
        same("XPENDING", "nokey", "g");
        same("XPENDING", "s", "g", "1");
        same("XACK", "s", "g", "1-0", "1-0", "9-0");
        same("XACK", "s", "g", "2-0", "bad");
        same("XACK", "s", "nogroup", "2-0");
        same("XACK", "nokey", "g", "bad");
        same("XPENDING", "s", "g");
        same("XCLAIM", "s", "g", "c3", "0", "2-0", "3-0", "JUSTID");
        same("XCLAIM", "s", "g", "c3", "100000", "4-0");
        same("XCLAIM", "s", "g", "c3", "0", "4-0", "5-0", "IDLE", "500000", "RETRYCOUNT", "7");
        sameTimed("XPENDING", "s", "g", "-", "+", "10");
        same("XCLAIM", "s", "g", "c1", "400000", "4-0");
        same("XCLAIM", "s", "g", "c1", "0", "1-0");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "FORCE");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "FORCE", "JUSTID", "LASTID", "100-0");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "TIME", "x");
        same("XCLAIM", "s", "g", "c1", "x", "1-0");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "IDLE");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "BOGUS");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "RETRYCOUNT", "x");
        same("XCLAIM", "s", "g", "c1", "0", "1-0", "LASTID", "x");
        same("XCLAIM", "s", "nogroup", "c1", "0", "1-0");
        same("XCLAIM", "s", "g", "c9", "100000", "1-0");
        differs(KnownDifferences.Rule.STREAM_CONSUMER_TIMES_72, ":1\\r\\n", ":0\\r\\n", "XGROUP", "CREATECONSUMER", "s", "g", "c9");
        same("XGROUP", "DELCONSUMER", "s", "g", "c9");
        same("XINFO", "GROUPS", "s");
        same("XDEL", "s", "5-0");
        same("XCLAIM", "s", "g", "c1", "0", "5-0");
        same("XPENDING", "s", "g");
        same("XDEL", "s", "6-0");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "1");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "JUSTID");
        same("XAUTOCLAIM", "s", "g", "c4", "100000", "0");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "(2-0", "COUNT", "2");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "0");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "x");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "COUNT", "2305843009213693952");
        same("XAUTOCLAIM", "s", "g", "c4", "x", "0");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "x");
        same("XAUTOCLAIM", "s", "g", "c4", "0", "0", "FOO");
        same("XAUTOCLAIM", "s", "nogroup", "c4", "0", "0");
        same("XPENDING", "s", "g");
        sameTimed("XINFO", "CONSUMERS", "s", "g");
        same("XINFO", "CONSUMERS", "s", "nogroup");
        same("XINFO", "CONSUMERS", "nokey", "g");
        sameTimed("XINFO", "STREAM", "s", "FULL");
        sameTimed("XINFO", "STREAM", "s", "FULL", "COUNT", "1");
        sameTimed("XINFO", "STREAM", "s", "FULL", "COUNT", "0");
        sameTimed("XINFO", "STREAM", "s", "FULL", "COUNT", "-1");
        same("XINFO", "STREAM", "s", "FULL", "COUNT");
        same("XINFO", "STREAM", "s", "FULL", "COUNT", "x");
        same("XINFO", "STREAM", "s", "FOO");
        same("XINFO", "STREAM", "s", "FULL", "FOO", "1");
        same("XINFO", "STREAM", "nokey");
        same("XINFO", "HELP");
        same("XINFO", "FOO", "s");
        same("XINFO");
        same("XGROUP", "DELCONSUMER", "s", "g", "c4");
        same("XPENDING", "s", "g");
        same("XINFO", "GROUPS", "s");
    }

    @Test
    void readGroupOptionsAndErrors() {
        entries("s", 3);
        same("XGROUP", "CREATE", "s", "g", "0");
        same("XREADGROUP", "GROUP", "g", "c", "NOACK", "COUNT", "1", "STREAMS", "s", ">");
        same("XPENDING", "s", "g");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "+");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s");
        differs(KnownDifferences.Rule.STREAM_ERRORS_72,
                "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\\r\\n",
                "-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.\\r\\n",
                "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "t", ">");
        same("XREADGROUP", "GROUP", "nogroup", "c", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "nokey", ">");
        same("XREADGROUP", "GROUP", "g", "c", "FOO", "STREAMS", "s", ">");
        same("XREADGROUP", "COUNT", "1", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "COUNT", "-1", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "bad");
        same("XREADGROUP", "GROUP", "g", "c", "BLOCK", "10", "STREAMS", "s", ">");
        same("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0");
        same("XINFO", "GROUPS", "s");
        same("MULTI");
        same("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        same("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        same("EXEC");
    }

    @Test
    void lagAndEntriesRead() {
        same("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        same("XINFO", "GROUPS", "s");
        entries("s", 5);
        same("XGROUP", "CREATE", "s", "g2", "0");
        same("XGROUP", "CREATE", "s", "g3", "3-0");
        same("XINFO", "GROUPS", "s");
        same("XREADGROUP", "GROUP", "g2", "c", "COUNT", "2", "STREAMS", "s", ">");
        same("XDEL", "s", "4-0");
        same("XINFO", "GROUPS", "s");
        same("XREADGROUP", "GROUP", "g2", "c", "COUNT", "2", "STREAMS", "s", ">");
        same("XINFO", "GROUPS", "s");
        same("XDEL", "s", "1-0");
        same("XTRIM", "s", "MAXLEN", "1");
        same("XINFO", "GROUPS", "s");
        same("XREADGROUP", "GROUP", "g3", "c", "STREAMS", "s", ">");
        same("XINFO", "GROUPS", "s");
        same("XSETID", "s", "10-0", "ENTRIESADDED", "20", "MAXDELETEDID", "9-0");
        same("XINFO", "GROUPS", "s");
        same("XINFO", "STREAM", "s");
        differs(KnownDifferences.Rule.STREAM_ERRORS_72, "+OK\\r\\n",
                "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\\r\\n", "XSETID", "s", "8-0");
        same("XADD", "x", "5-0", "f", "v");
        same("XSETID", "x", "3-0");
        same("XSETID", "x", "5-0", "ENTRIESADDED", "0");
        same("XSETID", "s", "11-0", "ENTRIESADDED", "0");
        same("XSETID", "s", "11-0", "ENTRIESADDED", "-1");
        same("XSETID", "s", "11-0", "MAXDELETEDID", "12-0");
        same("XSETID", "s", "11-0", "MAXDELETEDID", "bad");
        same("XSETID", "s", "11-0", "FOO", "1");
        same("XSETID", "s", "+");
        same("XSETID", "nokey", "1-0");
        same("XSETID", "nokey", "bad");
        same("XADD", "e", "5-0", "f", "v");
        same("XDEL", "e", "5-0");
        differs(KnownDifferences.Rule.STREAM_ERRORS_72, "+OK\\r\\n",
                "-ERR The ID specified in XSETID is smaller than current max_deleted_entry_id\\r\\n", "XSETID", "e", "1-0");
        same("XSETID", "e", "5-0", "ENTRIESADDED", "0");
        same("XINFO", "STREAM", "e");
        same("XGROUP", "CREATE", "e", "g", "0");
        same("XINFO", "GROUPS", "e");
    }

    @Test
    void xreadNonBlocking() {
        entries("s", 4);
        entries("t", 2);
        same("XREAD", "STREAMS", "s", "0");
        same("XREAD", "COUNT", "2", "STREAMS", "s", "t", "0", "1");
        same("XREAD", "STREAMS", "s", "t", "$", "$");
        same("XREAD", "STREAMS", "s", "nokey", "3", "0");
        same("XREAD", "STREAMS", "s", "+");
        same("XREAD", "STREAMS", "s", ">");
        same("XREAD", "STREAMS", "s");
        differs(KnownDifferences.Rule.STREAM_ERRORS_72,
                "-ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.\\r\\n",
                "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\\r\\n",
                "XREAD", "STREAMS", "s", "t", "0");
        same("XREAD", "GROUP", "g", "c", "STREAMS", "s", "0");
        same("XREAD", "NOACK", "STREAMS", "s", "0");
        same("XREAD", "COUNT", "1", "STREAMS");
        same("XREAD", "COUNT", "1");
        same("XREAD", "BLOCK", "x", "STREAMS", "s", "0");
        same("XREAD", "BLOCK", "-5", "STREAMS", "s", "0");
        same("XREAD", "BLOCK", "10", "STREAMS", "s", "$");
        same("XREAD", "STREAMS", "s", "18446744073709551615-18446744073709551615");
        same("XREAD", "STREAMS", "s", "3-18446744073709551615");
        same("XDEL", "s", "4-0");
        same("XREAD", "STREAMS", "s", "3");
    }

    @Test
    void blockingReadsAreServedByXadd() {
        a = connectBoth();
        same("XADD", "s", "1-0", "f", "v");
        sendBoth(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "t", "$", "$");
        awaitBlocked(1);
        same("XADD", "t", "1-0", "f", "v");
        sameRead(a, "XREAD BLOCK $ served by XADD t");
        same("XGROUP", "CREATE", "s", "g", "$");
        sendBoth(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "COUNT", "5", "STREAMS", "s", ">");
        awaitBlocked(1);
        same("XADD", "s", "2-0", "f", "v2");
        sameRead(a, "XREADGROUP BLOCK served by XADD");
        same("XPENDING", "s", "g");
        sendBoth(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        awaitBlocked(1);
        same("XGROUP", "DESTROY", "s", "g");
        // 7.2 runs the command again (BLOCKING_RETRY_72): the group lookup fails as it would at once
        assertEquals("-NOGROUP the consumer group this client was blocked on no longer exists\\r\\n", a[0].read().text());
        assertEquals("-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\\r\\n",
                a[1].read().text());
        same("XGROUP", "CREATE", "s", "g", "$");
        sendBoth(a, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        awaitBlocked(1);
        same("DEL", "s");
        sameRead(a, "XREADGROUP BLOCK after DEL");
        sendBoth(a, "XREAD", "BLOCK", "0", "STREAMS", "s", "0");
        awaitBlocked(1);
        same("SET", "s", "x");
        same("DEL", "s");
        same("XADD", "s", "3-0", "f", "v");
        sameRead(a, "XREAD BLOCK after a string came and went");
        sendBoth(a, "XREAD", "BLOCK", "50", "STREAMS", "s", "$");
        sameRead(a, "XREAD BLOCK timeout");
        awaitBlocked(0);
    }

    @Test
    void keyCommandsOnStreams() {
        entries("s", 3);
        same("XGROUP", "CREATE", "s", "g", "0");
        same("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">");
        same("COPY", "s", "s2");
        same("XRANGE", "s2", "-", "+");
        same("XINFO", "GROUPS", "s2");
        same("XPENDING", "s2", "g");
        same("XADD", "s2", "9-0", "f", "v");
        same("XLEN", "s");
        same("RENAME", "s2", "s3");
        same("XINFO", "STREAM", "s3");
        same("TYPE", "s3");
        same("OBJECT", "ENCODING", "s3");
        sameUnordered("SCAN", "0", "TYPE", "stream");
        byte[] dump = vellum.call("DUMP", "s").node().scalar();
        RespReader.Raw restored = vellum.call(new byte[][] {"RESTORE".getBytes(), "r".getBytes(), "0".getBytes(), dump});
        assertEquals("+OK\\r\\n", restored.text());
        redis.call("COPY", "s", "r");
        same("XINFO", "STREAM", "r");
        same("XINFO", "GROUPS", "r");
        same("XPENDING", "r", "g");
        sameDigest("r");
    }
}
