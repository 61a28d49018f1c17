package io.vellum.scripting.lib;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The order in which Lua 5.1's {@code lua_next} (what Redis's cjson and cmsgpack iterate with)
 * would visit a table's keys, rebuilt from the table's contents by simulating Lua 5.1's ltable.c:
 * the array part first (sized by {@code computesizes}), then the node array, each key at its main
 * position ({@code luaS_hash} of strings, {@code hashnum} of numbers, booleans as is) with
 * collisions resolved through the free pointer that walks down from the end.
 *
 * <p>Exact when no two hash keys share a main position: then the layout does not depend on the
 * order of insertion. When keys collide, Lua 5.1's layout depends on the insertion history,
 * which LuaJ does not keep; keys are then inserted in LuaJ's iteration order, which gives Redis's
 * order for some tables and a different (still deterministic) one for others. Keys that Lua 5.1
 * hashes by address (tables, functions, userdata) make the order unknowable: LuaJ's is used.
 */
public final class Lua51TableOrder {
    /**
     * Insertion order of the string keys of tables this library built key by key (cjson.decode
     * objects, cmsgpack.unpack maps), as Lua 5.1 built them in Redis: an empty table grown by
     * rehashing. Identity-keyed (LuaTable keeps Object's equals and hashCode) and weak, so an
     * entry lives as long as its table.
     */
    private static final Map<LuaTable, List<LuaValue>> BUILT = Collections.synchronizedMap(new WeakHashMap<>());

    private Lua51TableOrder() {}

    /**
     * A {@code pairs} that visits keys in {@link #keys} order (Lua 5.1's, where it can be
     * rebuilt) instead of LuaJ's, for a scripting engine that wants {@code for k, v in pairs(t)}
     * to walk tables as Redis does. The order is computed once per call (O(n)); keys whose value
     * becomes nil during the loop are skipped, as {@code next} would. Not installed by
     * {@link RedisLuaLibraries#install}: the engine decides.
     */
    public static LuaValue pairsFunction() {
        return new org.luaj.vm2.lib.VarArgFunction() {
            {
                name = "pairs";
            }

            @Override
            public Varargs invoke(Varargs args) {
                LuaValue v = args.arg1();
                if (!v.istable()) {
                    throw Lua51.typeError(args, 1, "pairs", "table");
                }
                LuaTable t = (LuaTable) v;
                List<LuaValue> order = keys(t);
                LuaValue iterator = new org.luaj.vm2.lib.VarArgFunction() {
                    private int i;

                    @Override
                    public Varargs invoke(Varargs ignored) {
                        while (i < order.size()) {
                            LuaValue k = order.get(i++);
                            LuaValue val = t.rawget(k);
                            if (!val.isnil()) {
                                return varargsOf(k, val);
                            }
                        }
                        return NIL;
                    }
                };
                return varargsOf(iterator, t, NIL);
            }
        };
    }

    /** Records that {@code t} was built from empty by inserting {@code keys} (all strings) in this order. */
    static void recordIncremental(LuaTable t, List<LuaValue> keys) {
        BUILT.put(t, keys);
    }

