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

    /** Reads a client's keys from the server. */
    static ClientState read(RespClient c, String prefix) throws IOException {
        ClientState s = new ClientState();
        for (int k = 0; k < KEYS; k++) {
            Object v = c.call("GET", prefix + "k" + k);
            if (v != null) {
                s.strings.put(prefix + "k" + k, (String) v);
            }
        }
        for (Object o : (List<?>) c.call("LRANGE", prefix + "log", "0", "-1")) {
            s.log.add((String) o);
        }
        Object n = c.call("GET", prefix + "n");
        s.counter = n == null ? 0 : Long.parseLong((String) n);
        List<?> h = (List<?>) c.call("HGETALL", prefix + "h");
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
