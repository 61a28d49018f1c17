package io.vellum.difftest;

import io.vellum.Vellum;
import io.vellum.server.RespServer;

/** The Vellum under test: one in-process store serving RESP on an ephemeral port per test JVM. */
public final class VellumTarget {
    private static VellumTarget instance;

    private final Vellum store;
    private final RespServer server;

    private VellumTarget() {
        store = Vellum.inMemory();
        server = store.serve(0);
    }

    public static synchronized VellumTarget get() {
        if (instance == null) {
            instance = new VellumTarget();
            Runtime.getRuntime().addShutdownHook(new Thread(instance.store::close));
        }
        return instance;
    }

    public int port() {
        return server.port();
    }

    public Vellum store() {
        return store;
    }
}
