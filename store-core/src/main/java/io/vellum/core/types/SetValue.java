package io.vellum.core.types;

import com.google.protobuf.UnsafeByteOperations;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.data.IntSet;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.proto.SetData;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.util.Longs;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A set, in one of Redis 7.2's three encodings, converting as Redis's t_set.c does and
 * only towards larger encodings (except where Redis itself builds a new set):
 *
 * <ul>
 *   <li><b>intset</b>: integers only (string2ll-canonical members), at most
 *       set-max-intset-entries, iterated in ascending numeric order ({@link IntSet}).
 *   <li><b>listpack</b>: at most set-max-listpack-entries members of at most
 *       set-max-listpack-value bytes, iterated in insertion order.
 *   <li><b>hashtable</b>: anything else. Redis iterates it in hash order; Vellum in insertion
 *       order (DESIGN.md rule 3), with SSCAN cursors that are {@link OrderedDict} sequence
 *       numbers.
 * </ul>
 *
 * A conversion keeps the current iteration order as the new insertion order (an intset
 * becomes its members in ascending order). Listpack and hashtable share one
 * {@link OrderedDict}; a flag says which encoding Redis would report.
 *
 * <p>Engine thread only.
 */
public final class SetValue extends Value {
    /** Redis caps intsets at 2^30 entries whatever the configuration says. */
    private static final long INTSET_HARD_LIMIT = 1L << 30;

    /** The encoding thresholds in force for one command (Redis reads them per operation). */
    public record Limits(long intsetEntries, long listpackEntries, long listpackValue) {
        public static Limits of(StoreConfig c) {
            return new Limits(c.setMaxIntsetEntries.get(), c.setMaxListpackEntries.get(), c.setMaxListpackValue.get());
        }

        long intsetMax() {
            return Math.min(intsetEntries, INTSET_HARD_LIMIT);
        }
    }

    /** The intset encoding's members, or null. */
    private IntSet ints;
    /** The listpack and hashtable encodings' members (values unused), or null. */
    private OrderedDict<Boolean> dict;
    private boolean listpack;

    private SetValue(IntSet ints, OrderedDict<Boolean> dict, boolean listpack) {
        this.ints = ints;
        this.dict = dict;
        this.listpack = listpack;
    }

    /** An empty intset-encoded set (SUNION and SDIFF build their results from one). */
    public static SetValue emptyIntset() {
        return new SetValue(new IntSet(), null, false);
    }

    /** An empty listpack-encoded set. */
    public static SetValue emptyListpack() {
        return new SetValue(null, new OrderedDict<>(), true);
    }

    /**
     * Redis's setTypeCreate: the set that SADD creates for {@code first} when about
     * {@code sizeHint} members will be added.
     */
    public static SetValue create(byte[] first, long sizeHint, Limits l) {
        if (Longs.isLong(first) && sizeHint <= l.intsetEntries()) {
            return emptyIntset();
        }
        if (sizeHint <= l.listpackEntries()) {
            return emptyListpack();
        }
        return new SetValue(null, new OrderedDict<>((int) Math.min(sizeHint, 1 << 20)), false);
    }

    /** Redis's setTypeMaybeConvert: go to hashtable now when {@code sizeHint} adds will not fit. */
    public void maybeConvert(long sizeHint, Limits l) {
        if ((isListpack() && sizeHint > l.listpackEntries()) || (isIntset() && sizeHint > l.intsetEntries())) {
            toHashtable();
        }
    }

    public boolean isIntset() {
        return ints != null;
    }

    /** The member dictionary (null for an intset), for {@link StoredValueWriter}. */
    OrderedDict<Boolean> dict() {
        return dict;
    }

    public boolean isListpack() {
        return ints == null && listpack;
    }

    /** True for the encodings whose SSCAN returns everything at once (intset, listpack). */
    public boolean isCompact() {
        return ints != null || listpack;
    }

