package io.vellum.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging over an action list: drop chunks (halves, quarters... down to single
 * actions) while the run still fails, until no single action can be dropped. Bounded by a
 * number of re-runs and a time budget, so a slow property still reports something.
 */
final class Shrinker {
    private final Predicate<List<Action>> fails;
    private final int maxRuns;
    private final long deadlineNanos;
    private int runs;

    Shrinker(Predicate<List<Action>> fails, int maxRuns, long budgetMillis) {
        this.fails = fails;
        this.maxRuns = maxRuns;
        this.deadlineNanos = System.nanoTime() + budgetMillis * 1_000_000L;
    }

    int runs() {
        return runs;
    }

    /** The smallest failing list found by dropping actions from {@code failing}. */
    List<Action> shrink(List<Action> failing) {
        List<Action> current = new ArrayList<>(failing);
        int chunk = Math.max(1, current.size() / 2);
        while (true) {
            boolean dropped = false;
            for (int from = current.size() - chunk; from >= 0 && budgetLeft(); from -= chunk) {
                List<Action> candidate = new ArrayList<>(current.subList(0, from));
                candidate.addAll(current.subList(Math.min(current.size(), from + chunk), current.size()));
                if (!candidate.isEmpty() && stillFails(candidate)) {
                    current = candidate;
                    dropped = true;
                }
            }
            // the head, when the size is not a multiple of the chunk
            int rest = current.size() % chunk;
            if (rest > 0 && current.size() > rest && budgetLeft()) {
                List<Action> candidate = new ArrayList<>(current.subList(rest, current.size()));
                if (stillFails(candidate)) {
                    current = candidate;
                    dropped = true;
                }
            }
            if (!budgetLeft()) {
                return current;
            }
            if (chunk == 1 && !dropped) {
                return shrinkTransactions(current);
            }
            if (!dropped) {
                chunk = Math.max(1, chunk / 2);
            } else {
                chunk = Math.max(1, Math.min(chunk, current.size() / 2));
            }
        }
    }

    /** Drops commands inside transactions; a transaction of one command becomes the command. */
    private List<Action> shrinkTransactions(List<Action> current) {
        for (int i = 0; i < current.size() && budgetLeft(); i++) {
            if (!(current.get(i) instanceof Action.Transaction t)) {
                continue;
            }
            if (t.commands().size() == 1 && !t.discard()) {
                List<Action> candidate = new ArrayList<>(current);
                candidate.set(i, new Action.Command(t.client(), t.commands().get(0)));
                if (stillFails(candidate)) {
                    current = candidate;
                    continue;
                }
            }
            for (int c = t.commands().size() - 1; c >= 0 && t.commands().size() > 1 && budgetLeft(); c--) {
                List<List<String>> fewer = new ArrayList<>(t.commands());
                fewer.remove(c);
                Action.Transaction smaller = new Action.Transaction(t.client(), fewer, t.discard());
                List<Action> candidate = new ArrayList<>(current);
                candidate.set(i, smaller);
                if (stillFails(candidate)) {
                    current = candidate;
                    t = smaller;
                }
            }
            if (t.commands().size() == 1 && !t.discard() && budgetLeft()) {
                List<Action> candidate = new ArrayList<>(current);
                candidate.set(i, new Action.Command(t.client(), t.commands().get(0)));
                if (stillFails(candidate)) {
                    current = candidate;
                }
            }
        }
        return current;
    }

    private boolean budgetLeft() {
        return runs < maxRuns && System.nanoTime() < deadlineNanos;
    }

    private boolean stillFails(List<Action> candidate) {
        runs++;
        return fails.test(candidate);
    }
}
