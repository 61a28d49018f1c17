package io.vellum.core.engine;

import io.vellum.core.util.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * MONITOR's clients and what they are sent (Redis's replicationFeedMonitors): one status line
 * per command run, "+&lt;seconds&gt;.&lt;micros&gt; [&lt;db&gt; &lt;client address&gt;] "arg" ...", with a
 * script's commands under "lua", after the command ran (EVAL and FCALL before theirs, so that
 * a script's commands follow it). Admin commands and those flagged skip_monitor are not
 * shown; passwords appear redacted, as in the slow log. Engine thread only.
 */
public final class Monitors {
    private final Engine engine;
    private final Set<Session> monitors = new LinkedHashSet<>();

    Monitors(Engine engine) {
        this.engine = engine;
    }

    public boolean isEmpty() {
        return monitors.isEmpty();
    }

    /** MONITOR: {@code s} is sent every command run from now on. */
    public void start(Session s) {
        s.monitor = true;
        monitors.add(s);
    }

    /** RESET, or the connection closed: {@code s} is no longer a monitor. */
    public void stop(Session s) {
        s.monitor = false;
        monitors.remove(s);
    }

    /** call()'s feed, after the command ran (EVAL and FCALL feed themselves before, see the class comment). */
    void afterCall(io.vellum.core.command.CommandSpec spec, CommandContext ctx) {
        if (!monitors.isEmpty() && !ctx.isReplay() && !spec.has(io.vellum.core.command.CommandFlag.SKIP_MONITOR)
                && !spec.has(io.vellum.core.command.CommandFlag.ADMIN)) {
            feed(ctx.session(), ctx.db().id(), ctx.loggedArgv(), ctx.inScript());
        }
    }

    /** Sends {@code argv}, run by {@code s} in database {@code db}, to every monitor. */
    public void feed(Session s, int db, byte[][] argv, boolean fromScript) {
        if (monitors.isEmpty() || engine.loading()) {
            return;
        }
        Instant now = Instant.now();
        StringBuilder line = new StringBuilder(64);
        line.append(now.getEpochSecond()).append('.').append(String.format("%06d", now.getNano() / 1000)).append(" [").append(db).append(' ');
        line.append(fromScript ? "lua" : s.connection().remoteAddress()).append("] ");
        for (int j = 0; j < argv.length; j++) {
            if (j > 0) {
                line.append(' ');
            }
            line.append(Text.repr(argv[j], Integer.MAX_VALUE));
        }
        String text = line.toString();
        for (Session m : new ArrayList<>(monitors)) {
            if (m.isClosed()) {
                monitors.remove(m);
            } else {
                engine.output(m).simple(text);
            }
        }
    }
}
