package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.core.reply.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property 3, model agreement: strings, lists, hashes, sets and sorted sets (with expiry and
 * the clock moving, reopens and crashes along the way) agree with a plain Java-collections
 * {@link Model} on every reply. Keys are shared between types, so WRONGTYPE is exercised too.
 */
class ModelAgreementPropertyTest {
    static final int CI_SEQUENCES = 15;

    @Test
    void everyReplyAgreesWithAJavaCollectionsModel() {
        Sim.check("model agreement", CI_SEQUENCES, ModelAgreementPropertyTest::generate,
                ModelAgreementPropertyTest::check, "ModelAgreementPropertyTest.check");
    }

    private static List<String> c(String... a) {
        return List.of(a);
    }

    /** The commands the model knows. */
    static final List<java.util.function.Function<Gen, List<String>>> COMMANDS = List.of(
            g -> g.chance(30) ? c("SET", g.key(), g.value(), "PX", Integer.toString(g.between(1, 3000))) : c("SET", g.key(), g.value()),
            g -> c("GET", g.key()),
            g -> c("GETDEL", g.key()),
            g -> c("APPEND", g.key(), g.value()),
            g -> c("STRLEN", g.key()),
            g -> c("INCRBY", g.key(), Integer.toString(g.between(-5, 5))),
            g -> c("DEL", g.key(), g.key()),
            g -> c("EXISTS", g.key()),
            g -> c("TYPE", g.key()),
            g -> c("PEXPIRE", g.key(), Integer.toString(g.between(1, 3000))),
            g -> c("PTTL", g.key()),
            g -> c("PERSIST", g.key()),
            g -> c(g.pick("LPUSH", "RPUSH"), g.key(), g.member(), g.member()),
            g -> c(g.pick("LPOP", "RPOP"), g.key()),
            g -> c("LLEN", g.key()),
            g -> c("LRANGE", g.key(), g.index(), g.index()),
            g -> c("LRANGE", g.key(), "0", "-1"),
            g -> c("LINDEX", g.key(), g.index()),
            g -> c("LREM", g.key(), Integer.toString(g.between(-2, 2)), g.member()),
            g -> c("HSET", g.key(), g.member(), g.value(), g.member(), g.value()),
            g -> c("HGET", g.key(), g.member()),
            g -> c("HDEL", g.key(), g.member(), g.member()),
            g -> c("HLEN", g.key()),
            g -> c("HEXISTS", g.key(), g.member()),
            g -> c("HINCRBY", g.key(), g.member(), Integer.toString(g.between(-3, 3))),
            g -> c("HGETALL", g.key()),
            g -> c("SADD", g.key(), g.member(), g.member()),
            g -> c("SREM", g.key(), g.member()),
            g -> c("SCARD", g.key()),
            g -> c("SISMEMBER", g.key(), g.member()),
            g -> c("SMEMBERS", g.key()),
            g -> c("SPOP", g.key()),
            g -> c("SRANDMEMBER", g.key()),
            g -> c(g.pick("SINTER", "SUNION"), g.key(), g.key()),
            g -> c("ZADD", g.key(), g.score(), g.member(), g.score(), g.member()),
            g -> c("ZINCRBY", g.key(), g.score(), g.member()),
            g -> c("ZREM", g.key(), g.member()),
            g -> c("ZSCORE", g.key(), g.member()),
            g -> c("ZCARD", g.key()),
            g -> c("ZRANK", g.key(), g.member()),
            g -> c("ZRANGE", g.key(), "0", "-1", "WITHSCORES"),
            g -> c("ZPOPMIN", g.key()),
            g -> c("ZRANDMEMBER", g.key()));

    static List<Action> generate(Gen g) {
        int n = g.between(50, 250);
        List<Action> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            switch (g.weighted(90, 7, 2, 1)) {
                case 0 -> out.add(new Action.Command(0, g.pick(COMMANDS).apply(g)));
                case 1 -> out.add(new Action.AdvanceClock(g.pick(1L, 100L, 700L, 1500L)));
                case 2 -> out.add(new Action.Reopen());
                default -> out.add(new Action.Crash());
            }
        }
        return out;
    }

    static void check(List<Action> actions) {
        Model model = new Model();
        try (SimStore s = SimStore.create()) {
            int step = 0;
            for (Action a : actions) {
                step++;
                if (a instanceof Action.Command c) {
                    Reply got = s.run(c);
                    String expected = model.check(c.args(), got);
                    if (expected != null) {
                        fail("step " + step + " " + c.describe() + " answered " + Probe.render(got) + ", the model says "
                                + expected);
                    }
                } else if (a instanceof Action.AdvanceClock t) {
                    s.advanceClock(t.millis());
                    model.nowMs += t.millis();
                } else if (!s.perform(a)) {
                    throw new IllegalArgumentException("not in this property: " + a);
                }
            }
        }
    }
}
