package io.vellum.core.engine;

import io.vellum.core.config.StoreConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The open client sessions: ids, registration when a client connects, and what a closed or
 * RESET connection must forget (WATCHed keys, its blocked command, its queued commands, and
 * the per-client state modules keep, told through listeners). Separate from the
 * {@link Engine} because it is bookkeeping of clients, not execution of units. Opening and
 * closing may be called from any thread: the bookkeeping itself runs on the owner, as a
 * session task in the inbox ({@link EngineLoop.SessionTask}). Everything else is for the
 * engine thread (listeners are added before start).
 */
final class SessionRegistry {
    private final Engine engine;
    private final StoreConfig config;
    private final UnitClock clock;
    private final EngineLoop loop;
    private final WatchRegistry watches;
    private final BlockedClients blocked;
    private final List<Consumer<Session>> sessionClosedListeners = new ArrayList<>();
    private final List<Consumer<Session>> sessionResetListeners = new ArrayList<>();
    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final AtomicLong nextSessionId = new AtomicLong(1);

    SessionRegistry(Engine engine, StoreConfig config, UnitClock clock, EngineLoop loop, WatchRegistry watches,
            BlockedClients blocked) {
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        this.loop = loop;
        this.watches = watches;
        this.blocked = blocked;
    }

    Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    Session session(long id) {
        return sessions.get(id);
    }

    void onSessionClosed(Consumer<Session> listener) {
        sessionClosedListeners.add(listener);
    }

    void onSessionReset(Consumer<Session> listener) {
        sessionResetListeners.add(listener);
    }

    Session openSession(ClientConnection connection) {
        boolean noPassword = config.requirepass.get().isEmpty();
        Session s = new Session(nextSessionId.getAndIncrement(), connection, clock.wallMillis(), noPassword);
        loop.enqueue(new EngineLoop.SessionTask(() -> {
            sessions.put(s.id(), s);
            engine.totalConnections++;
        }));
        return s;
    }

    void closeSession(Session s) {
        s.markClosed();
        loop.enqueue(new EngineLoop.SessionTask(() -> releaseSession(s)));
    }

    private void releaseSession(Session s) {
        if (sessions.remove(s.id()) == null) {
            return;
        }
        watches.unwatchAll(s);
        BlockedClients.Blocked b = s.blocked();
        if (b != null) {
            blocked.unblock(b);
        }
        s.pending().clear();
        engine.clientPause().forget(s);
        engine.monitors().stop(s);
        for (Consumer<Session> l : sessionClosedListeners) {
            l.accept(s);
        }
    }

    void resetSession(Session s) {
        watches.unwatchAll(s);
        for (Consumer<Session> l : sessionResetListeners) {
            l.accept(s);
        }
    }
}
