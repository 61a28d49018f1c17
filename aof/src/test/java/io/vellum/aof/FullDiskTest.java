package io.vellum.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.reply.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: the log lives on a 2 MiB tmpfs the test mounts, next to files that
 * fill it. Writes are refused with MISCONF naming the cause, reads keep working, INFO says
 * err, nothing acknowledged is lost, memory never keeps an effect the log lacks, and writes
 * resume once space is back. Needs root (to mount); it fails, never skips, without it.
 */
class FullDiskTest {
    @TempDir
    Path tmp;
    Path mnt;
    boolean mounted;

    @BeforeEach
    void mountSmallFilesystem() throws Exception {
        String uid = run("id", "-u").trim();
        if (!uid.equals("0")) {
            fail("FullDiskTest mounts a 2 MiB tmpfs and needs root (uid is " + uid + "); CI runs it as root."
                    + " Run the tests as root, in a container that allows mount.");
        }
        mnt = tmp.resolve("mnt");
        Files.createDirectories(mnt);
        String out = run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt.toString());
        if (!run("mount").contains(mnt.toString())) {
            fail("cannot mount a tmpfs on " + mnt + " (is mount allowed here?): " + out);
        }
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (!mounted) {
            return;
        }
        List<String> open = Leaks.openFilesUnder(mnt);
        String out = run("umount", mnt.toString());
        if (run("mount").contains(mnt.toString())) {
            run("umount", "-l", mnt.toString()); // detach it anyway, so nothing stays mounted
            fail("could not unmount " + mnt + ": " + out + "; open: " + open);
        }
        assertEquals(List.of(), open, "files left open on the small filesystem");
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish");
        }
        return out;
    }

    static void fill(Path file, int bytes) throws IOException {
        Files.write(file, new byte[bytes]);
    }

    static boolean isMisconf(Reply r) {
        return r instanceof Reply.Error e && e.text().startsWith("MISCONF");
    }

    static Reply.Bulk bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until a write is accepted again (the engine retries every second). */
    static void awaitWritesResume(EngineClient c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Reply r = c.call("SET", "probe", "x");
            if (r instanceof Reply.Simple) {
                return;
            }
            assertTrue(isMisconf(r), r.toString());
            Thread.sleep(200);
        }
        fail("writes did not resume within 20 s after space came back");
    }

    @Test
    void aFullDiskRefusesWritesKeepsReadsLosesNothingAndRecovers() throws Exception {
        Path store = mnt.resolve("store");
        fill(mnt.resolve("filler-1"), 512 * 1024);
        fill(mnt.resolve("filler-2"), 512 * 1024);
        List<String> acked = new ArrayList<>();
        String digest;
        Engine engine = Engine.builder().seed(1).build();
        AppendOnlyLog log = AppendOnlyLog.open(engine, AofOptions.of(store).fsync(FsyncPolicy.ALWAYS).reserveBytes(128 * 1024));
        engine.start();
        try (EngineClient c = new EngineClient(engine)) {
            for (int i = 0; i < 10; i++) {
                assertEquals("OK", ((Reply.Simple) c.call("SET", "small-" + i, "v" + i)).text());
                acked.add("small-" + i);
            }

            // A record larger than the space left: the unit ran, its record cannot be written.
            Reply big = c.call("SET", "big", "x".repeat(1024 * 1024));
            assertTrue(isMisconf(big), "refused: " + (big instanceof Reply.Error e ? e.text() : big.getClass().getName()));
            assertTrue(((Reply.Error) big).text().contains("No space left on device"), ((Reply.Error) big).text());
            assertTrue(c.call("GET", "big") instanceof Reply.Null, "memory keeps no effect the log lacks");
            assertEquals(bulk("v3"), c.call("GET", "small-3"), "reads keep working");
            Reply refused = c.call("SET", "other", "1");
            assertTrue(isMisconf(refused), refused.toString());
            assertEquals("err", log.info().get("aof_last_write_status"));

            assertEquals(1, log.rebuilds());
            Files.delete(mnt.resolve("filler-1"));
            awaitWritesResume(c);
            assertEquals("ok", log.info().get("aof_last_write_status"));
            acked.add("probe");

            // Fill the disk with small writes: the log refuses them before any is half-written.
            boolean refusedOnce = false;
            for (int i = 0; i < 5000 && !refusedOnce; i++) {
                Reply r = c.call("SET", "fill-" + i, "y".repeat(4096));
                if (r instanceof Reply.Simple) {
                    acked.add("fill-" + i);
                } else {
                    assertTrue(isMisconf(r), r.toString());
                    assertTrue(((Reply.Error) r).text().contains("No space left on device"), r.toString());
                    refusedOnce = true;
                }
            }
            assertTrue(refusedOnce, "the disk never filled up");
            assertEquals(1, log.rebuilds(), "small writes are refused before one of them fails to be written");
            assertEquals(bulk("v0"), c.call("GET", "small-0"));
            assertEquals("err", log.info().get("aof_last_write_status"));

            Files.delete(mnt.resolve("filler-2"));
            awaitWritesResume(c);
            for (String k : acked) {
                assertTrue(c.call("GET", k) instanceof Reply.Bulk, k + " was acknowledged");
            }
            digest = engine.call(() -> RedisDigest.hex(RedisDigest.dataset(engine.keyspace()))).get();
        } finally {
            engine.close();
        }

        Engine reopened = Engine.builder().seed(2).build();
        AppendOnlyLog.open(reopened, AofOptions.of(store).reserveBytes(128 * 1024));
        try {
            for (String k : acked) {
                assertTrue(reopened.keyspace().db(0).peek(k.getBytes(StandardCharsets.UTF_8)) != null, k + " survives a reopen");
            }
            assertEquals(null, reopened.keyspace().db(0).peek("big".getBytes(StandardCharsets.UTF_8)));
            assertEquals(digest, RedisDigest.hex(RedisDigest.dataset(reopened.keyspace())));
        } finally {
            reopened.close();
        }
    }
}
