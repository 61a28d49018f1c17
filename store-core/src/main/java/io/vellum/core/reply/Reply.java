package io.vellum.core.reply;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A reply as a value: what embedded callers get back from {@code Vellum.execute}. The shapes
 * are RESP3's; a RESP2 client sees the same reply through {@link RespEncoder}'s mapping.
 */
public sealed interface Reply {

    /** {@code +text}. */
    record Simple(String text) implements Reply {
    }

    /** {@code -CODE message}; {@link #text()} includes the code. */
    record Error(String text) implements Reply {
        public String code() {
            int sp = text.indexOf(' ');
            return sp < 0 ? text : text.substring(0, sp);
        }
    }

    record Int(long value) implements Reply {
    }

    record Bulk(byte[] value) implements Reply {
        public String utf8() {
            return new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bulk[" + utf8() + "]";
        }
    }

    /** RESP3 null; {@code array} tells whether RESP2 would have sent {@code *-1}. */
    record Null(boolean array) implements Reply {
    }

    record Array(List<Reply> items) implements Reply {
    }

    /** A map; {@code items} alternates keys and values. */
    record Map(List<Reply> items) implements Reply {
    }

    record Set(List<Reply> items) implements Reply {
    }

    record Push(List<Reply> items) implements Reply {
    }

    record Double(double value) implements Reply {
    }

    record Bool(boolean value) implements Reply {
    }

    record BigNumber(String digits) implements Reply {
    }

    record Verbatim(String format, byte[] value) implements Reply {
        @Override
        public boolean equals(Object o) {
            return o instanceof Verbatim v && format.equals(v.format) && Arrays.equals(value, v.value);
        }

        @Override
        public int hashCode() {
            return format.hashCode() * 31 + Arrays.hashCode(value);
        }
    }

    default boolean isError() {
        return this instanceof Error;
    }

    /** Writes this reply to a sink (the inverse of {@link ReplyBuilder}). */
    default void writeTo(ReplySink sink) {
        if (this instanceof Simple s) {
            sink.simple(s.text());
        } else if (this instanceof Error e) {
            sink.error(e.text());
        } else if (this instanceof Int i) {
            sink.integer(i.value());
        } else if (this instanceof Bulk b) {
            sink.bulk(b.value());
        } else if (this instanceof Null n) {
            if (n.array()) {
                sink.nullArray();
            } else {
                sink.nullBulk();
            }
        } else if (this instanceof Array a) {
            sink.array(a.items().size());
            a.items().forEach(r -> r.writeTo(sink));
        } else if (this instanceof Map m) {
            sink.map(m.items().size() / 2);
            m.items().forEach(r -> r.writeTo(sink));
        } else if (this instanceof Set s) {
            sink.set(s.items().size());
            s.items().forEach(r -> r.writeTo(sink));
        } else if (this instanceof Push p) {
            sink.push(p.items().size());
            p.items().forEach(r -> r.writeTo(sink));
        } else if (this instanceof Double d) {
            sink.doubleValue(d.value());
        } else if (this instanceof Bool b) {
            sink.bool(b.value());
        } else if (this instanceof BigNumber n) {
            sink.bigNumber(n.digits());
        } else if (this instanceof Verbatim v) {
            sink.verbatim(v.format(), v.value());
        }
    }
}
