package io.vellum.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.aof.FsyncPolicy;
import io.vellum.core.reply.Reply;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The façade's log wiring: durable by default, typed policy, close syncs, one writer per directory. */
class EmbeddedLogTest {
    @TempDir
    Path dir;

    static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStoreOpenedOnADirectoryIsDurableWithEverysecByDefault() {
        try (Vellum v = Vellum.open(dir)) {
            assertEquals("everysec", v.config().appendfsync.get());
            assertEquals("everysec", v.log().info().get("aof_fsync_policy"));
            v.execute("SET", "k", "v");
            v.execute("MULTI");
            v.execute("SET", "a", "1");
            v.execute("EXEC");
        }
        try (Vellum v = Vellum.open(dir)) {
            assertEquals(bulk("v"), v.execute("GET", "k"));
            assertEquals(bulk("1"), v.execute("GET", "a"));
        }
    }

    @Test
    void infoPersistenceShowsTheLogsFields() {
        try (Vellum v = Vellum.builder().dir(dir).fsync(FsyncPolicy.ALWAYS).open()) {
            v.execute("SET", "k", "v");
            String info = new String(((Reply.Verbatim) v.execute("INFO", "persistence")).value(), StandardCharsets.UTF_8);
            assertTrue(info.contains("\r\naof_enabled:1\r\n"), info);
            assertTrue(info.contains("\r\naof_fsync_policy:always\r\n"), info);
            assertTrue(info.contains("\r\naof_last_write_status:ok\r\n"), info);
            assertTrue(info.contains("\r\naof_last_position:"), info);
            assertTrue(!info.contains("\r\naof_current_size:0\r\n"), info);
        }
    }

    @Test
    void theBuilderSetsThePolicyAndConfigSetChangesIt() {
        try (Vellum v = Vellum.builder().dir(dir).fsync(FsyncPolicy.ALWAYS).open()) {
            assertEquals("always", v.log().info().get("aof_fsync_policy"));
            v.config().appendfsync.set("no");
            assertEquals(FsyncPolicy.NO, v.log().policy());
        }
    }

    @Test
    void anInMemoryStoreAndAppendonlyNoKeepNoLog() {
        try (Vellum v = Vellum.inMemory()) {
            assertNull(v.log());
        }
        try (Vellum v = Vellum.builder().dir(dir).appendOnly(false).open()) {
            assertNull(v.log());
            v.execute("SET", "k", "v");
            v.config().appendonly.set(true);
            Reply r = v.execute("SET", "k", "w");
            assertTrue(r instanceof Reply.Error e && e.text().startsWith("MISCONF"), r.toString());
            assertEquals(bulk("v"), v.execute("GET", "k"));
        }
        assertTrue(!Files.exists(dir.resolve("aof")));
    }

    @Test
    void bgrewriteaofTakesASnapshot() throws Exception {
        try (Vellum v = Vellum.open(dir)) {
            v.execute("SET", "k", "v");
            assertEquals(new Reply.Simple("Background append only file rewriting started"), v.execute("BGREWRITEAOF"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean written = false;
            while (!written && System.nanoTime() < deadline) {
                if (Files.isDirectory(dir.resolve("snapshots"))) {
                    try (var s = Files.list(dir.resolve("snapshots"))) {
                        written = s.anyMatch(f -> f.getFileName().toString().endsWith(".vsnap"));
                    }
                }
                Thread.sleep(20);
            }
            assertTrue(written, "no snapshot file in " + dir);
        }
    }

    @Test
    void aSecondProcessOpeningTheDirectoryGetsAClearError() throws Exception {
        try (Vellum v = Vellum.open(dir)) {
            v.execute("SET", "k", "v");
            Path out = dir.resolveSibling(dir.getFileName() + "-second.log");
            Process p = LauncherProcess.start(out.toFile(), "server", "--port", "0", "--dir", dir.toString());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the second server should give up");
            String text = Files.readString(out);
            assertEquals(1, p.exitValue(), text);
            assertTrue(text.contains("is in use by another process (pid " + ProcessHandle.current().pid() + ")"), text);
            Files.delete(out);
            assertEquals(bulk("v"), v.execute("GET", "k"));
        }
        UncheckedIOException e;
        try (Vellum v = Vellum.open(dir)) {
            e = assertThrows(UncheckedIOException.class, () -> Vellum.open(dir));
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
            assertEquals(bulk("v"), v.execute("GET", "k"));
        }
    }

    @Test
    void damageStopsTheLauncherNamingTheRepairCommand() throws Exception {
        // No save points: closing must not write a snapshot covering the record damaged below.
        try (Vellum v = Vellum.builder().dir(dir).configure(c -> c.save.set(java.util.List.of())).open()) {
            for (int i = 0; i < 5; i++) {
                v.execute("SET", "k" + i, "value-" + i);
            }
        }
        // Flip a byte of the second record's payload: damage in the middle of the log.
        Path file;
        try (var s = Files.list(dir.resolve("aof"))) {
            file = s.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            byte[] head = new byte[1 << 20];
            f.readFully(head);
            int at = new String(head, StandardCharsets.ISO_8859_1).indexOf("value-1");
            assertTrue(at > 0);
            f.seek(at);
            f.write(head[at] ^ 0x20);
        }
        Path out = dir.resolveSibling(dir.getFileName() + "-damaged.log");
        Process p = LauncherProcess.start(out.toFile(), "server", "--port", "0", "--dir", dir.toString());
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher started on a damaged log");
        } finally {
            p.destroyForcibly(); // never leave a server behind a failed assertion
        }
        String log = Files.readString(out);
        assertEquals(1, p.exitValue(), log);
        assertTrue(log.contains("vellum check-aof " + dir + " --fix"), log);

        Process fix = LauncherProcess.start(out.toFile(), "check-aof", dir.toString(), "--fix");
        assertTrue(fix.waitFor(60, TimeUnit.SECONDS));
        log = Files.readString(out);
        assertEquals(0, fix.exitValue(), log);
        assertTrue(log.contains("The store can start."), log);
        Files.delete(out);
        try (Vellum v = Vellum.open(dir)) {
            assertEquals(bulk("value-0"), v.execute("GET", "k0"));
            assertTrue(v.execute("GET", "k1") instanceof Reply.Null);
        }
    }
}
