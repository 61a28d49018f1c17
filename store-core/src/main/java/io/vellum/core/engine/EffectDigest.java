package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;
import java.nio.charset.StandardCharsets;
import net.openhft.hashing.LongHashFunction;

/**
 * The digest of a unit's effects, stored in its log record so replay can check itself
 * (DESIGN.md, determinism rule 6). It mixes every reply call the unit made (so a random
 * pick or a time read that came out differently changes it) and every key the unit changed,
 * in order. Replay runs the unit against a fresh digest and compares.
 *
 * <p>As a sink it only hashes; {@link Tee} sends replies to the client and here at once.
 * Engine thread only.
 */
public final class EffectDigest implements ReplySink {
    private static final long M = 0x9E3779B97F4A7C15L;
    /**
     * Digests are stored in log records and compared by another process on replay, so the
     * hash of byte strings has a fixed seed (not the keyspace's per-process one) and, like
     * everything else here, never changes.
     */
    private static final LongHashFunction BYTES = LongHashFunction.xx3(0x7665_6C6C_756D_4C4FL);
    private long h;
    private int protocol = 2;

    public void reset(int protocol) {
        this.h = 0x5851F42D4C957F2DL;
        this.protocol = protocol;
    }

    public long value() {
        return h;
    }

    private void mix(long v) {
        h = Long.rotateLeft((h ^ v) * M, 31) + 0x632BE59BD9B4E019L;
    }

    private void mixBytes(byte[] b, int off, int len) {
        mix(len);
        mix(BYTES.hashBytes(b, off, len));
    }

    /** A key changed in database {@code db}. */
    public void keyChanged(int db, byte[] key) {
        mix(0x4B);
        mix(db);
        mixBytes(key, 0, key.length);
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public void simple(String text) {
        mix('+');
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        mixBytes(b, 0, b.length);
    }

    /** {@code simple("OK")}'s hash of the text, computed once: +OK is the most frequent reply of a write. */
    private static final long OK_HASH = BYTES.hashBytes(new byte[] {'O', 'K'});

    @Override
    public void ok() {
        mix('+');
        mix(2);
        mix(OK_HASH);
    }

    @Override
    public void error(String text) {
        mix('-');
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        mixBytes(b, 0, b.length);
    }

    @Override
    public void integer(long value) {
        mix(':');
        mix(value);
    }

    @Override
    public void bulk(byte[] value) {
        mix('$');
        mixBytes(value, 0, value.length);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        mix('$');
        mixBytes(value, offset, length);
    }

    @Override
    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void nullBulk() {
        mix('_');
    }

    @Override
    public void nullArray() {
        mix('_' + 1);
    }

    @Override
    public void array(int count) {
        mix('*');
        mix(count);
    }

    @Override
    public void map(int entries) {
        mix('%');
        mix(entries);
    }

    @Override
    public void set(int count) {
        mix('~');
        mix(count);
    }

    @Override
    public void push(int count) {
        mix('>');
        mix(count);
    }

    @Override
    public void doubleValue(double value) {
        mix(',');
        mix(Double.doubleToLongBits(value));
    }

    @Override
    public void bool(boolean value) {
        mix(value ? 't' : 'f');
    }

    @Override
    public void bigNumber(String digits) {
        mix('(');
        simple(digits);
    }

    @Override
    public void verbatim(String format, byte[] value) {
        mix('=');
        simple(format);
        bulk(value);
    }

    /** Sends every reply call to a client sink and to the digest. */
    public static final class Tee implements ReplySink {
        private ReplySink client;
        private EffectDigest digest;

        void set(ReplySink client, EffectDigest digest) {
            this.client = client;
            this.digest = digest;
        }

        /** Where the client's replies go, bypassing the digest. */
        ReplySink client() {
            return client;
        }

        @Override
        public int protocol() {
            return client.protocol();
        }

        @Override
        public void simple(String text) {
            client.simple(text);
            digest.simple(text);
        }

        @Override
        public void ok() {
            client.ok();
            digest.ok();
        }

        @Override
        public void error(String text) {
            client.error(text);
            digest.error(text);
        }

        @Override
        public void integer(long value) {
            client.integer(value);
            digest.integer(value);
        }

        @Override
        public void bulk(byte[] value) {
            client.bulk(value);
            digest.bulk(value);
        }

        @Override
        public void bulk(byte[] value, int offset, int length) {
            client.bulk(value, offset, length);
            digest.bulk(value, offset, length);
        }

        @Override
        public void bulk(String value) {
            byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
            client.bulk(b);
            digest.bulk(b);
        }

        @Override
        public void nullBulk() {
            client.nullBulk();
            digest.nullBulk();
        }

        @Override
        public void nullArray() {
            client.nullArray();
            digest.nullArray();
        }

        @Override
        public void array(int count) {
            client.array(count);
            digest.array(count);
        }

        @Override
        public void map(int entries) {
            client.map(entries);
            digest.map(entries);
        }

        @Override
        public void set(int count) {
            client.set(count);
            digest.set(count);
        }

        @Override
        public void push(int count) {
            client.push(count);
            digest.push(count);
        }

        @Override
        public void doubleValue(double value) {
            client.doubleValue(value);
            digest.doubleValue(value);
        }

        @Override
        public void humanDouble(double value, String text) {
            client.humanDouble(value, text);
            digest.humanDouble(value, text);
        }

        @Override
        public void bool(boolean value) {
            client.bool(value);
            digest.bool(value);
        }

        @Override
        public void bigNumber(String digits) {
            client.bigNumber(digits);
            digest.bigNumber(digits);
        }

        @Override
        public void verbatim(String format, byte[] value) {
            client.verbatim(format, value);
            digest.verbatim(format, value);
        }
    }

    static String describe(long digest) {
        return String.format("%016x", digest);
    }

}
