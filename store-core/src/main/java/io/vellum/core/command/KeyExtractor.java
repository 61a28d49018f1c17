package io.vellum.core.command;

import java.util.List;

/**
 * Finds the key arguments of a command whose key specs cannot (Redis's getkeys_proc
 * commands, e.g. SORT or MIGRATE). Most commands need none: their key specs suffice.
 */
@FunctionalInterface
public interface KeyExtractor {
    /** Positions in argv that hold keys; null when the arguments are invalid. */
    int[] keyPositions(byte[][] argv);

    /**
     * The flags of the key at {@code position} as COMMAND GETKEYSANDFLAGS names them ("RW",
     * "access"...); null for the flags of the key spec the position falls in.
     */
    default List<String> keyFlags(byte[][] argv, int position) {
        return null;
    }
}
