package io.vellum.core.command;

/**
 * Finds the key arguments of a command whose key specs cannot (Redis's getkeys_proc
 * commands, e.g. SORT or MIGRATE). Most commands need none: their key specs suffice.
 */
@FunctionalInterface
public interface KeyExtractor {
    /** Positions in argv that hold keys; null when the arguments are invalid. */
    int[] keyPositions(byte[][] argv);
}