    public int size() {
        return ints != null ? ints.size() : dict.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public boolean contains(byte[] member) {
        if (ints != null) {
            return Longs.isLong(member) && ints.contains(Longs.parseValid(member));
        }
        return dict.containsKey(member);
    }

    /** Redis's setTypeAdd with its conversions; false when already a member. */
    public boolean add(byte[] member, Limits l) {
        if (ints != null) {
            if (Longs.isLong(member)) {
                if (!ints.add(Longs.parseValid(member))) {
                    return false;
                }
                if (ints.size() > l.intsetMax()) {
                    toHashtable();
                }
                return true;
            }
            int n = ints.size();
            long maxLen = n == 0 ? 0 : Math.max(Longs.digits(ints.min()), Longs.digits(ints.max()));
            if (n < l.listpackEntries() && member.length <= l.listpackValue() && maxLen <= l.listpackValue()) {
                toDict(true);
            } else {
                toDict(false);
            }
            dict.put(member, Boolean.TRUE);
            return true;
        }
        if (dict.containsKey(member)) {
            return false;
        }
        if (listpack && (dict.size() >= l.listpackEntries() || member.length > l.listpackValue())) {
            listpack = false;
        }
        dict.put(member, Boolean.TRUE);
        return true;
    }

    /** Removes {@code member}; false when it was not a member. */
    public boolean remove(byte[] member) {
        if (ints != null) {
            return Longs.isLong(member) && ints.remove(Longs.parseValid(member));
        }
        return dict.remove(member) != null;
    }

    /** Visits the members in iteration order (intset members as decimal strings). */
    public void forEach(Consumer<byte[]> visitor) {
        if (ints != null) {
            for (int i = 0; i < ints.size(); i++) {
                visitor.accept(Longs.toBytes(ints.get(i)));
            }
        } else {
            dict.forEach((k, v) -> visitor.accept(k));
        }
    }

    /** Visits the members in iteration order until {@code visitor} returns false. */
    public void forEachWhile(java.util.function.Predicate<byte[]> visitor) {
        if (ints != null) {
            for (int i = 0; i < ints.size(); i++) {
                if (!visitor.test(Longs.toBytes(ints.get(i)))) {
                    return;
                }
            }
            return;
        }
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            if (!visitor.test(dict.keyAt(e))) {
                return;
            }
        }
    }

    /** A uniformly chosen member (the set must not be empty). */
    public byte[] randomMember(RandomGenerator random) {
        if (ints != null) {
            return Longs.toBytes(ints.get(random.nextInt(ints.size())));
        }
        return dict.keyAt(dict.randomEntry(random));
    }

    /** Removes and returns a uniformly chosen member (the set must not be empty). */
    public byte[] popRandom(RandomGenerator random) {
        if (ints != null) {
            int i = random.nextInt(ints.size());
            long v = ints.get(i);
            ints.removeAt(i);
            return Longs.toBytes(v);
        }
        byte[] m = dict.keyAt(dict.randomEntry(random));
        dict.remove(m);
        return m;
    }

    /**
     * Picks {@code count} distinct members (count below the size) uniformly, returned in
     * iteration order: Redis's lpNextRandom walk, used for listpack sets.
     */
    public byte[][] orderedSample(int count, RandomGenerator random) {
        byte[][] out = new byte[count][];
        int left = size();
        int need = count;
        int k = 0;
        for (int e = dict.firstEntry(); e >= 0 && need > 0; e = dict.nextEntry(e + 1)) {
            if (random.nextInt(left) < need) {
                out[k++] = dict.keyAt(e);
                need--;
            }
            left--;
        }
        return out;
    }

