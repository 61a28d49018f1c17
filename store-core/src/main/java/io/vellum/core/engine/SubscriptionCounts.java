package io.vellum.core.engine;

/**
 * Implemented by the pub/sub state a module keeps in {@link Session#pubSubState()}, so that
 * CLIENT LIST/INFO can show a client's {@code sub=}, {@code psub=} and {@code ssub=} counts
 * without knowing the module.
 */
public interface SubscriptionCounts {
    int channels();

    int patterns();

    int shardChannels();
}
