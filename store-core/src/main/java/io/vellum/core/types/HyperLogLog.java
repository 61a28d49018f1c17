package io.vellum.core.types;

import java.util.Arrays;

/**
 * A HyperLogLog as Redis stores it in a string value (a port of Redis's hyperloglog.c), so
 * that GET returns Redis's bytes and counts equal Redis's for the same inputs.
 *
 * <p><b>Layout.</b> A 16-byte header, then the registers:
 * <pre>
 *   +------+---+-----+----------+----------------------------------+
 *   | HYLL | E | N/U | Cardin.  | registers                        |
 *   +------+---+-----+----------+----------------------------------+
 *   "HYLL"  encoding (0 dense, 1 sparse), 3 unused zero bytes,
 *   cached cardinality: 64-bit little endian; the top bit of byte 15 set = stale.
 * </pre>
 * <ul>
 *   <li><b>dense</b>: 16384 six-bit registers packed from the least significant bit of each
 *       byte on (12288 bytes; 12304 in all).
 *   <li><b>sparse</b>: run-length opcodes: ZERO {@code 00xxxxxx} (1..64 zero registers),
 *       XZERO {@code 01xxxxxx yyyyyyyy} (1..16384 zero registers), VAL {@code 1vvvvvxx}
 *       (value 1..32 repeated 1..4 times). An empty HLL is {@code HYLL 01 000000 00000000 7f ff}
 *       (one XZERO of 16384). It becomes dense when a register exceeds 32 or the string would
 *       pass hll-sparse-max-bytes.
 * </ul>
 *
 * <p>An instance is a mutable working copy of one HLL's bytes (Redis's sds): {@link #bytes}
 * and {@link #length} are the current content. The dense register helpers work on any array
 * at offset {@link #HDR_SIZE}, so PFADD on a dense value changes the stored array in place.
 */
public final class HyperLogLog {
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    private static final int P_MASK = REGISTERS - 1;
    private static final int BITS = 6;
    private static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int HDR_SIZE = 16;
    public static final int DENSE_SIZE = HDR_SIZE + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    private static final int MAX_ENCODING = 1;

    private static final int SPARSE_VAL_MAX_VALUE = 32;
    private static final int SPARSE_VAL_MAX_LEN = 4;
    private static final int SPARSE_ZERO_MAX_LEN = 64;
    private static final int SPARSE_XZERO_MAX_LEN = 16384;
    private static final double ALPHA_INF = 0.721347520444481703680; // 0.5/ln(2)
    private static final long SEED = 0xadc83b19L;

    private byte[] b;
    private int len;

    private HyperLogLog(byte[] b, int len) {
        this.b = b;
        this.len = len;
    }

    /** A working copy of {@code len} bytes of {@code src} (a valid-looking HLL, see {@link #isValid}). */
    public static HyperLogLog copyOf(byte[] src, int len) {
        return new HyperLogLog(Arrays.copyOf(src, Math.max(len, 16) + 8), len);
    }

    /** Redis's createHLLObject: an empty sparse HLL (one XZERO opcode per 16384 registers). */
    public static HyperLogLog createSparse() {
        int sparseLen = HDR_SIZE + ((REGISTERS + (SPARSE_XZERO_MAX_LEN - 1)) / SPARSE_XZERO_MAX_LEN) * 2;
        byte[] s = new byte[sparseLen + 8];
        header(s, SPARSE);
        int p = HDR_SIZE;
        for (int aux = REGISTERS; aux > 0; ) {
            int xzero = Math.min(SPARSE_XZERO_MAX_LEN, aux);
            xzeroSet(s, p, xzero);
            p += 2;
            aux -= xzero;
        }
        return new HyperLogLog(s, sparseLen);
    }

    private static void header(byte[] s, int encoding) {
        s[0] = 'H';
        s[1] = 'Y';
        s[2] = 'L';
        s[3] = 'L';
        s[4] = (byte) encoding;
    }

