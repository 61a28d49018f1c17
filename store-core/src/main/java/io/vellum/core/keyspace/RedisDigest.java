package io.vellum.core.keyspace;

import io.vellum.core.types.Value;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE, computed as Redis's debug.c computes them, so a
 * Vellum store and a Redis holding the same data answer the same hex string (for sorted
 * sets, 7.2's score formatting). Unordered aggregates XOR their elements' SHA1s; lists and
 * streams chain them ({@link #mix}). Each value type digests its own content
 * ({@link Value#mixDigest}).
 *
 * <p>Engine thread (reads the keyspace).
 */
public final class RedisDigest {
    private RedisDigest() {
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** digest ^= SHA1(data): order-insensitive "add". */
    public static void xor(byte[] digest, byte[] data, int off, int len) {
        MessageDigest md = sha1();
        md.update(data, off, len);
        byte[] h = md.digest();
        for (int i = 0; i < 20; i++) {
            digest[i] ^= h[i];
        }
    }

    public static void xor(byte[] digest, byte[] data) {
        xor(digest, data, 0, data.length);
    }

    /** digest = SHA1(digest ^ SHA1(data)): order-sensitive "append". */
    public static void mix(byte[] digest, byte[] data, int off, int len) {
        xor(digest, data, off, len);
        MessageDigest md = sha1();
        md.update(digest, 0, 20);
        System.arraycopy(md.digest(), 0, digest, 0, 20);
    }

    public static void mix(byte[] digest, byte[] data) {
        mix(digest, data, 0, data.length);
    }

    /** Redis's OBJ_* type codes, mixed into each key's digest. */
    private static int redisTypeCode(Value v) {
        return switch (v.type()) {
            case STRING -> 0;
            case LIST -> 1;
            case SET -> 2;
            case ZSET -> 3;
            case HASH -> 4;
            case STREAM -> 6;
        };
    }

    /** xorObjectDigest: type, value content, and the expire marker, mixed into {@code digest}. */
    public static void objectDigest(byte[] digest, Value v, boolean hasExpire) {
        mix(digest, ByteBuffer.allocate(4).putInt(redisTypeCode(v)).array());
        v.mixDigest(digest);
        if (hasExpire) {
            xor(digest, "!!expire!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    /** computeDatasetDigest over every database. */
    public static byte[] dataset(Keyspace ks) {
        byte[] fin = new byte[20];
        for (int j = 0; j < ks.count(); j++) {
            Database db = ks.db(j);
            if (db.size() == 0) {
                continue;
            }
            mix(fin, ByteBuffer.allocate(4).putInt(j).array());
            var dict = db.dict();
            for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                byte[] key = dict.keyAt(e);
                byte[] d = new byte[20];
                mix(d, key);
                objectDigest(d, dict.valueAt(e), db.expireAt(key) != -1);
                xor(fin, d); // Redis's xorDigest(final, digest, 20): XORs SHA1(digest), not digest
            }
        }
        return fin;
    }

    public static String hex(byte[] digest) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : digest) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
