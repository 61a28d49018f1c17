package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH against a real Redis: queuing errors (EXECABORT) against
 * run-time errors, nesting, WATCH touched by other clients, by the watcher itself, by
 * expiry, by FLUSHDB/FLUSHALL/SWAPDB, and the commands a transaction refuses. A second
 * connection to each server ("other") plays the other client.
 */
class TransactionDiffTest extends DifferentialTest {
    private RawClient otherRedis;
    private RawClient otherVellum;

    @BeforeEach
    void connectOthers() {
        otherRedis = new RawClient("127.0.0.1", RedisOracle.get().port());
        otherVellum = new RawClient("127.0.0.1", VellumTarget.get().port());
    }

    @AfterEach
    void closeOthers() {
        otherRedis.close();
        otherVellum.close();
    }

    /** Runs a command on the other connections (the replies must be the same too). */
    private void other(String... cmd) {
        RespReader.Raw r = otherRedis.call(cmd);
        RespReader.Raw v = otherVellum.call(cmd);
        org.junit.jupiter.api.Assertions.assertEquals(r.text(), v.text(), "other: " + String.join(" ", cmd));
    }

    @Test
    void execAndDiscardWithoutMulti() {
        same("EXEC");
        same("DISCARD");
        same("MULTI");
        same("EXEC");
        same("EXEC");
        same("MULTI", "x");
        same("EXEC", "x");
    }

    @Test
    void queuedCommandsRunInOrder() {
        same("MULTI");
        same("SET", "a", "1");
        same("GET", "a");
        same("SET", "a", "2", "GET");
        same("EXISTS", "a", "b");
        same("EXEC");
        same("GET", "a");
        same("MULTI");
        same("EXEC");
    }

    @Test
    void nestedMultiAndWatchInsideMultiDoNotAbort() {
        same("MULTI");
        same("MULTI");
        same("WATCH", "a");
        same("SET", "a", "1");
        same("EXEC");
        same("GET", "a");
    }

    @Test
    void queueTimeErrorsAbortTheTransaction() {
        same("MULTI");
        same("NOPE", "x");
        same("SET", "a", "1");
        same("EXEC");
        same("GET", "a");
        same("MULTI");
        same("SET", "a");
        same("EXEC");
        same("MULTI");
        same("GET", "a", "b");
        same("SET", "b", "1");
        same("DISCARD");
        same("EXISTS", "b");
    }

    @Test
    void runTimeErrorsDoNotAbort() {
        same("MULTI");
        same("SET", "a", "x");
        same("SET", "a", "y", "NX", "XX");
        same("SET", "a", "z", "EX", "-1");
        same("SET", "b", "1");
        same("EXEC");
        same("GET", "a");
        same("GET", "b");
    }

    @Test
    void commandsRefusedInMulti() {
        same("MULTI");
        sameIfBound("SAVE");
        sameIfBound("SHUTDOWN", "NOSAVE", "ABORT");
        same("SET", "a", "1");
        same("EXEC");
        same("EXISTS", "a");
    }

    /** Compared only when Vellum binds the command (else it is an unknown command, also an abort). */
    private void sameIfBound(String... cmd) {
        if (VellumTarget.get().store().engine().table().lookup(cmd[0]) != null) {
            same(cmd);
        } else {
            redis.call(cmd);
            vellum.call(cmd);
        }
    }

    @Test
    void discardForgetsQueueAndWatches() {
        same("SET", "k", "1");
        same("WATCH", "k");
        same("MULTI");
        same("SET", "k", "2");
        same("DISCARD");
        other("SET", "k", "3");
        same("MULTI");
        same("GET", "k");
        same("EXEC");
    }

    @Test
    void watchedKeyChangedByAnotherClient() {
        same("SET", "k", "1");
        same("WATCH", "k");
        other("SET", "k", "2");
        same("MULTI");
        same("SET", "k", "3");
        same("EXEC");
        same("GET", "k");
        // the failed EXEC unwatched: the next transaction runs
        same("MULTI");
        same("SET", "k", "4");
        same("EXEC");
    }

    @Test
    void watchedKeyChangedAfterMulti() {
        same("WATCH", "k", "j");
        same("MULTI");
        same("SET", "j", "x");
        other("SET", "j", "y");
        same("EXEC");
        same("GET", "j");
    }

    @Test
    void watchedKeyChangedByTheWatcherItself() {
        same("WATCH", "k");
        same("SET", "k", "1");
        same("MULTI");
        same("GET", "k");
        same("EXEC");
    }

    @Test
    void changesThatChangeNothingDoNotTouch() {
        same("WATCH", "k");
        other("DEL", "k");
        other("GET", "k");
        other("SET", "k", "1", "XX");
        same("MULTI");
        same("SET", "x", "1");
        same("EXEC");
    }

    @Test
    void unwatchForgetsWatches() {
        same("WATCH", "k");
        same("UNWATCH");
        other("SET", "k", "2");
        same("MULTI");
        same("SET", "k", "1");
        same("EXEC");
        same("UNWATCH");
    }