    /** The current content, exactly {@link #length()} bytes (a new array). */
    public byte[] toBytes() {
        return Arrays.copyOf(b, len);
    }

    public byte[] bytes() {
        return b;
    }

    public int length() {
        return len;
    }

    public int encoding() {
        return b[4];
    }

    // ------------------------------------------------------------------ validity, cache

    /** isHLLObjectOrReply's test: the magic, a known encoding, a dense one of the exact size. */
    public static boolean isValid(byte[] a, int len) {
        if (len < HDR_SIZE || a[0] != 'H' || a[1] != 'Y' || a[2] != 'L' || a[3] != 'L') {
            return false;
        }
        int enc = a[4] & 0xff;
        if (enc > MAX_ENCODING) {
            return false;
        }
        return enc != DENSE || len == DENSE_SIZE;
    }

    public static boolean isDense(byte[] a) {
        return a[4] == DENSE;
    }

    public static void invalidateCache(byte[] a) {
        a[15] |= (byte) 0x80;
    }

    public static boolean validCache(byte[] a) {
        return (a[15] & 0x80) == 0;
    }

    public static long cachedCard(byte[] a) {
        long card = 0;
        for (int i = 7; i >= 0; i--) {
            card = (card << 8) | (a[8 + i] & 0xff);
        }
        return card;
    }

    public static void setCachedCard(byte[] a, long card) {
        for (int i = 0; i < 8; i++) {
            a[8 + i] = (byte) (card >>> (8 * i));
        }
    }

    // ------------------------------------------------------------------ hashing

