package io.vellum.aof;

import java.util.Locale;

/** When the log is synced to disk: {@code appendfsync always|everysec|no}. */
public enum FsyncPolicy {
    /**
     * Once per engine batch, before the batch's replies are released: nothing acknowledged is
     * lost, even on power loss. One sync covers every record of the batch (group commit).
     */
    ALWAYS,
    /**
     * In the background, at most once a second: a power loss can lose about the last second
     * of acknowledged writes; a process crash loses nothing (the records are in the page cache).
     */
    EVERYSEC,
    /** Never by Vellum (the operating system writes back when it likes), except on close. */
    NO;

    /** The directive's text: "always", "everysec", "no". */
    public String configText() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the directive's text (any case). */
    public static FsyncPolicy parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "always" -> ALWAYS;
            case "everysec" -> EVERYSEC;
            case "no" -> NO;
            default -> throw new IllegalArgumentException("appendfsync must be always, everysec or no: " + text);
        };
    }
}
