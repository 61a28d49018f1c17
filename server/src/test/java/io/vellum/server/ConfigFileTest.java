package io.vellum.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.config.StoreConfig;
import io.vellum.server.cli.ServerCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's configuration: redis.conf syntax, {@code --name value} arguments applied
 * after the file (as redis-server does), and a clear startup error for what Vellum does not
 * have or cannot parse.
 */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("vellum.conf");
        Files.writeString(f, text);
        return f;
    }

    private static StoreConfig apply(List<ConfigFile.Line> lines) throws ConfigFile.ConfigFileException {
        StoreConfig c = new StoreConfig();
        ConfigFile.apply(lines, c);
        return c;
    }

    @Test
    void redisConfSyntax() throws Exception {
        Path f = file("""
                # a comment
                   # an indented comment

                port 7001
                HZ 20
                requirepass "two words"
                bind 127.0.0.1 ::1
                appendfsync 'always'
                proto-max-bulk-len 2mb
                hash-max-ziplist-entries 64
                loglevel WARNING
                """);
        StoreConfig c = apply(ConfigFile.read(f));
        assertEquals(7001L, c.port.get());
        assertEquals(20L, c.hz.get());
        assertEquals("two words", c.requirepass.get());
        assertEquals("127.0.0.1 ::1", c.bind.get());
        assertEquals("always", c.appendfsync.get());
        assertEquals(2L * 1024 * 1024, c.protoMaxBulkLen.get());
        assertEquals(64L, c.hashMaxListpackEntries.get());
        assertEquals("warning", c.loglevel.get());
    }

    @Test
    void commandLineArgumentsComeAfterTheFile() throws Exception {
        Path f = file("port 7001\nhz 20\n");
        List<ConfigFile.Line> lines = new ArrayList<>(ConfigFile.read(f));
        lines.addAll(ConfigFile.fromArguments(List.of("--port", "7002", "--appendfsync", "no", "--requirepass", "")));
        StoreConfig c = apply(lines);
        assertEquals(7002L, c.port.get());
        assertEquals(20L, c.hz.get());
        assertEquals("no", c.appendfsync.get());
        assertEquals("", c.requirepass.get());
    }

    @Test
    void unknownDirectiveIsAStartupErrorNamingTheLine() throws Exception {
        Path f = file("port 7001\nmaxmemory-policy allkeys-lru\n");
        ConfigFile.ConfigFileException e = assertThrows(ConfigFile.ConfigFileException.class, () -> apply(ConfigFile.read(f)));
        assertTrue(e.getMessage().contains("*** FATAL CONFIG FILE ERROR"), e.getMessage());
        assertTrue(e.getMessage().contains("at line 2"), e.getMessage());
        assertTrue(e.getMessage().contains(">>> 'maxmemory-policy allkeys-lru'"), e.getMessage());
        assertTrue(e.getMessage().contains("Bad directive or wrong number of arguments"), e.getMessage());
    }

    @Test
    void badValuesSayWhy() throws Exception {
        assertTrue(error("port abc").contains("argument couldn't be parsed into an integer"));
        assertTrue(error("port 70000").contains("argument must be between 0 and 65535 inclusive"));
        assertTrue(error("appendonly maybe").contains("argument must be 'yes' or 'no'"));
        assertTrue(error("appendfsync sometimes").contains("argument(s) must be one of the following: everysec, always, no"));
        assertTrue(error("hz 1 2").contains("wrong number of arguments"));
        assertTrue(error("port").contains("wrong number of arguments"));
        assertTrue(error("requirepass \"unbalanced").contains("Unbalanced quotes in configuration line"));
        ConfigFile.ConfigFileException e = assertThrows(ConfigFile.ConfigFileException.class,
                () -> apply(ConfigFile.fromArguments(List.of("--hz", "x"))));
        assertTrue(e.getMessage().contains("Reading the command line arguments"), e.getMessage());
        assertThrows(ConfigFile.ConfigFileException.class, () -> ConfigFile.fromArguments(List.of("7000")));
    }

    private String error(String line) throws Exception {
        Path f = file(line + "\n");
        return assertThrows(ConfigFile.ConfigFileException.class, () -> apply(ConfigFile.read(f))).getMessage();
    }

    @Test
    void theLauncherRefusesToStartOnABadConfiguration() throws Exception {
        Path f = file("nope 1\n");
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = new CommandLine(new ServerCommand());
            cl.setUnmatchedOptionsArePositionalParams(true);
            assertEquals(1, cl.execute(f.toString(), "--port", "0"));
            assertEquals(1, cl.execute("--dir", dir.toString(), "--nope", "1"));
            assertEquals(1, cl.execute(dir.resolve("missing.conf").toString()));
        } finally {
            System.setErr(saved);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(">>> 'nope 1'"), text);
        assertTrue(text.contains(">>> 'nope 1'") && text.contains("Reading the command line arguments"), text);
        assertTrue(text.contains("Fatal error, can't open config file"), text);
    }
}
