package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.HashValue;
import io.vellum.core.types.ListValue;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.StreamValue;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.types.stream.StreamEntry;
import java.util.Iterator;

/**
 * MEMORY USAGE and MEMORY HELP (Redis's object.c memoryCommand). USAGE is an estimate, as in
 * Redis, but of Vellum's own layout on the JVM heap (64-bit, compressed references): the key's
 * bytes and entry, the value object, and for a collection the average size of up to
 * {@code SAMPLES} of its elements (default 5, 0 for all) times its size, with the
 * per-element overhead of the structure that holds them. The numbers differ from Redis's,
 * which count jemalloc's size classes; what they are for (finding the big keys, seeing a key
 * grow) holds. MEMORY STATS, DOCTOR, MALLOC-STATS and PURGE describe an allocator Vellum does
 * not have: they answer Redis's unknown-subcommand error.
 */
final class MemoryCommands implements CommandGroup {
    private static final long DEFAULT_SAMPLES = 5;
    /** An object's header, and an array's (header and length). */
    private static final int OBJECT = 16;
    private static final int ARRAY = 16;
    /** A key's slot in a store dictionary: the entry's key, value, hash, order and expiry links. */
    private static final int DICT_ENTRY = 40;

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("memory|usage", MemoryCommands::usage)
                .bind("memory|help", MemoryCommands::help);
    }

    /* MEMORY USAGE key [SAMPLES count] */
    private static void usage(CommandContext ctx) {
        long samples = DEFAULT_SAMPLES;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "samples") && j + 1 < ctx.argc()) {
                samples = ctx.longArg(j + 1);
                if (samples < 0) {
                    throw Errors.E_SYNTAX;
                }
                if (samples == 0) {
                    samples = Long.MAX_VALUE;
                }
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        // Redis's dictFind would measure a key past its expiry that no read has deleted yet;
        // Vellum's reads never delete (KnownDifferences LAZY_EXPIRY), so such a key reads as
        // missing here as it does for every other read
        Value v = ctx.db().lookupReadNoTouch(ctx.arg(2));
        if (v == null) {
            ctx.reply().nullBulk();
            return;
        }
        long bytes = bytes(ctx.arg(2)) + DICT_ENTRY + valueBytes(v, samples);
        ctx.reply().integer(bytes);
    }

    private static long bytes(byte[] b) {
        return ARRAY + align(b.length);
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
    }

    private static long valueBytes(Value v, long samples) {
        if (v instanceof StringValue s) {
            return OBJECT + ARRAY + align(s.length());
        }
        if (v instanceof ListValue l) {
            Sample sample = new Sample(samples);
            for (int i = 0; i < l.size() && sample.wants(); i++) {
                sample.add(bytes(l.get(i)) + 4); // the array slot
            }
            return OBJECT + ARRAY + sample.extrapolate(l.size());
        }
        if (v instanceof HashValue h) {
            return OBJECT + dictBytes(h.entries(), samples);
        }
        if (v instanceof SetValue s) {
            Sample sample = new Sample(samples);
            s.forEachWhile(m -> {
                sample.add(bytes(m) + (s.isCompact() ? 4 : DICT_ENTRY));
                return sample.wants();
            });
            return OBJECT + sample.extrapolate(s.size());
        }
        if (v instanceof ZSetValue z) {
            Sample sample = new Sample(samples);
            io.vellum.core.data.ZSkipList.Node n = z.first();
            while (n != null && sample.wants()) {
                // the member, its skiplist node (score, links, span) and its dictionary entry
                sample.add(bytes(n.member()) + OBJECT + 32 + DICT_ENTRY);
                n = n.next();
            }
            return OBJECT + sample.extrapolate(z.size());
        }
        if (v instanceof StreamValue st) {
            Sample sample = new Sample(samples);
            Iterator<StreamEntry> it = st.range(st.firstId(), st.lastId(), false);
            while (it.hasNext() && sample.wants()) {
                StreamEntry e = it.next();
                long b = OBJECT + OBJECT + 16 + ARRAY; // the entry, its id, the field array
                for (byte[] f : e.fieldsAndValues()) {
                    b += bytes(f) + 4;
                }
                sample.add(b);
            }
            return OBJECT + sample.extrapolate(st.length()) + groupsBytes(st);
        }
        return OBJECT;
    }

    private static long dictBytes(OrderedDict<byte[]> d, long samples) {
        Sample sample = new Sample(samples);
        for (int e = d.firstEntry(); e >= 0 && sample.wants(); e = d.nextEntry(e + 1)) {
            sample.add(bytes(d.keyAt(e)) + bytes(d.valueAt(e)) + DICT_ENTRY);
        }
        return sample.extrapolate(d.size());
    }

    private static long groupsBytes(StreamValue st) {
        long b = 0;
        for (byte[] name : st.groups().keySet()) {
            b += OBJECT + bytes(name) + DICT_ENTRY;
        }
        return b;
    }

    /** objectComputeSize's sampling: the mean of the first {@code limit} elements, times the count. */
    private static final class Sample {
        private final long limit;
        private long n;
        private long total;

        Sample(long limit) {
            this.limit = limit;
        }

        boolean wants() {
            return n < limit;
        }

        void add(long bytes) {
            n++;
            total += bytes;
        }

        long extrapolate(long count) {
            return n == 0 ? 0 : Math.round((double) total / n * count);
        }
    }

    /* MEMORY HELP */
    private static void help(CommandContext ctx) {
        Help.reply(ctx,
                "USAGE <key> [SAMPLES <count>]",
                "    Return memory in bytes used by <key> and its value. Nested values are",
                "    sampled up to <count> times (default: 5, 0 means sample all).");
    }
}
