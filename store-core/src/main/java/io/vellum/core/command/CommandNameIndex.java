package io.vellum.core.command;

import java.nio.charset.StandardCharsets;

/**
 * The bound commands by name, any case (Redis's dictSdsCaseHash lookup): an open-addressed
 * table with a case-folding multiplicative hash over the name's bytes and a case-insensitive
 * compare, so a lookup allocates nothing and hashes a few bytes cheaply. Every client command
 * and every {@code redis.call} looks a name up; XXH3 (the keyspace's hash, made for keys of any
 * length) and a lower-case copy cost more than the rest of a GET's dispatch. Only A-Z fold, as
 * in the table's names. Immutable after construction; any thread.
 */
final class CommandNameIndex {
    private final byte[][] names;
    private final CommandSpec[] specs;
    private final int mask;

    CommandNameIndex(Iterable<CommandSpec> bound) {
        int n = 0;
        for (CommandSpec ignored : bound) {
            n++;
        }
        int size = Integer.highestOneBit(Math.max(4, n) * 4 - 1) << 1;
        names = new byte[size][];
        specs = new CommandSpec[size];
        mask = size - 1;
        for (CommandSpec s : bound) {
            byte[] name = s.name().getBytes(StandardCharsets.US_ASCII);
            int i = hash(name) & mask;
            while (names[i] != null) {
                i = (i + 1) & mask;
            }
            names[i] = name;
            specs[i] = s;
        }
    }

    /** The command named {@code name} in any case, or null. */
    CommandSpec get(byte[] name) {
        int i = hash(name) & mask;
        while (true) {
            byte[] candidate = names[i];
            if (candidate == null) {
                return null;
            }
            if (sameIgnoringCase(candidate, name)) {
                return specs[i];
            }
            i = (i + 1) & mask;
        }
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static int hash(byte[] name) {
        int h = name.length;
        for (byte c : name) {
            h = h * 31 + lower(c);
        }
        return h ^ (h >>> 16);
    }

    /** {@code lowerName} is lower case already. */
    private static boolean sameIgnoringCase(byte[] lowerName, byte[] name) {
        if (lowerName.length != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (lowerName[i] != lower(name[i])) {
                return false;
            }
        }
        return true;
    }
}
