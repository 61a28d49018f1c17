package io.vellum.difftest;

import io.vellum.Vellum;
import io.vellum.server.RespServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A store of its own serving RESP on an ephemeral port, for the client-library tests (Jedis,
 * redis-cli) that change connection-wide settings and must not disturb the differential tests'
 * shared target. Registered as a static {@code @RegisterExtension} field, it closes after the
 * test class.
 */
final class InProcessServer implements AutoCloseable, AfterAllCallback {
    final Vellum store;
    final RespServer server;

    InProcessServer() {
        store = Vellum.inMemory();
        server = store.serve(0);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
