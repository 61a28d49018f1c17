package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;
import java.util.Map;
import java.util.TreeMap;

/**
 * Error replies sent to clients, for INFO stats (total_error_replies) and INFO errorstats:
 * counted by error code, the text up to the first space ("ERR", "WRONGTYPE"...), as Redis's
 * afterErrorReply does. Like Redis, at most {@value #MAX_CODES} distinct codes are tracked;
 * later new codes count in the total only.
 *
 * <p>Engine thread for updates; INFO reads on the engine thread too.
 */
public final class ErrorStats {
    static final int MAX_CODES = 128;

    private final TreeMap<String, Long> byCode = new TreeMap<>();
    private long total;

    /** Counts one error reply. */
    public void record(String errorText) {
        total++;
        int space = errorText.indexOf(' ');
        String code = space > 0 && space < 32 ? errorText.substring(0, space) : "ERR";
        Long n = byCode.get(code);
        if (n != null) {
            byCode.put(code, n + 1);
        } else if (byCode.size() < MAX_CODES) {
            byCode.put(code, 1L);
        }
    }

    public long total() {
        return total;
    }

    /** Counts by error code, in code order (Redis keeps them in a radix tree). */
    public Map<String, Long> byCode() {
        return new TreeMap<>(byCode);
    }

    public void reset() {
        byCode.clear();
        total = 0;
    }

    /**
     * A reply sink that counts the errors written through it and passes everything on. One per
     * engine, pointed at each unit's client sink in turn.
     */
    static final class CountingSink implements ReplySink {
        private final ErrorStats stats;
        private ReplySink target;

        CountingSink(ErrorStats stats) {
            this.stats = stats;
        }

        ReplySink wrap(ReplySink target) {
            this.target = target;
            return this;
        }

        @Override
        public void error(String text) {
            stats.record(text);
            target.error(text);
        }

        @Override
        public void simple(String text) {
            target.simple(text);
        }

        @Override
        public void ok() {
            target.ok();
        }

        @Override
        public void integer(long value) {
            target.integer(value);
        }

        @Override
        public void bulk(byte[] value) {
            target.bulk(value);
        }

        @Override
        public void bulk(byte[] value, int offset, int length) {
            target.bulk(value, offset, length);
        }

        @Override
        public void bulk(String value) {
            target.bulk(value);
        }

        @Override
        public void nullBulk() {
            target.nullBulk();
        }

        @Override
        public void nullArray() {
            target.nullArray();
        }

        @Override
        public void array(int count) {
            target.array(count);
        }

        @Override
        public void map(int entries) {
            target.map(entries);
        }

        @Override
        public void set(int count) {
            target.set(count);
        }

        @Override
        public void push(int count) {
            target.push(count);
        }

        @Override
        public void doubleValue(double value) {
            target.doubleValue(value);
        }

        @Override
        public void humanDouble(double value, String text) {
            target.humanDouble(value, text);
        }

        @Override
        public void bool(boolean value) {
            target.bool(value);
        }

        @Override
        public void bigNumber(String digits) {
            target.bigNumber(digits);
        }

        @Override
        public void verbatim(String format, byte[] value) {
            target.verbatim(format, value);
        }

        @Override
        public int protocol() {
            return target.protocol();
        }
    }
}