    /** The keys of {@code t} in Lua 5.1's {@code next} order. */
    public static List<LuaValue> keys(LuaTable t) {
        List<LuaValue> built = BUILT.get(t);
        if (built != null) {
            List<LuaValue> incremental = incrementalOrder(t, built);
            if (incremental != null) {
                return incremental;
            }
        }
        List<LuaValue> all = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs e = t.next(k);
            k = e.arg1();
            if (k.isnil()) {
                break;
            }
            int type = k.type();
            if (type != LuaValue.TSTRING && type != LuaValue.TNUMBER && type != LuaValue.TBOOLEAN) {
                return luajOrder(t);
            }
            all.add(k);
        }
        if (all.size() <= 1) {
            return all;
        }
        int arraySize = arraySize(all);
        List<LuaValue> hashKeys = new ArrayList<>();
        boolean[] inArray = new boolean[arraySize + 1];
        for (LuaValue key : all) {
            int idx = arrayIndex(key);
            if (idx >= 1 && idx <= arraySize) {
                inArray[idx] = true;
            } else {
                hashKeys.add(key);
            }
        }
        List<LuaValue> out = new ArrayList<>(all.size());
        for (int i = 1; i <= arraySize; i++) {
            if (inArray[i]) {
                out.add(LuaValue.valueOf(i));
            }
        }
        out.addAll(layout(hashKeys));
        return out;
    }

    /**
     * The order for a table grown key by key from empty (Lua 5.1's luaH_set, newkey and rehash),
     * its recorded keys first (those still present) then keys added since, in LuaJ's order; null
     * when the table now has keys that are not strings (its array part would matter).
     */
    private static List<LuaValue> incrementalOrder(LuaTable t, List<LuaValue> recorded) {
        java.util.LinkedHashSet<LuaValue> order = new java.util.LinkedHashSet<>();
        for (LuaValue k : recorded) {
            if (!t.rawget(k).isnil()) {
                order.add(k);
            }
        }
        for (LuaValue k : luajOrder(t)) {
            if (k.type() != LuaValue.TSTRING) {
                return null;
            }
            order.add(k);
        }
        Growing g = new Growing();
        for (LuaValue k : order) {
            g.insert(k);
        }
        List<LuaValue> out = new ArrayList<>(order.size());
        for (LuaValue k : g.node) {
            if (k != null) {
                out.add(k);
            }
        }
        return out;
    }

    /** A Lua 5.1 node array that starts empty and rehashes when full, for string keys only. */
    private static final class Growing {
        LuaValue[] node = new LuaValue[0];
        int[] next = new int[0];
        int lastfree;
        int count;

        void insert(LuaValue key) {
            while (!tryInsert(key)) {
                LuaValue[] old = node;
                int size = 1 << ceilLog2(count + 1);
                node = new LuaValue[size];
                next = new int[size];
                java.util.Arrays.fill(next, -1);
                lastfree = size;
                for (int i = old.length - 1; i >= 0; i--) {
                    if (old[i] != null) {
                        tryInsert(old[i]);
                    }
                }
            }
            count++;
        }

        /** newkey; false when there is no free node (the caller rehashes). */
        private boolean tryInsert(LuaValue key) {
            int size = node.length;
            if (size == 0) {
                return false;
            }
            int mp = mainPosition(key, size);
            if (node[mp] != null) {
                int n = -1;
                while (lastfree-- > 0) {
                    if (node[lastfree] == null) {
                        n = lastfree;
                        break;
                    }
                }
                if (n < 0) {
                    lastfree = 0;
                    return false;
                }
                int othern = mainPosition(node[mp], size);
                if (othern != mp) {
                    while (next[othern] != mp) {
                        othern = next[othern];
                    }
                    next[othern] = n;
                    node[n] = node[mp];
                    next[n] = next[mp];
                    next[mp] = -1;
                    node[mp] = null;
                } else {
                    next[n] = next[mp];
                    next[mp] = n;
                    mp = n;
                }
            }
            node[mp] = key;
            return true;
        }
    }

    private static List<LuaValue> luajOrder(LuaTable t) {
        List<LuaValue> out = new ArrayList<>();
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                return out;
            }
            out.add(k);
        }
    }

    /** The key as a positive int array index, or 0. */
    private static int arrayIndex(LuaValue k) {
        if (k.type() != LuaValue.TNUMBER) {
            return 0;
        }
        double d = k.todouble();
        if (d >= 1 && d <= (1 << 26) && d == Math.floor(d)) {
            return (int) d;
        }
        return 0;
    }

    /** ltable.c computesizes: the largest power of two more than half full of integer keys. */
    private static int arraySize(List<LuaValue> keys) {
        int[] nums = new int[28];
        int total = 0;
        for (LuaValue k : keys) {
            int idx = arrayIndex(k);
            if (idx > 0) {
                nums[ceilLog2(idx)]++;
                total++;
            }
        }
        int a = 0;
        int n = 0;
        for (int i = 0, twotoi = 1; twotoi / 2 < total && i < nums.length; i++, twotoi *= 2) {
            if (nums[i] > 0) {
                a += nums[i];
                if (a > twotoi / 2) {
                    n = twotoi;
                }
            }
            if (a == total) {
                break;
            }
        }
        return n;
    }

    private static int ceilLog2(int x) {
        return x <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(x - 1);
    }

    /** Inserts the keys into a simulated node array as luaH_set/newkey do; returns it in slot order. */
    private static List<LuaValue> layout(List<LuaValue> keys) {
        List<LuaValue> out = new ArrayList<>(keys.size());
        if (keys.isEmpty()) {
            return out;
        }
        int size = 1 << ceilLog2(keys.size());
        LuaValue[] node = new LuaValue[size];
        int[] next = new int[size];
        java.util.Arrays.fill(next, -1);
        int lastfree = size;
        for (LuaValue key : keys) {
            int mp = mainPosition(key, size);
            if (node[mp] != null) {
                int n = -1;
                while (lastfree-- > 0) {
                    if (node[lastfree] == null) {
                        n = lastfree;
                        break;
                    }
                }
                if (n < 0) {
                    // cannot happen: the array is sized for every key
                    throw new IllegalStateException("no free node");
                }
                int othern = mainPosition(node[mp], size);
                if (othern != mp) {
                    while (next[othern] != mp) {
                        othern = next[othern];
                    }
                    next[othern] = n;
                    node[n] = node[mp];
                    next[n] = next[mp];
                    next[mp] = -1;
                    node[mp] = null;
                } else {
                    next[n] = next[mp];
                    next[mp] = n;
                    mp = n;
                }
            }
            node[mp] = key;
        }
        for (LuaValue k : node) {
            if (k != null) {
                out.add(k);
            }
        }
        return out;
    }

    private static int mainPosition(LuaValue key, int size) {
        switch (key.type()) {
            case LuaValue.TSTRING:
                return stringHash((LuaString) key) & (size - 1);
            case LuaValue.TBOOLEAN:
                return (key.toboolean() ? 1 : 0) & (size - 1);
            default: {
                double d = key.todouble();
                if (d == 0) {
                    return 0;
                }
                long bits = Double.doubleToRawLongBits(d);
                int sum = (int) bits + (int) (bits >>> 32);
                return (int) (Integer.toUnsignedLong(sum) % ((size - 1) | 1));
            }
        }
    }

    /** lstring.c luaS_newlstr's hash: seeded with the length, at most 32 sampled bytes. */
    static int stringHash(LuaString s) {
        int l = s.length();
        int h = l;
        int step = (l >> 5) + 1;
        for (int l1 = l; l1 >= step; l1 -= step) {
            h = h ^ ((h << 5) + (h >>> 2) + s.luaByte(l1 - 1));
        }
        return h;
    }
}
