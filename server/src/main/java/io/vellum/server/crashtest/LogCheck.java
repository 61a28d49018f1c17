package io.vellum.server.crashtest;

import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Reads a store's log (read-only: the restarted server may be running) and replays it in this
 * process: the digest of the state it replays to, and which load units (by tag) it holds, in
 * order, per client.
 */
final class LogCheck {
    final String digest;
    final long records;
    /** Per client, the sequence numbers of its units in log order. */
    final Map<Integer, List<Long>> unitsByClient = new HashMap<>();

    private LogCheck(String digest, long records) {
        this.digest = digest;
        this.records = records;
    }

    static LogCheck read(Path storeDir) throws Exception {
        // Scripts replay through the same Lua engine the server runs (the scripts workload logs EVALs).
        Engine engine = Engine.builder().scripting(new io.vellum.scripting.LuaScripting()).build();
        long records = 0;
        Map<Integer, List<Long>> units = new HashMap<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(storeDir)); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            while (sc.next()) {
                UnitRecord r = sc.record();
                engine.applyRecord(r, false);
                records++;
                Set<String> tags = tags(r);
                if (tags.size() > 1) {
                    throw new IllegalStateException("record " + sc.position() + " holds the tags of several units: " + tags);
                }
                for (String t : tags) {
                    String[] parts = t.split(":");
                    units.computeIfAbsent(Integer.parseInt(parts[1]), k -> new ArrayList<>()).add(Long.parseLong(parts[2]));
                }
            }
            LogCheck out = new LogCheck(RedisDigest.hex(RedisDigest.dataset(engine.keyspace())), records);
            out.unitsByClient.putAll(units);
            return out;
        } finally {
            engine.close();
            BackgroundResourceReleaser.releasePendingResources();
        }
    }

    /** The load tags ({@code t:<client>:<seq>}) among a record's arguments. */
    private static Set<String> tags(UnitRecord r) {
        Set<String> out = new LinkedHashSet<>();
        for (byte[][] argv : r.commands()) {
            for (byte[] a : argv) {
                if (a.length > 4 && a[0] == 't' && a[1] == ':') {
                    String s = new String(a, StandardCharsets.ISO_8859_1);
                    if (s.matches("t:\\d+:\\d+")) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }
}
