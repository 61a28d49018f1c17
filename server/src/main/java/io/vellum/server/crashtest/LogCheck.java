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
 * Follows a store's log from this process, reading it read-only (the restarted server is
 * running) at each check and replaying the records added since the last one onto its own
 * engine: the digest of the state the whole log replays to, and which load units (by tag) it
 * holds, in order, per client. Incremental, so a check costs the records written since the
 * last, not the whole log; the records read before stay valid, since a record a restart found
 * intact is never changed. The servers run without log retention ({@code AofOptions.TEST_KEEP_LOG}):
 * two snapshots within one round used to let retention delete records not read yet. A gap in
 * the record serials fails the check.
 */
final class LogCheck implements AutoCloseable {
    // Scripts replay through the same Lua engine the server runs (the scripts workload logs EVALs).
    private final Engine engine = Engine.builder().scripting(new io.vellum.scripting.LuaScripting()).build();
    private long lastPosition = -1;
    private long lastSerial = -1;
    String digest;
    long records;
    /** Per client, the sequence numbers of its units in log order. */
    final Map<Integer, List<Long>> unitsByClient = new HashMap<>();

    /** Replays what was added to the log since the last call. */
    void update(Path storeDir) throws Exception {
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(storeDir)); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(lastPosition);
            while (sc.next()) {
                if (lastSerial >= 0 && sc.serial() != lastSerial + 1) {
                    throw new IllegalStateException("the log's record " + sc.position() + " has serial " + sc.serial()
                            + " after serial " + lastSerial + " checked last time: records in between are gone");
                }
                lastSerial = sc.serial();
                lastPosition = sc.position();
                UnitRecord r = sc.record();
                engine.applyRecord(r, false);
                records++;
                Set<String> tags = tags(r);
                if (tags.size() > 1) {
                    throw new IllegalStateException("record " + sc.position() + " holds the tags of several units: " + tags);
                }
                for (String t : tags) {
                    String[] parts = t.split(":");
                    unitsByClient.computeIfAbsent(Integer.parseInt(parts[1]), k -> new ArrayList<>()).add(Long.parseLong(parts[2]));
                }
            }
            digest = RedisDigest.hex(RedisDigest.dataset(engine.keyspace()));
        } finally {
            BackgroundResourceReleaser.releasePendingResources();
        }
    }

    @Override
    public void close() {
        engine.close();
    }
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("t:\\d+:\\d+");

    /** The load tags ({@code t:<client>:<seq>}) among a record's arguments. */
    private static Set<String> tags(UnitRecord r) {
        Set<String> out = new LinkedHashSet<>();
        for (byte[][] argv : r.commands()) {
            for (byte[] a : argv) {
                if (a.length > 4 && a[0] == 't' && a[1] == ':') {
                    String s = new String(a, StandardCharsets.ISO_8859_1);
                    if (TAG.matcher(s).matches()) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }
}
