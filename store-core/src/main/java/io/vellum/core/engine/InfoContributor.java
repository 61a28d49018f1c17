package io.vellum.core.engine;

import java.util.List;

/**
 * Adds fields to INFO without editing the INFO command: the log, snapshots, replication and
 * scripting register one with {@link Engine#addInfoContributor} and fill in what they own
 * (aof_enabled, the loading_* progress, master_host, number_of_cached_scripts...).
 *
 * <p>Called on the engine thread while INFO renders, once per section being rendered.
 * Must be quick and must not change the store.
 */
public interface InfoContributor {

    /**
     * Adds or replaces fields of a section being rendered. {@code section} is the section's
     * lower-case name: "server", "clients", "memory", "persistence", "stats", "replication",
     * "cpu", "keyspace"..., or one of this contributor's own {@link #sections()}.
     */
    void contribute(String section, InfoSection fields);

    /**
     * Sections of its own (lower case, e.g. "vellum_log"), rendered after the built-in ones
     * by {@code INFO everything} and when named; default none.
     */
    default List<String> sections() {
        return List.of();
    }
}
