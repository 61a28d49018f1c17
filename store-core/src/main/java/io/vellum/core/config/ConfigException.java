package io.vellum.core.config;

/** A configuration value was refused; the message says why, as Redis words it. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
