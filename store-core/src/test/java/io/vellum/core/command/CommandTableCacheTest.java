package io.vellum.core.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.command.proto.CommandTableData;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary cache of the command table ({@link CommandTable#CACHE_PROPERTY}) reads back the table the text holds. */
class CommandTableCacheTest {
    @TempDir
    Path cache;

    @Test
    void theCachedTableEqualsTheTextOneAndAChangedTextIsParsedAgain() throws Exception {
        byte[] text;
        try (InputStream in = CommandTable.class.getResourceAsStream("/io/vellum/core/command/commands.textproto")) {
            text = in.readAllBytes();
        }
        String before = System.getProperty(CommandTable.CACHE_PROPERTY);
        System.setProperty(CommandTable.CACHE_PROPERTY, cache.toString());
        try {
            CommandTableData parsed = CommandTable.parse(text);
            assertEquals(1, binaries());
            CommandTableData cached = CommandTable.parse(text);
            assertEquals(parsed, cached);
            assertEquals(CommandTable.metadata(), cached, "the table the process parsed from the text");
            // another text (a command added) is another cache file, never the old table
            byte[] changed = (new String(text, StandardCharsets.UTF_8) + "\ncommand {\n  name: \"zzzcached\"\n  arity: 1\n}\n")
                    .getBytes(StandardCharsets.UTF_8);
            CommandTableData other = CommandTable.parse(changed);
            assertEquals(parsed.getCommandCount() + 1, other.getCommandCount());
            assertEquals(2, binaries());
            assertEquals(other, CommandTable.parse(changed));
        } finally {
            if (before == null) {
                System.clearProperty(CommandTable.CACHE_PROPERTY);
            } else {
                System.setProperty(CommandTable.CACHE_PROPERTY, before);
            }
        }
    }

    private long binaries() throws Exception {
        try (var files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".binpb")).count();
        }
    }
}
