package io.vellum.core.engine;

import io.vellum.core.config.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine runs by the clock rather than on request, between batches: blocked clients'
 * timeouts, the active expiry cycle ({@code hz} times a second) and the periodic tasks other
 * modules add ({@link Engine#addCron}). It also tells the engine thread how long it may park.
 * Separate from the {@link Engine} because none of it is a client's command: it only decides
 * when such work is due. Engine thread only (crons are added before start).
 */
final class Timers {
    /** Under the engine's name, as before the timers had a class of their own. */
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final Engine engine;
    private final StoreConfig config;
    private final UnitClock clock;
    private final BlockedClients blocked;
    private final BlockedCommands blocking;
    private final ActiveExpiry activeExpiry;
    private final List<Cron> crons = new ArrayList<>();
    private long lastExpiryCycleMillis;

    private static final class Cron {
        final long periodMillis;
        final Runnable task;
        final BooleanSupplier active;
        long nextMillis;

        Cron(long periodMillis, Runnable task, BooleanSupplier active, long now) {
            this.periodMillis = periodMillis;
            this.task = task;
            this.active = active;
            this.nextMillis = now + periodMillis;
        }
    }

    Timers(Engine engine, StoreConfig config, UnitClock clock, BlockedClients blocked, BlockedCommands blocking,
            ActiveExpiry activeExpiry, long startMillis) {
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        this.blocked = blocked;
        this.blocking = blocking;
        this.activeExpiry = activeExpiry;
        this.lastExpiryCycleMillis = startMillis;
    }

    void addCron(long periodMillis, Runnable task, BooleanSupplier active) {
        crons.add(new Cron(periodMillis, task, active, clock.wallMillis()));
    }

    long millisToNextTimer() {
        return Math.min(100, Math.max(0, nextDueMillis() - clock.wallMillis()));
    }

    /** When the next timer is due (wall millis; may be past): reads no clock, so a network thread's release may ask. */
    long nextDueMillis() {
        long next = lastExpiryCycleMillis + 1000 / Math.max(1, config.hz.get());
        for (Cron c : crons) {
            if (c.active.getAsBoolean()) {
                next = Math.min(next, c.nextMillis);
            }
        }
        return Math.min(next, blocked.nextDeadline());
    }

    void runTimers() {
        long now = clock.wallMillis();
        if (blocked.count() > 0 && blocked.nextDeadline() <= now) {
            blocking.expireBlocked();
        }
        engine.clientPause().expireIfDue(now);
        engine.clientPause().serveReleased();
        if (now - lastExpiryCycleMillis >= 1000 / Math.max(1, config.hz.get())) {
            lastExpiryCycleMillis = now;
            if (!engine.clientPause().active()) {
                activeExpiry.cycle(); // a pause stops expiry too (Redis: isPausedActionsWithUpdate)
            }
        }
        for (Cron c : crons) {
            if (now >= c.nextMillis) {
                c.nextMillis = now + c.periodMillis;
                if (!c.active.getAsBoolean()) {
                    continue;
                }
                try {
                    c.task.run();
                } catch (RuntimeException e) {
                    LOG.error("periodic task failed", e);
                }
            }
        }
        engine.loop.endBatch();
    }
}
