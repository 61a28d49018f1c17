package io.vellum.core.spi;

import java.util.List;

/**
 * What a scripting engine keeps beyond the keyspace that a snapshot must carry: the script
 * cache (so EVALSHA after a load finds what SCRIPT LOAD or EVAL cached) and the function
 * libraries. The snapshot stores them as opaque byte strings (the {@code Scripts} section of
 * {@code snapshot.proto}); their meaning is the provider's.
 *
 * <p>Optional: a scripting engine that implements it is found by the snapshot store through
 * {@link io.vellum.core.engine.Engine#scripting()}; without one the section is written empty.
 * Both methods run on the thread that owns the engine.
 */
public interface ScriptStateProvider {

    /** The bodies of the cached scripts, in a stable order. */
    List<byte[]> scriptBodies();

    /** The source code of each function library, in a stable order (FUNCTION LOAD order). */
    List<byte[]> libraryCodes();

    /**
     * Replaces the script cache and libraries with a snapshot's (called before the log is
     * replayed after it).
     */
    void restore(List<byte[]> scriptBodies, List<byte[]> libraryCodes);
}