    /** Redis's maybeConvertToIntset: when every member is an integer, back to an intset. */
    public void maybeConvertToIntset(Limits l) {
        if (ints != null || dict.size() > l.intsetMax()) {
            return;
        }
        IntSet is = new IntSet(dict.size());
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            byte[] m = dict.keyAt(e);
            if (!Longs.isLong(m)) {
                return;
            }
            is.add(Longs.parseValid(m));
        }
        ints = is;
        dict = null;
        listpack = false;
    }

    private void toHashtable() {
        if (ints != null) {
            toDict(false);
        } else {
            listpack = false;
        }
    }

    /** Leaves the intset encoding, keeping its ascending order as the insertion order. */
    private void toDict(boolean asListpack) {
        OrderedDict<Boolean> d = new OrderedDict<>(ints.size() + 1);
        for (int i = 0; i < ints.size(); i++) {
            d.put(Longs.toBytes(ints.get(i)), Boolean.TRUE);
        }
        ints = null;
        dict = d;
        listpack = asListpack;
    }

    /**
     * One SSCAN step over a hashtable-encoded set: members whose sequence is at least
     * {@code cursor}, up to {@code count}; returns the next cursor (0 at the end).
     */
    public long scan(long cursor, long count, Consumer<byte[]> visitor) {
        return dict.scan(cursor, count, (k, v) -> visitor.accept(k));
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : listpack ? "listpack" : "hashtable";
    }

    @Override
    public Value copy() {
        if (ints != null) {
            return new SetValue(ints.copy(), null, false);
        }
        OrderedDict<Boolean> d = new OrderedDict<>(dict.size());
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            d.insertWithSeq(dict.keyAt(e), Boolean.TRUE, dict.seqAt(e));
        }
        d.advanceNextSeq(dict.nextSeq());
        return new SetValue(null, d, listpack);
    }

    /** xorObjectDigest for sets: the XOR of every member's SHA1. */
    @Override
    public void mixDigest(byte[] digest) {
        forEach(m -> RedisDigest.xor(digest, m));
    }

    @Override
    public StoredValue toProto() {
        SetData.Builder b = SetData.newBuilder().setEncoding(encoding());
        if (ints != null) {
            forEach(m -> b.addMember(UnsafeByteOperations.unsafeWrap(m)));
        } else {
            long prev = 0;
            for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                b.addMember(UnsafeByteOperations.unsafeWrap(dict.keyAt(e)));
                b.addSeqDelta(dict.seqAt(e) - prev);
                prev = dict.seqAt(e);
            }
            b.setNextSeq(dict.nextSeq());
        }
        return StoredValue.newBuilder().setSet(b).build();
    }

    /** The set a stored message holds; IllegalArgumentException when it is not a valid set. */
    static SetValue fromProto(SetData d) {
        byte[][] members = new byte[d.getMemberCount()][];
        for (int i = 0; i < members.length; i++) {
            members[i] = d.getMember(i).toByteArray();
        }
        long[] deltas = new long[d.getSeqDeltaCount()];
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = d.getSeqDelta(i);
        }
        return fromParts(members, members.length, deltas, deltas.length, d.getNextSeq(), d.getEncoding());
    }

    /**
     * The set SetData's fields describe (the first {@code n*} items of each array; the byte
     * arrays become the set's own); IllegalArgumentException when it is not a valid set.
     */
    static SetValue fromParts(byte[][] members, int nMembers, long[] seqDeltas, int nDeltas, long nextSeq, String encoding) {
        switch (encoding) {
            case "intset" -> {
                IntSet is = new IntSet(nMembers);
                for (int i = 0; i < nMembers; i++) {
                    byte[] b = members[i];
                    if (!Longs.isLong(b) || !is.add(Longs.parseValid(b))) {
                        throw new IllegalArgumentException("intset member is not a distinct integer");
                    }
                }
                return new SetValue(is, null, false);
            }
            case "listpack", "hashtable" -> {
                if (nDeltas != nMembers) {
                    throw new IllegalArgumentException("set members and sequence numbers differ in count");
                }
                OrderedDict<Boolean> dict = new OrderedDict<>(nMembers);
                long seq = 0;
                for (int i = 0; i < nMembers; i++) {
                    seq += seqDeltas[i];
                    dict.insertWithSeq(members[i], Boolean.TRUE, seq);
                }
                dict.advanceNextSeq(nextSeq);
                return new SetValue(null, dict, encoding.equals("listpack"));
            }
            default -> throw new IllegalArgumentException("unknown set encoding '" + encoding + "'");
        }
    }
}
