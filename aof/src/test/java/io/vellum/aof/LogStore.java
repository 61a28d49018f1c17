package io.vellum.aof;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.RedisDigest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A {@link TestStore} (engine run on the test thread, settable clock) whose log is a real
 * {@link AppendOnlyLog} in a directory: what the log tests open, write, close and reopen.
 */
final class LogStore implements AutoCloseable {
    final Path dir;
    final TestStore store;
    final AppendOnlyLog log;
    final TestStore.Client client;

    private LogStore(Path dir, TestStore store, AppendOnlyLog log) {
        this.dir = dir;
        this.store = store;
        this.log = log;
        this.client = store.client();
    }

    static LogStore open(Path dir) throws IOException {
        return open(dir, o -> o);
    }

    static LogStore open(Path dir, UnaryOperator<AofOptions> options) throws IOException {
        TestStore st = new TestStore(Engine.builder());
        try {
            AppendOnlyLog log = AppendOnlyLog.open(st.engine, options.apply(AofOptions.of(dir)));
            return new LogStore(dir, st, log);
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** Opens, expecting recovery to work. */
    static LogStore reopen(Path dir) {
        try {
            return open(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Engine engine() {
        return store.engine;
    }

    String digest() {
        return RedisDigest.hex(RedisDigest.dataset(store.engine.keyspace()));
    }

    @Override
    public void close() {
        store.close();
    }
}
