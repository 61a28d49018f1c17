package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.HyperLogLog;
import io.vellum.core.types.StringValue;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * HyperLogLog commands (Redis's hyperloglog.c). An HLL is a string value holding Redis's
 * bytes ({@link HyperLogLog}); the value is stored "raw", as Redis's createHLLObject and
 * dbUnshareStringValue leave it.
 *
 * <p>A dense HLL is changed in place (O(1) per element); a sparse one (at most
 * hll-sparse-max-bytes) is changed on a copy that replaces the value, keeping its TTL.
 */
public final class HyperLogLogCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("pfadd", HyperLogLogCommands::pfadd)
                .bind("pfcount", HyperLogLogCommands::pfcount)
                .bind("pfmerge", HyperLogLogCommands::pfmerge)
                .bind("pfdebug", HyperLogLogCommands::pfdebug)
                .bind("pfselftest", HyperLogLogCommands::pfselftest);
    }

    static final CommandError E_INVALID_HLL = new CommandError("INVALIDOBJ Corrupted HLL object detected");
    static final CommandError E_NOT_HLL = new CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.");

    /** isHLLObjectOrReply: the string at a key must hold a well-formed HLL header. */
    private static StringValue checkHll(StringValue s) {
        if (s != null && !HyperLogLog.isValid(s.array(), s.length())) {
            throw E_NOT_HLL;
        }
        return s;
    }

    /**
     * dbUnshareStringValue: Redis turns an "embstr" HLL (one SET from its bytes) into a "raw"
     * string before reading or changing it, without counting that as a change.
     */
    private static void unshare(CommandContext ctx, byte[] key, StringValue s) {
        if (s != null && !s.isRaw()) {
            ctx.db().lookupWrite(key); // the value is about to change (snapshot copy-on-write)
            s.writableArray();
        }
    }

    private static int maxSparseBytes(CommandContext ctx) {
        return (int) Math.min(ctx.config().hllSparseMaxBytes.get(), Integer.MAX_VALUE);
    }

    /** Stores a changed working copy at {@code key}, keeping the key's TTL. */
    private static void store(CommandContext ctx, byte[] key, HyperLogLog h, boolean exists) {
        StringValue v = StringValue.rawOf(h.toBytes());
        if (exists) {
            ctx.db().set(key, v, true);
        } else {
            ctx.db().add(key, v);
        }
    }

    /* PFADD key [element [element ...]] */
    static void pfadd(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        StringValue s = checkHll(StringCommands.writeString(ctx, key));
        unshare(ctx, key, s);
        int max = maxSparseBytes(ctx);
        if (s != null && HyperLogLog.isDense(s.array())) {
            byte[] a = s.writableArray();
            boolean updated = false;
            for (int j = 2; j < ctx.argc(); j++) {
                updated |= HyperLogLog.denseAdd(a, ctx.arg(j));
            }
            if (updated) {
                HyperLogLog.invalidateCache(a);
                ctx.db().signalModified(key);
            }
            ctx.reply().integer(updated ? 1 : 0);
            return;
        }
        HyperLogLog h = s == null ? HyperLogLog.createSparse() : HyperLogLog.copyOf(s.array(), s.length());
        boolean updated = s == null;
        boolean changed = s == null;
        CommandError error = null;
        for (int j = 2; j < ctx.argc(); j++) {
            int r = h.add(ctx.arg(j), max);
            if (r == 1) {
                updated = changed = true;
            } else if (r == -1) {
                // Redis keeps what the earlier elements changed and answers the error
                error = E_INVALID_HLL;
                changed |= h.length() != s.length() || !Arrays.equals(h.bytes(), 0, h.length(), s.array(), 0, s.length());
                break;
            }
        }
        if (updated && error == null) {
            HyperLogLog.invalidateCache(h.bytes());
        }
        if (changed) {
            store(ctx, key, h, s != null);
        }
        if (error != null) {
            throw error;
        }
        ctx.reply().integer(updated ? 1 : 0);
    }

    /* PFCOUNT key [key ...] */
    static void pfcount(CommandContext ctx) {
        if (ctx.argc() > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < ctx.argc(); j++) {
                StringValue s = checkHll(StringCommands.readString(ctx, ctx.arg(j)));
                if (s != null && !HyperLogLog.merge(max, s.array(), s.length())) {
                    throw E_INVALID_HLL;
                }
            }
            ctx.reply().integer(HyperLogLog.countRaw(max));
            return;
        }
        byte[] key = ctx.arg(1);
        StringValue s = checkHll(StringCommands.readString(ctx, key));
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        unshare(ctx, key, s);
        if (HyperLogLog.validCache(s.array())) {
            ctx.reply().integer(HyperLogLog.cachedCard(s.array()));
            return;
        }
        boolean[] invalid = {false};
        long card = HyperLogLog.count(s.array(), s.length(), invalid);
        if (invalid[0]) {
            throw E_INVALID_HLL;
        }
        // The cache is part of the string: updating it is a change, logged and replicated.
        ctx.db().lookupWrite(key);
        HyperLogLog.setCachedCard(s.writableArray(), card);
        ctx.db().signalModified(key);
        ctx.reply().integer(card);
    }

    /* PFMERGE destkey [sourcekey [sourcekey ...]] */
    static void pfmerge(CommandContext ctx) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < ctx.argc(); j++) {
            StringValue s = checkHll(StringCommands.readString(ctx, ctx.arg(j)));
            if (s == null) {
                continue;
            }
            useDense |= HyperLogLog.isDense(s.array());
            if (!HyperLogLog.merge(max, s.array(), s.length())) {
                throw E_INVALID_HLL;
            }
        }
        byte[] key = ctx.arg(1);
        StringValue s = StringCommands.writeString(ctx, key);
        HyperLogLog h = s == null ? HyperLogLog.createSparse() : HyperLogLog.copyOf(s.array(), s.length());
        if (useDense && !h.sparseToDense()) {
            throw E_INVALID_HLL;
        }
        int maxBytes = maxSparseBytes(ctx);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] == 0) {
                continue;
            }
            if (h.encoding() == HyperLogLog.DENSE) {
                HyperLogLog.denseSetIfGreater(h.bytes(), j, max[j]);
            } else {
                h.sparseSet(j, max[j], maxBytes);
            }
        }
        HyperLogLog.invalidateCache(h.bytes());
        store(ctx, key, h, s != null);
        ctx.reply().ok();
    }

    /* PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key */
    static void pfdebug(CommandContext ctx) {
        byte[] key = ctx.arg(2);
        StringValue s = checkHll(StringCommands.writeString(ctx, key));
        if (s == null) {
            throw new CommandError("ERR The specified key does not exist");
        }
        unshare(ctx, key, s);
        HyperLogLog h = HyperLogLog.copyOf(s.array(), s.length());
        if (ctx.argIs(1, "getreg")) {
            if (h.encoding() == HyperLogLog.SPARSE) {
                if (!h.sparseToDense()) {
                    throw E_INVALID_HLL;
                }
                store(ctx, key, h, true);
            }
            ctx.reply().array(HyperLogLog.REGISTERS);
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                ctx.reply().integer(HyperLogLog.denseGet(h.bytes(), j));
            }
        } else if (ctx.argIs(1, "decode")) {
            if (h.encoding() != HyperLogLog.SPARSE) {
                throw new CommandError("ERR HLL encoding is not sparse");
            }
            ctx.reply().bulk(h.decodeSparse());
        } else if (ctx.argIs(1, "encoding")) {
            ctx.reply().simple(h.encoding() == HyperLogLog.DENSE ? "dense" : "sparse");
        } else if (ctx.argIs(1, "todense")) {
            boolean conv = false;
            if (h.encoding() == HyperLogLog.SPARSE) {
                if (!h.sparseToDense()) {
                    throw E_INVALID_HLL;
                }
                conv = true;
                store(ctx, key, h, true);
            }
            ctx.reply().integer(conv ? 1 : 0);
        } else {
            throw new CommandError("ERR Unknown PFDEBUG subcommand '" + ctx.argString(1) + "'");
        }
    }

    private static final int SELFTEST_CYCLES = 1000;

    /**
     * PFSELFTEST: Redis's self-test of the register packing (random register values read
     * back) and of the estimate (10^7 elements added to a dense and a sparse HLL, which must
     * agree, with an error within six standard errors). Changes no data.
     */
    static void pfselftest(CommandContext ctx) {
        SplittableRandom rnd = new SplittableRandom(ctx.random().nextLong());
        byte[] dense = new byte[HyperLogLog.DENSE_SIZE];
        int[] expected = new int[HyperLogLog.REGISTERS];
        for (int j = 0; j < SELFTEST_CYCLES; j++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int r = rnd.nextInt(64);
                expected[i] = r;
                HyperLogLog.denseSet(dense, i, r);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int val = HyperLogLog.denseGet(dense, i);
                if (val != expected[i]) {
                    throw new CommandError("TESTFAILED Register " + i + " should be " + expected[i] + " but is " + val);
                }
            }
        }
        Arrays.fill(dense, (byte) 0);
        dense[4] = HyperLogLog.DENSE;
        HyperLogLog sparse = HyperLogLog.createSparse();
        int maxBytes = maxSparseBytes(ctx);
        double relerr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            long e = j ^ seed;
            for (int k = 0; k < 8; k++) {
                ele[k] = (byte) (e >>> (8 * k));
            }
            HyperLogLog.denseAdd(dense, ele);
            sparse.add(ele, maxBytes);
            if (j != checkpoint) {
                continue;
            }
            if (j < maxBytes / 2 && sparse.encoding() != HyperLogLog.SPARSE) {
                throw new CommandError("TESTFAILED sparse encoding not used");
            }
            long denseCount = HyperLogLog.count(dense, dense.length, null);
            if (denseCount != HyperLogLog.count(sparse.bytes(), sparse.length(), null)) {
                throw new CommandError("TESTFAILED dense/sparse disagree");
            }
            long abserr = Math.abs(checkpoint - denseCount);
            long maxerr = j == 10 ? 1 : (long) Math.ceil(relerr * 6 * checkpoint);
            if (abserr > maxerr) {
                throw new CommandError("TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr);
            }
            checkpoint *= 10;
        }
        ctx.reply().ok();
    }
}