    @Test
    void watchIsPerDatabase() {
        same("SELECT", "1");
        same("WATCH", "k");
        same("SELECT", "0");
        other("SET", "k", "1");
        same("MULTI");
        same("SET", "x", "1");
        same("EXEC");
        same("SELECT", "1");
        same("WATCH", "k");
        other("SELECT", "1");
        other("SET", "k", "1");
        same("MULTI");
        same("EXEC");
    }

    @Test
    void watchOfAnAlreadyExpiredKey() {
        same("SET", "k", "v", "PX", "1");
        sleep(20);
        same("WATCH", "k");
        same("MULTI");
        same("SET", "x", "1");
        same("EXEC");
        // reading (Redis deletes it lazily) is no change either
        same("SET", "k", "v", "PX", "1");
        sleep(20);
        same("WATCH", "k");
        other("GET", "k");
        same("MULTI");
        same("SET", "x", "2");
        same("EXEC");
        // but setting it is
        same("SET", "k", "v", "PX", "1");
        sleep(20);
        same("WATCH", "k");
        other("SET", "k", "new");
        same("MULTI");
        same("SET", "x", "3");
        same("EXEC");
    }

    @Test
    void watchedKeyThatExpiresBeforeExec() {
        same("SET", "k", "v", "PX", "50");
        same("WATCH", "k");
        sleep(150);
        same("MULTI");
        same("SET", "x", "1");
        same("EXEC");
    }

    @Test
    void flushTouchesWatchedKeysThatExisted() {
        same("SET", "k", "1");
        same("WATCH", "k");
        other("FLUSHDB");
        same("MULTI");
        same("SET", "x", "1");
        same("EXEC");
        same("WATCH", "missing");
        other("FLUSHDB");
        same("MULTI");
        same("SET", "x", "2");
        same("EXEC");
        same("SET", "k", "1");
        same("WATCH", "k");
        other("FLUSHALL");
        same("MULTI");
        same("EXEC");
        same("SELECT", "2");
        same("SET", "k", "1");
        same("WATCH", "k");
        other("FLUSHDB"); // other is on db 0
        same("MULTI");
        same("EXEC");
    }

    @Test
    void flushInsideOwnTransaction() {
        same("SET", "k", "1");
        same("WATCH", "k");
        same("MULTI");
        same("FLUSHDB");
        same("SET", "x", "1");
        same("EXEC");
        same("EXISTS", "k", "x");
    }

    @Test
    void swapdbTouchesWatchedKeysOnBothSides() {
        if (VellumTarget.get().store().engine().table().lookup("swapdb") == null) {
            return; // SWAPDB is the key commands' (not bound in this build)
        }
        same("SELECT", "1");
        same("SET", "k", "1");
        same("SELECT", "0");
        same("WATCH", "k");
        other("SWAPDB", "0", "1");
        same("MULTI");
        same("EXEC");
        same("WATCH", "absent");
        other("SWAPDB", "0", "1");
        same("MULTI");
        same("EXEC");
    }

    @Test
    void selectInsideTransactionSticks() {
        same("MULTI");
        same("SELECT", "3");
        same("SET", "a", "1");
        same("EXEC");
        same("GET", "a");
        same("SELECT", "0");
        same("GET", "a");
    }

    @Test
    void resetInsideMultiDiscards() {
        same("WATCH", "k");
        same("MULTI");
        same("SET", "a", "1");
        same("RESET");
        same("EXEC");
        same("EXISTS", "a");
        other("SET", "k", "x");
        same("MULTI");
        same("EXEC");
    }

    @Test
    void quitInsideMultiCloses() {
        same("MULTI");
        same("SET", "a", "1");
        same("QUIT");
        assertTrue(vellum.closedByPeer(2000));
        assertTrue(redis.closedByPeer(2000));
        other("EXISTS", "a");
    }

    @Test
    void watchAfterDirtyIsIgnoredUntilExec() {
        same("WATCH", "k");
        other("SET", "k", "1");
        same("WATCH", "j");
        same("MULTI");
        same("EXEC");
        same("WATCH", "j");
        same("MULTI");
        same("EXEC");
    }

    @Test
    void randomTransactions() {
        String[] keys = {"a", "b", "c"};
        RandomCommands.run(this, "transactions", RandomCommands.seed(), RandomCommands.commands(400), r -> {
            int pick = r.nextInt(12);
            String k = keys[r.nextInt(keys.length)];
            return switch (pick) {
                case 0 -> RandomCommands.Step.exact("MULTI");
                case 1 -> RandomCommands.Step.exact("EXEC");
                case 2 -> RandomCommands.Step.exact("DISCARD");
                case 3 -> RandomCommands.Step.exact("WATCH", k);
                case 4 -> RandomCommands.Step.exact("UNWATCH");
                case 5 -> RandomCommands.Step.exact("SET", k, Integer.toString(r.nextInt(5)));
                case 6 -> RandomCommands.Step.exact("GET", k);
                case 7 -> RandomCommands.Step.exact("DEL", k);
                case 8 -> RandomCommands.Step.exact("SET", k);
                case 9 -> RandomCommands.Step.exact("NOPE");
                case 10 -> RandomCommands.Step.exact("SELECT", Integer.toString(r.nextInt(2)));
                default -> RandomCommands.Step.exact("SET", k, "v", "PX", "100000");
            };
        });
    }
}
