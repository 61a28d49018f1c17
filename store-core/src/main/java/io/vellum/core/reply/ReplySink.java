package io.vellum.core.reply;

/**
 * Where command code writes its reply (STYLE.md 4). The sink hides the protocol:
 * the RESP encoder writes RESP2 or RESP3 bytes, the embedded API builds {@link Reply}
 * values, the Lua bridge builds Lua values, the effect digest hashes the calls.
 * Command code never builds protocol bytes itself.
 *
 * <p>Aggregates are announced with their element count, then their elements follow
 * as further calls. For a map of n entries, 2n calls follow (key, value, key, value...).
 *
 * <p>Text arguments ({@code String}) are byte strings: each char is one byte (ISO-8859-1),
 * so user bytes quoted in an error text come back exactly. Build such texts with
 * {@link io.vellum.core.util.Text#latin1}.
 *
 * <p>RESP2 mapping (as Redis's addReply* functions): map is an array of 2n, set and push
 * are arrays, double is a bulk string, boolean is integer 1/0, big number and verbatim
 * string are bulk strings, and both null kinds keep their RESP2 shapes.
 */
public interface ReplySink {

    /** {@code +text}. */
    void simple(String text);

    /**
     * An error reply. {@code text} starts with the error code, e.g. {@code "ERR syntax error"}
     * or {@code "WRONGTYPE Operation against a key holding the wrong kind of value"}.
     */
    void error(String text);

    void integer(long value);

    void bulk(byte[] value);

    /** A bulk string of part of an array. */
    void bulk(byte[] value, int offset, int length);

    /** A bulk string of {@code value}'s chars as bytes (ISO-8859-1). */
    void bulk(String value);

    /** The null bulk string ({@code $-1} in RESP2, {@code _} in RESP3). */
    void nullBulk();

    /** The null array ({@code *-1} in RESP2, {@code _} in RESP3). */
    void nullArray();

    void array(int count);

    void map(int entries);

    void set(int count);

    void push(int count);

    /** A double, formatted as Redis 7.2 formats it ({@link io.vellum.core.util.Doubles#format}). */
    void doubleValue(double value);

    /**
     * Redis's addReplyHumanLongDouble: {@code text} (the value as ld2string's LD_STR_HUMAN
     * prints it) as a bulk string in RESP2, a double with that text in RESP3.
     */
    default void humanDouble(double value, String text) {
        if (protocol() == 2) {
            bulk(text);
        } else {
            doubleValue(value);
        }
    }

    void bool(boolean value);

    void bigNumber(String digits);

    /** A verbatim string; {@code format} is three characters such as {@code "txt"}. */
    void verbatim(String format, byte[] value);

    /** The protocol the client speaks (2 or 3); command code asks only when Redis does. */
    int protocol();

    /** {@code +OK}. */
    default void ok() {
        simple("OK");
    }

    default void bulkOrNull(byte[] value) {
        if (value == null) {
            nullBulk();
        } else {
            bulk(value);
        }
    }
}