    /** Redis's MurmurHash64A (endian-neutral: the little-endian reading). */
    static long murmurHash64A(byte[] key, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        int len = key.length;
        long h = seed ^ (len * m);
        int end = len - (len & 7);
        for (int i = 0; i < end; i += 8) {
            long k = (key[i] & 0xffL) | (key[i + 1] & 0xffL) << 8 | (key[i + 2] & 0xffL) << 16
                    | (key[i + 3] & 0xffL) << 24 | (key[i + 4] & 0xffL) << 32 | (key[i + 5] & 0xffL) << 40
                    | (key[i + 6] & 0xffL) << 48 | (key[i + 7] & 0xffL) << 56;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = len & 7;
        if (rest > 0) {
            for (int i = rest - 1; i >= 0; i--) {
                h ^= (key[end + i] & 0xffL) << (8 * i);
            }
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** hllPatLen: the register index in the low 32 bits, the run length of 0...1 in the high 32. */
    static long patLen(byte[] ele) {
        long hash = murmurHash64A(ele, SEED);
        long index = hash & P_MASK;
        hash >>>= P;
        hash |= 1L << Q; // the loop ends with count <= Q+1
        int count = Long.numberOfTrailingZeros(hash) + 1;
        return (long) count << 32 | index;
    }

    // ------------------------------------------------------------------ dense

    /** HLL_DENSE_GET_REGISTER on the registers at offset 16 of {@code a}. */
    public static int denseGet(byte[] a, int regnum) {
        int bytePos = HDR_SIZE + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int b0 = a[bytePos] & 0xff;
        int b1 = bytePos + 1 < a.length ? a[bytePos + 1] & 0xff : 0; // sds's implicit NUL
        return ((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX;
    }

    public static void denseSet(byte[] a, int regnum, int val) {
        int bytePos = HDR_SIZE + regnum * BITS / 8;
        int fb = regnum * BITS & 7;
        int fb8 = 8 - fb;
        a[bytePos] = (byte) ((a[bytePos] & ~(REGISTER_MAX << fb)) | (val << fb));
        if (bytePos + 1 < DENSE_SIZE) {
            a[bytePos + 1] = (byte) ((a[bytePos + 1] & ~(REGISTER_MAX >> fb8)) | (val >> fb8));
        }
    }

    /** hllDenseSet: raises the register to {@code count}; true when it changed. */
    public static boolean denseSetIfGreater(byte[] a, int index, int count) {
        if (count > denseGet(a, index)) {
            denseSet(a, index, count);
            return true;
        }
        return false;
    }

    /** hllDenseAdd on the dense HLL in {@code a}. */
    public static boolean denseAdd(byte[] a, byte[] ele) {
        long pl = patLen(ele);
        return denseSetIfGreater(a, (int) pl, (int) (pl >>> 32));
    }

    // ------------------------------------------------------------------ sparse opcodes

    private static boolean isZero(byte[] a, int p) {
        return (a[p] & 0xc0) == 0;
    }

    private static boolean isXzero(byte[] a, int p) {
        return (a[p] & 0xc0) == 0x40;
    }

    private static boolean isVal(byte[] a, int p) {
        return (a[p] & 0x80) != 0;
    }

    private static int zeroLen(byte[] a, int p) {
        return (a[p] & 0x3f) + 1;
    }

    /** An XZERO's length; a truncated opcode reads its second byte as sds's NUL terminator. */
    private static int xzeroLen(byte[] a, int p) {
        int lo = p + 1 < a.length ? a[p + 1] & 0xff : 0;
        return (((a[p] & 0x3f) << 8) | lo) + 1;
    }

    private static int valValue(byte[] a, int p) {
        return ((a[p] >> 2) & 0x1f) + 1;
    }

    private static int valLen(byte[] a, int p) {
        return (a[p] & 0x3) + 1;
    }

    private static void valSet(byte[] a, int p, int val, int len) {
        a[p] = (byte) (((val - 1) << 2 | (len - 1)) | 0x80);
    }

    private static void zeroSet(byte[] a, int p, int len) {
        a[p] = (byte) (len - 1);
    }

    private static void xzeroSet(byte[] a, int p, int len) {
        int l = len - 1;
        a[p] = (byte) ((l >> 8) | 0x40);
        a[p + 1] = (byte) (l & 0xff);
    }

    // ------------------------------------------------------------------ sparse

    /** hllSparseToDense: false (and nothing changed) when the sparse opcodes are corrupt. */
    public boolean sparseToDense() {
        if (b[4] == DENSE) {
            return true;
        }
        byte[] dense = new byte[DENSE_SIZE];
        System.arraycopy(b, 0, dense, 0, HDR_SIZE); // magic and cached cardinality
        dense[4] = DENSE;
        int idx = 0;
        int p = HDR_SIZE;
        while (p < len) {
            if (isZero(b, p)) {
                idx += zeroLen(b, p);
                p++;
            } else if (isXzero(b, p)) {
                idx += xzeroLen(b, p);
                p += 2;
            } else {
                int runlen = valLen(b, p);
                int regval = valValue(b, p);
                if (runlen + idx > REGISTERS) {
                    break;
                }
                while (runlen-- > 0) {
                    denseSet(dense, idx, regval);
                    idx++;
                }
                p++;
            }
        }
        if (idx != REGISTERS) {
            return false;
        }
        b = dense;
        len = DENSE_SIZE;
        return true;
    }

    /**
     * hllSparseSet: raises register {@code index} to {@code count}, splitting and merging
     * opcodes, promoting to dense when needed. 1 when changed, 0 when not, -1 when corrupt.
     */
    public int sparseSet(int index, int count, int maxBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) {
            return promote(index, count);
        }
        if (b.length < len + 5) {
            b = Arrays.copyOf(b, len + Math.max(len, 16));
        }
        // Step 1: locate the opcode covering 'index'.
        int p = HDR_SIZE;
        int end = len;
        int first = 0;
        int prev = -1;
        int span = 0;
        while (p < end) {
            int oplen = 1;
            if (isZero(b, p)) {
                span = zeroLen(b, p);
            } else if (isVal(b, p)) {
                span = valLen(b, p);
            } else {
                span = xzeroLen(b, p);
                oplen = 2;
            }
            if (index <= first + span - 1) {
                break;
            }
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) {
            return -1;
        }
        int next = isXzero(b, p) ? p + 2 : p + 1;
        if (next >= end) {
            next = -1;
        }
        boolean zero = false;
        boolean xzero = false;
        boolean val = false;
        int runlen;
        if (isZero(b, p)) {
            zero = true;
            runlen = zeroLen(b, p);
        } else if (isXzero(b, p)) {
            xzero = true;
            runlen = xzeroLen(b, p);
        } else {
            val = true;
            runlen = valLen(b, p);
        }
        // Step 2: the trivial cases, then the general split.
        boolean done = false;
        if (val) {
            int oldcount = valValue(b, p);
            if (oldcount >= count) {
                return 0;
            }
            if (runlen == 1) {
                valSet(b, p, count, 1);
                done = true;
            }
        }
        if (!done && zero && runlen == 1) {
            valSet(b, p, count, 1);
            done = true;
        }
        if (!done) {
            byte[] seq = new byte[5];
            int n = 0;
            int last = first + span - 1;
            if (zero || xzero) {
                if (index != first) {
                    n = putZeros(seq, n, index - first);
                }
                valSet(seq, n++, count, 1);
                if (index != last) {
                    n = putZeros(seq, n, last - index);
                }
            } else {
                int curval = valValue(b, p);
                if (index != first) {
                    valSet(seq, n++, curval, index - first);
                }
                valSet(seq, n++, count, 1);
                if (index != last) {
                    valSet(seq, n++, curval, last - index);
                }
            }
            // Step 3: substitute the new sequence for the old opcode.
            int oldlen = xzero ? 2 : 1;
            int deltalen = n - oldlen;
            if (deltalen > 0 && (long) len + deltalen > maxBytes) {
                return promote(index, count);
            }
            if (deltalen != 0 && next >= 0) {
                System.arraycopy(b, next, b, next + deltalen, end - next);
            }
            len += deltalen;
            System.arraycopy(seq, 0, b, p, n);
            end += deltalen;
        }
        // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
        p = prev >= 0 ? prev : HDR_SIZE;
        int scanlen = 5;
        while (p < end && scanlen-- > 0) {
            if (isXzero(b, p)) {
                p += 2;
                continue;
            } else if (isZero(b, p)) {
                p++;
                continue;
            }
            if (p + 1 < end && isVal(b, p + 1)) {
                int v1 = valValue(b, p);
                int v2 = valValue(b, p + 1);
                if (v1 == v2) {
                    int l = valLen(b, p) + valLen(b, p + 1);
                    if (l <= SPARSE_VAL_MAX_LEN) {
                        valSet(b, p + 1, v1, l);
                        System.arraycopy(b, p + 1, b, p, end - p - 1);
                        len--;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        invalidateCache(b);
        return 1;
    }

    private static int putZeros(byte[] seq, int n, int len) {
        if (len > SPARSE_ZERO_MAX_LEN) {
            xzeroSet(seq, n, len);
            return n + 2;
        }
        zeroSet(seq, n, len);
        return n + 1;
    }

    private int promote(int index, int count) {
        if (!sparseToDense()) {
            return -1;
        }
        boolean changed = denseSetIfGreater(b, index, count);
        assert changed;
        return 1;
    }

    /** hllAdd: 1 when a register changed, 0 when not, -1 for a corrupt HLL. */
    public int add(byte[] ele, int maxBytes) {
        long pl = patLen(ele);
        int index = (int) pl;
        int count = (int) (pl >>> 32);
        return switch (b[4]) {
            case DENSE -> denseSetIfGreater(b, index, count) ? 1 : 0;
            case SPARSE -> sparseSet(index, count, maxBytes);
            default -> -1;
        };
    }

    // ------------------------------------------------------------------ counting, merging

    /**
     * hllCount for the HLL in {@code a[0, len)}; for a sparse HLL {@code invalid[0]} is set
     * when its opcodes do not cover exactly 16384 registers.
     */
    public static long count(byte[] a, int len, boolean[] invalid) {
        int[] reghisto = new int[64];
        if (a[4] == DENSE) {
            for (int j = 0; j < REGISTERS; j++) {
                reghisto[denseGet(a, j)]++;
            }
        } else {
            int idx = 0;
            int p = HDR_SIZE;
            while (p < len) {
                int runlen;
                if (isZero(a, p)) {
                    runlen = zeroLen(a, p);
                    reghisto[0] += runlen;
                    p++;
                } else if (isXzero(a, p)) {
                    runlen = xzeroLen(a, p);
                    reghisto[0] += runlen;
                    p += 2;
                } else {
                    runlen = valLen(a, p);
                    reghisto[valValue(a, p)] += runlen;
                    p++;
                }
                idx += runlen;
            }
            if (idx != REGISTERS && invalid != null) {
                invalid[0] = true;
            }
        }
        return estimate(reghisto);
    }

    /** hllCount over raw one-byte registers (PFCOUNT of several keys). */
    public static long countRaw(byte[] registers) {
        int[] reghisto = new int[64];
        for (int j = 0; j < REGISTERS; j++) {
            reghisto[registers[j]]++;
        }
        return estimate(reghisto);
    }

    /** Ertl's estimator ("New cardinality estimation algorithms for HyperLogLog sketches"). */
    private static long estimate(int[] reghisto) {
        double m = REGISTERS;
        double z = m * tau((m - reghisto[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += reghisto[j];
            z *= 0.5;
        }
        z += m * sigma(reghisto[0] / m);
        // llroundl: half away from zero; the value is never negative
        return Math.round(ALPHA_INF * m * m / z);
    }

    private static double sigma(double x) {
        if (x == 1.) {
            return Double.POSITIVE_INFINITY;
        }
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double tau(double x) {
        if (x == 0. || x == 1.) {
            return 0.;
        }
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y; // pow(1 - x, 2) is the correctly rounded square
        } while (zPrime != z);
        return z / 3;
    }

    /** hllMerge: max[i] = MAX(max[i], register i); false when a sparse HLL is corrupt. */
    public static boolean merge(byte[] max, byte[] a, int len) {
        if (a[4] == DENSE) {
            for (int i = 0; i < REGISTERS; i++) {
                int val = denseGet(a, i);
                if (val > max[i]) {
                    max[i] = (byte) val;
                }
            }
            return true;
        }
        int i = 0;
        int p = HDR_SIZE;
        while (p < len) {
            if (isZero(a, p)) {
                i += zeroLen(a, p);
                p++;
            } else if (isXzero(a, p)) {
                i += xzeroLen(a, p);
                p += 2;
            } else {
                int runlen = valLen(a, p);
                int regval = valValue(a, p);
                if (runlen + i > REGISTERS) {
                    break;
                }
                while (runlen-- > 0) {
                    if (regval > max[i]) {
                        max[i] = (byte) regval;
                    }
                    i++;
                }
                p++;
            }
        }
        return i == REGISTERS;
    }

    /** PFDEBUG DECODE's text: "z:N", "Z:N", "v:V,N" separated by spaces. */
    public String decodeSparse() {
        StringBuilder sb = new StringBuilder();
        int p = HDR_SIZE;
        while (p < len) {
            if (isZero(b, p)) {
                sb.append("z:").append(zeroLen(b, p)).append(' ');
                p++;
            } else if (isXzero(b, p)) {
                sb.append("Z:").append(xzeroLen(b, p)).append(' ');
                p += 2;
            } else {
                sb.append("v:").append(valValue(b, p)).append(',').append(valLen(b, p)).append(' ');
                p++;
            }
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }
}
