package io.vellum.sim;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plain Java-collections model of strings, lists, hashes, sets and sorted sets with expiry,
 * for the commands {@link ModelAgreementPropertyTest} sends (RESP2 replies). {@link #check}
 * applies a command to the model and says whether the store's reply agrees: exactly, as a
 * multiset (SMEMBERS, HGETALL: their order is the store's own), or, for a random pick, as one
 * of the allowed answers (the model then follows the store's pick).
 */
final class Model {
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    private static final Reply OK = new Reply.Simple("OK");
    private static final Reply NIL = new Reply.Null(false);

    private final Map<String, Object> data = new HashMap<>();
    private final Map<String, Long> expires = new HashMap<>();
    long nowMs = SimStore.START_MICROS / 1000;

    /** A sorted set: member to score. */
    static final class ZSet extends HashMap<String, Double> {
        List<String> ordered() {
            List<String> out = new ArrayList<>(keySet());
            out.sort(Comparator.<String>comparingDouble(this::get).thenComparing(Comparator.naturalOrder()));
            return out;
        }
    }

    /** Thrown by a handler for a wrong type: the reply must be WRONGTYPE and nothing changes. */
    private static final class WrongType extends RuntimeException {
        WrongType() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ keyspace

    private Object lookup(String k) {
        Long when = expires.get(k);
        if (when != null && nowMs > when) {
            data.remove(k);
            expires.remove(k);
        }
        return data.get(k);
    }

    @SuppressWarnings("unchecked")
    private <T> T typed(String k, Class<T> type) {
        Object v = lookup(k);
        if (v != null && !type.isInstance(v)) {
            throw new WrongType();
        }
        return (T) v;
    }

    private <T> T create(String k, Class<T> type, java.util.function.Supplier<T> make) {
        T v = typed(k, type);
        if (v == null) {
            v = make.get();
            data.put(k, v);
        }
        return v;
    }

    private void deleteIfEmpty(String k, java.util.Collection<?> c) {
        if (c.isEmpty()) {
            data.remove(k);
            expires.remove(k);
        }
    }

    private void deleteIfEmpty(String k, Map<?, ?> m) {
        if (m.isEmpty()) {
            data.remove(k);
            expires.remove(k);
        }
    }

    private boolean delete(String k) {
        boolean had = lookup(k) != null;
        data.remove(k);
        expires.remove(k);
        return had;
    }

    // ------------------------------------------------------------------ replies

    static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Reply num(long n) {
        return new Reply.Int(n);
    }

    static Reply array(List<String> items) {
        List<Reply> out = new ArrayList<>();
        for (String s : items) {
            out.add(bulk(s));
        }
        return new Reply.Array(out);
    }

    static String score(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static boolean isInteger(String s) {
        return s.matches("-?[1-9][0-9]{0,17}|0");
    }

    // ------------------------------------------------------------------ the check

    /** Applies {@code args} to the model; null when {@code got} is the right reply, else what was expected. */
    String check(List<String> args, Reply reply) {
        Reply got = resp2(reply);
        Object expected;
        try {
            expected = apply(args, got);
        } catch (WrongType e) {
            expected = new Reply.Error(WRONGTYPE);
        }
        if (expected instanceof Reply r) {
            return r.equals(got) ? null : Probe.render(r);
        }
        if (expected instanceof Unordered u) {
            if (got instanceof Reply.Array a && sameMultiset(u.items(), a.items())) {
                return null;
            }
            return "in any order " + Probe.render(new Reply.Array(u.items()));
        }
        return (String) expected; // a random pick's verdict
    }

    record Unordered(List<Reply> items) {
    }

    /** The reply as a RESP2 client reads it (the reply model keeps RESP3's map and set shapes). */
    static Reply resp2(Reply r) {
        if (r instanceof Reply.Map m) {
            return new Reply.Array(m.items().stream().map(Model::resp2).toList());
        }
        if (r instanceof Reply.Set s) {
            return new Reply.Array(s.items().stream().map(Model::resp2).toList());
        }
        if (r instanceof Reply.Array a) {
            return new Reply.Array(a.items().stream().map(Model::resp2).toList());
        }
        if (r instanceof Reply.Double d) {
            return bulk(score(d.value()));
        }
        return r;
    }

    private static boolean sameMultiset(List<Reply> a, List<Reply> b) {
        if (a.size() != b.size()) {
            return false;
        }
        List<Reply> rest = new ArrayList<>(b);
        for (Reply r : a) {
            if (!rest.remove(r)) {
                return false;
            }
        }
        return true;
    }

    private static Unordered pairsUnordered(Map<String, String> m) {
        // HGETALL: field, value pairs in any order; compared as "field\0value" items
        List<Reply> items = new ArrayList<>();
        for (Map.Entry<String, String> e : m.entrySet()) {
            items.add(bulk(e.getKey()));
            items.add(bulk(e.getValue()));
        }
        return new Unordered(items);
    }

    /** The expected reply (a Reply, an Unordered, or a random pick's verdict: null or a message). */
    private Object apply(List<String> a, Reply got) {
        String cmd = a.get(0);
        String k = a.size() > 1 ? a.get(1) : null;
        switch (cmd) {
            // strings
            case "SET": {
                data.put(k, a.get(2));
                expires.remove(k);
                if (a.size() == 5) {
                    expires.put(k, nowMs + Long.parseLong(a.get(4)));
                }
                return OK;
            }
            case "GET": {
                String v = typed(k, String.class);
                return v == null ? NIL : bulk(v);
            }
            case "GETDEL": {
                String v = typed(k, String.class);
                if (v != null) {
                    delete(k);
                }
                return v == null ? NIL : bulk(v);
            }
            case "APPEND": {
                String v = typed(k, String.class);
                String nv = (v == null ? "" : v) + a.get(2);
                data.put(k, nv);
                return num(nv.length());
            }
            case "STRLEN": {
                String v = typed(k, String.class);
                return num(v == null ? 0 : v.length());
            }
            case "INCRBY": {
                String v = typed(k, String.class);
                if (v != null && !isInteger(v)) {
                    return new Reply.Error("ERR value is not an integer or out of range");
                }
                long n = (v == null ? 0 : Long.parseLong(v)) + Long.parseLong(a.get(2));
                data.put(k, Long.toString(n));
                return num(n);
            }
            // keys
            case "DEL": {
                long n = 0;
                for (String key : a.subList(1, a.size())) {
                    n += delete(key) ? 1 : 0;
                }
                return num(n);
            }
            case "EXISTS":
                return num(lookup(k) != null ? 1 : 0);
            case "TYPE": {
                Object v = lookup(k);
                String t = v == null ? "none" : v instanceof String ? "string" : v instanceof List ? "list"
                        : v instanceof ZSet ? "zset" : v instanceof Map ? "hash" : "set";
                return new Reply.Simple(t);
            }
            case "PEXPIRE": {
                if (lookup(k) == null) {
                    return num(0);
                }
                expires.put(k, nowMs + Long.parseLong(a.get(2)));
                return num(1);
            }
            case "PTTL": {
                if (lookup(k) == null) {
                    return num(-2);
                }
                Long when = expires.get(k);
                return num(when == null ? -1 : when - nowMs);
            }
            case "PERSIST": {
                if (lookup(k) == null) {
                    return num(0);
                }
                return num(expires.remove(k) != null ? 1 : 0);
            }
            // lists
            case "LPUSH":
            case "RPUSH": {
                @SuppressWarnings("unchecked")
                List<String> l = create(k, List.class, ArrayList::new);
                for (String v : a.subList(2, a.size())) {
                    if (cmd.equals("LPUSH")) {
                        l.add(0, v);
                    } else {
                        l.add(v);
                    }
                }
                return num(l.size());
            }
            case "LPOP":
            case "RPOP": {
                @SuppressWarnings("unchecked")
                List<String> l = typed(k, List.class);
                if (l == null) {
                    return NIL;
                }
                String v = cmd.equals("LPOP") ? l.remove(0) : l.remove(l.size() - 1);
                deleteIfEmpty(k, l);
                return bulk(v);
            }
            case "LLEN": {
                List<?> l = typed(k, List.class);
                return num(l == null ? 0 : l.size());
            }
            case "LRANGE": {
                @SuppressWarnings("unchecked")
                List<String> l = typed(k, List.class);
                if (l == null) {
                    return array(List.of());
                }
                int len = l.size();
                long start = Long.parseLong(a.get(2));
                long end = Long.parseLong(a.get(3));
                if (start < 0) {
                    start += len;
                }
                if (end < 0) {
                    end += len;
                }
                if (start < 0) {
                    start = 0;
                }
                if (start > end || start >= len) {
                    return array(List.of());
                }
                if (end >= len) {
                    end = len - 1;
                }
                return array(l.subList((int) start, (int) end + 1));
            }
            case "LINDEX": {
                @SuppressWarnings("unchecked")
                List<String> l = typed(k, List.class);
                if (l == null) {
                    return NIL;
                }
                long i = Long.parseLong(a.get(2));
                if (i < 0) {
                    i += l.size();
                }
                return i < 0 || i >= l.size() ? NIL : bulk(l.get((int) i));
            }
            case "LREM": {
                @SuppressWarnings("unchecked")
                List<String> l = typed(k, List.class);
                if (l == null) {
                    return num(0);
                }
                long count = Long.parseLong(a.get(2));
                String v = a.get(3);
                long removed = 0;
                if (count >= 0) {
                    for (int i = 0; i < l.size() && (count == 0 || removed < count); ) {
                        if (l.get(i).equals(v)) {
                            l.remove(i);
                            removed++;
                        } else {
                            i++;
                        }
                    }
                } else {
                    for (int i = l.size() - 1; i >= 0 && removed < -count; i--) {
                        if (l.get(i).equals(v)) {
                            l.remove(i);
                            removed++;
                        }
                    }
                }
                deleteIfEmpty(k, l);
                return num(removed);
            }
            // hashes
            case "HSET": {
                @SuppressWarnings("unchecked")
                Map<String, String> h = typed(k, LinkedHashMap.class);
                if (h == null) {
                    h = new LinkedHashMap<>();
                    data.put(k, h);
                }
                long added = 0;
                for (int i = 2; i + 1 < a.size(); i += 2) {
                    added += h.put(a.get(i), a.get(i + 1)) == null ? 1 : 0;
                }
                return num(added);
            }
            case "HGET": {
                Map<?, ?> h = typed(k, LinkedHashMap.class);
                Object v = h == null ? null : h.get(a.get(2));
                return v == null ? NIL : bulk((String) v);
            }
            case "HDEL": {
                Map<?, ?> h = typed(k, LinkedHashMap.class);
                if (h == null) {
                    return num(0);
                }
                long n = 0;
                for (String f : a.subList(2, a.size())) {
                    n += h.remove(f) != null ? 1 : 0;
                }
                deleteIfEmpty(k, h);
                return num(n);
            }
            case "HLEN": {
                Map<?, ?> h = typed(k, LinkedHashMap.class);
                return num(h == null ? 0 : h.size());
            }
            case "HEXISTS": {
                Map<?, ?> h = typed(k, LinkedHashMap.class);
                return num(h != null && h.containsKey(a.get(2)) ? 1 : 0);
            }
            case "HINCRBY": {
                @SuppressWarnings("unchecked")
                Map<String, String> h = typed(k, LinkedHashMap.class);
                String v = h == null ? null : h.get(a.get(2));
                if (v != null && !isInteger(v)) {
                    return new Reply.Error("ERR hash value is not an integer");
                }
                if (h == null) {
                    h = new LinkedHashMap<>();
                    data.put(k, h);
                }
                long n = (v == null ? 0 : Long.parseLong(v)) + Long.parseLong(a.get(3));
                h.put(a.get(2), Long.toString(n));
                return num(n);
            }
            case "HGETALL": {
                @SuppressWarnings("unchecked")
                Map<String, String> h = typed(k, LinkedHashMap.class);
                return pairsUnordered(h == null ? Map.of() : h);
            }
            // sets
            case "SADD": {
                @SuppressWarnings("unchecked")
                Set<String> s = create(k, LinkedHashSet.class, LinkedHashSet::new);
                long n = 0;
                for (String m : a.subList(2, a.size())) {
                    n += s.add(m) ? 1 : 0;
                }
                return num(n);
            }
            case "SREM": {
                Set<?> s = typed(k, LinkedHashSet.class);
                if (s == null) {
                    return num(0);
                }
                long n = 0;
                for (String m : a.subList(2, a.size())) {
                    n += s.remove(m) ? 1 : 0;
                }
                deleteIfEmpty(k, s);
                return num(n);
            }
            case "SCARD": {
                Set<?> s = typed(k, LinkedHashSet.class);
                return num(s == null ? 0 : s.size());
            }
            case "SISMEMBER": {
                Set<?> s = typed(k, LinkedHashSet.class);
                return num(s != null && s.contains(a.get(2)) ? 1 : 0);
            }
            case "SMEMBERS": {
                @SuppressWarnings("unchecked")
                Set<String> s = typed(k, LinkedHashSet.class);
                return unordered(s == null ? List.of() : new ArrayList<>(s));
            }
            case "SPOP":
            case "SRANDMEMBER": {
                @SuppressWarnings("unchecked")
                Set<String> s = typed(k, LinkedHashSet.class);
                if (s == null) {
                    return NIL.equals(got) ? null : "nil";
                }
                if (!(got instanceof Reply.Bulk b) || !s.contains(new String(b.value(), StandardCharsets.ISO_8859_1))) {
                    return "a member of " + s;
                }
                if (cmd.equals("SPOP")) {
                    s.remove(new String(b.value(), StandardCharsets.ISO_8859_1));
                    deleteIfEmpty(k, s);
                }
                return null;
            }
            case "SINTER":
            case "SUNION": {
                // every key's type is checked first (Redis 7): a missing key makes SINTER empty after that
                List<Set<String>> sets = new ArrayList<>();
                boolean missing = false;
                for (String key : a.subList(1, a.size())) {
                    @SuppressWarnings("unchecked")
                    Set<String> s = typed(key, LinkedHashSet.class);
                    missing |= s == null;
                    if (s != null) {
                        sets.add(s);
                    }
                }
                if (missing && cmd.equals("SINTER")) {
                    return unordered(List.of());
                }
                Set<String> out = new LinkedHashSet<>();
                for (int i = 0; i < sets.size(); i++) {
                    if (cmd.equals("SUNION")) {
                        out.addAll(sets.get(i));
                    } else if (i == 0) {
                        out.addAll(sets.get(0));
                    } else {
                        out.retainAll(sets.get(i));
                    }
                }
                return unordered(new ArrayList<>(out));
            }
            // sorted sets
            case "ZADD": {
                ZSet z = create(k, ZSet.class, ZSet::new);
                long added = 0;
                for (int i = 2; i + 1 < a.size(); i += 2) {
                    added += z.put(a.get(i + 1), Double.parseDouble(a.get(i))) == null ? 1 : 0;
                }
                return num(added);
            }
            case "ZINCRBY": {
                ZSet z = create(k, ZSet.class, ZSet::new);
                double d = z.merge(a.get(3), Double.parseDouble(a.get(2)), Double::sum);
                return bulk(score(d));
            }
            case "ZREM": {
                ZSet z = typed(k, ZSet.class);
                if (z == null) {
                    return num(0);
                }
                long n = 0;
                for (String m : a.subList(2, a.size())) {
                    n += z.remove(m) != null ? 1 : 0;
                }
                deleteIfEmpty(k, z);
                return num(n);
            }
            case "ZSCORE": {
                ZSet z = typed(k, ZSet.class);
                Double d = z == null ? null : z.get(a.get(2));
                return d == null ? NIL : bulk(score(d));
            }
            case "ZCARD": {
                ZSet z = typed(k, ZSet.class);
                return num(z == null ? 0 : z.size());
            }
            case "ZRANK": {
                ZSet z = typed(k, ZSet.class);
                int i = z == null ? -1 : z.ordered().indexOf(a.get(2));
                return i < 0 ? NIL : num(i);
            }
            case "ZRANGE": {
                ZSet z = typed(k, ZSet.class);
                List<String> out = new ArrayList<>();
                if (z != null) {
                    for (String m : z.ordered()) {
                        out.add(m);
                        out.add(score(z.get(m)));
                    }
                }
                return array(out);
            }
            case "ZPOPMIN": {
                ZSet z = typed(k, ZSet.class);
                if (z == null) {
                    return array(List.of());
                }
                String m = z.ordered().get(0);
                double d = z.remove(m);
                deleteIfEmpty(k, z);
                return array(List.of(m, score(d)));
            }
            case "ZRANDMEMBER": {
                ZSet z = typed(k, ZSet.class);
                if (z == null) {
                    return NIL.equals(got) ? null : "nil";
                }
                return got instanceof Reply.Bulk b && z.containsKey(new String(b.value(), StandardCharsets.ISO_8859_1))
                        ? null : "a member of " + z.keySet();
            }
            default:
                throw new IllegalArgumentException("the model does not know " + cmd);
        }
    }

    private static Unordered unordered(List<String> items) {
        List<Reply> out = new ArrayList<>();
        for (String s : items) {
            out.add(bulk(s));
        }
        return new Unordered(out);
    }
}
