package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import java.util.List;

/**
 * Script flags (Redis's scripts_flags_def) and the EVAL shebang parser
 * (evalExtractShebangFlags): {@code #!lua flags=no-writes,allow-oom} on the first line.
 * A script without a shebang runs in compatibility mode.
 */
final class ScriptFlags {
    static final int COMPAT = 1;
    static final int NO_WRITES = 2;
    static final int ALLOW_OOM = 4;
    static final int ALLOW_STALE = 8;
    static final int NO_CLUSTER = 16;
    static final int ALLOW_CROSS_SLOT = 32;

    /** Names in Redis's order (FUNCTION LIST prints flags in this order). */
    static final List<String> NAMES = List.of("no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys");
    private static final int[] BITS = {NO_WRITES, ALLOW_OOM, ALLOW_STALE, NO_CLUSTER, ALLOW_CROSS_SLOT};

    private ScriptFlags() {
    }

    /** The bit of a flag name, or 0. */
    static int bit(String name) {
        int i = NAMES.indexOf(name);
        return i < 0 ? 0 : BITS[i];
    }

    static int bitAt(int i) {
        return BITS[i];
    }

    /** Flags and where the code starts (the shebang's line feed is kept for line numbers). */
    record Parsed(int flags, int codeStart) {
    }

    static Parsed parseShebang(byte[] body) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return new Parsed(COMPAT, 0);
        }
        int nl = indexOf(body, (byte) '\n');
        if (nl < 0) {
            throw new CommandError("ERR Invalid script shebang");
        }
        String[] parts = shebangArgs(body, nl);
        if (parts == null || parts.length == 0) {
            throw new CommandError("ERR Invalid engine in script shebang");
        }
        if (!parts[0].equals("#!lua")) {
            throw new CommandError("ERR Unexpected engine in script shebang: " + parts[0]);
        }
        int flags = 0;
        for (int j = 1; j < parts.length; j++) {
            if (parts[j].startsWith("flags=")) {
                String list = parts[j].substring(6);
                for (String f : list.split(",", -1)) {
                    if (list.isEmpty()) {
                        break;
                    }
                    int b = bit(f);
                    if (b == 0) {
                        throw new CommandError("ERR Unexpected flag in script shebang: " + f);
                    }
                    flags |= b;
                }
            } else {
                throw new CommandError("ERR Unknown lua shebang option: " + parts[j]);
            }
        }
        return new Parsed(flags, nl);
    }

    /** The first line's words as sdssplitargs splits them (quotes allowed), or null for unbalanced quotes. */
    static String[] shebangArgs(byte[] code, int lineEnd) {
        java.util.List<byte[]> args = io.vellum.core.util.SplitArgs.split(java.util.Arrays.copyOf(code, lineEnd));
        if (args == null) {
            return null;
        }
        String[] out = new String[args.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new String(args.get(i), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
