package io.vellum.server.crashtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one load client's keys hold (in its own database): {@value #KEYS} strings, a list of
 * the tags of its units, a counter and a hash. Each client only touches its own keys, so its
 * acknowledged units alone say what they must hold after a crash.
 */
final class ClientState {
    static final int KEYS = 20;

    final Map<String, String> strings = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();
    long counter;
    final Map<String, String> hash = new LinkedHashMap<>();

    ClientState copy() {
        ClientState c = new ClientState();
        c.strings.putAll(strings);
        c.log.addAll(log);
        c.counter = counter;
        c.hash.putAll(hash);
        return c;
    }

    /**
     * The reads of a client's keys (in its database, selected before): one MGET of its strings
     * and its counter, its list and its hash; {@link #fromReplies} makes the state of their replies.
     */
    static List<String[]> readCommands(String prefix) {
        String[] mget = new String[KEYS + 2];
        mget[0] = "MGET";
        for (int k = 0; k < KEYS; k++) {
            mget[k + 1] = prefix + "k" + k;
        }
        mget[KEYS + 1] = prefix + "n";
        return List.of(mget, new String[] {"LRANGE", prefix + "log", "0", "-1"}, new String[] {"HGETALL", prefix + "h"});
    }

    /** The state the replies to {@link #readCommands} show (errors fail: the keys hold nothing else). */
    static ClientState fromReplies(String prefix, List<Object> replies) throws IOException {
        for (Object r : replies) {
            if (r instanceof RespClient.Err e) {
                throw new IOException("reading the keys of " + prefix + ": -" + e.text());
            }
        }
        ClientState s = new ClientState();
        List<?> values = (List<?>) replies.get(0);
        for (int k = 0; k < KEYS; k++) {
            Object v = values.get(k);
            if (v != null) {
                s.strings.put(prefix + "k" + k, (String) v);
            }
        }
        Object n = values.get(KEYS);
        s.counter = n == null ? 0 : Long.parseLong((String) n);
        for (Object o : (List<?>) replies.get(1)) {
            s.log.add((String) o);
        }
        List<?> h = (List<?>) replies.get(2);
        for (int i = 0; i + 1 < h.size(); i += 2) {
            s.hash.put((String) h.get(i), (String) h.get(i + 1));
        }
        return s;
    }

    /** How many items (keys, list entries, counter, hash fields) differ from {@code o}. */
    int differences(ClientState o) {
        int d = 0;
        java.util.Set<String> keys = new java.util.HashSet<>(strings.keySet());
        keys.addAll(o.strings.keySet());
        for (String k : keys) {
            d += Objects.equals(strings.get(k), o.strings.get(k)) ? 0 : 1;
        }
        int common = 0;
        while (common < log.size() && common < o.log.size() && log.get(common).equals(o.log.get(common))) {
            common++;
        }
        d += Math.max(log.size(), o.log.size()) - common;
        d += counter == o.counter ? 0 : 1;
        java.util.Set<String> fields = new java.util.HashSet<>(hash.keySet());
        fields.addAll(o.hash.keySet());
        for (String f : fields) {
            d += Objects.equals(hash.get(f), o.hash.get(f)) ? 0 : 1;
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientState s && strings.equals(s.strings) && log.equals(s.log) && counter == s.counter
                && hash.equals(s.hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(strings, log, counter, hash);
    }

    @Override
    public String toString() {
        return "strings " + strings + ", log " + log + ", counter " + counter + ", hash " + hash;
    }
}
