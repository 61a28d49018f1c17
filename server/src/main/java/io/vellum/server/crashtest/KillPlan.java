package io.vellum.server.crashtest;

import java.util.Random;

/**
 * When and around what the next kill happens, drawn from the crash test's seed.
 *
 * <ul>
 *   <li>{@link Kind#SOON}: within the first MIN of load, while clients connect and the
 *       server's first units after its recovery are logged;</li>
 *   <li>{@link Kind#PLAIN}: after a load time drawn log-uniformly in MIN..MAX (short and long
 *       runs equally likely at every scale);</li>
 *   <li>{@link Kind#BGSAVE}: as PLAIN, then a BGSAVE, and the kill 0–20 ms after its reply,
 *       while the snapshot is being written (copy-on-write, slices between units) or just
 *       after it was renamed and retention ran;</li>
 *   <li>{@link Kind#ROLL}: 0–10 ms after the log's next file roll (the crash test runs the
 *       log's clock fast so that files roll every few seconds), when the new cycle file has
 *       just been created and the old one closed.</li>
 * </ul>
 */
record KillPlan(Kind kind, long loadMillis, long afterMillis) {
    enum Kind { PLAIN, SOON, BGSAVE, ROLL }

    static KillPlan draw(Random r, long min, long max, boolean rolls) {
        int k = r.nextInt(6);
        long logUniform = Math.round(min * Math.pow((double) max / min, r.nextDouble()));
        if (k == 0) {
            return new KillPlan(Kind.SOON, (long) (r.nextDouble() * min), 0);
        }
        if (k == 1) {
            return new KillPlan(Kind.BGSAVE, logUniform, r.nextInt(21));
        }
        if (k == 2 && rolls) {
            return new KillPlan(Kind.ROLL, 0, r.nextInt(11));
        }
        return new KillPlan(Kind.PLAIN, logUniform, 0);
    }
}
