package io.vellum.core.commands;

import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StreamValue;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;

/** Lookups and reply shapes shared by the stream commands. */
final class StreamReplies {
    private StreamReplies() {
    }

    static StreamValue read(CommandContext ctx, byte[] key) {
        return TypedLookup.read(ctx, key, ValueType.STREAM, StreamValue.class);
    }

    static StreamValue write(CommandContext ctx, byte[] key) {
        return TypedLookup.write(ctx, key, ValueType.STREAM, StreamValue.class);
    }

    static void id(ReplySink r, StreamId id) {
        r.bulk(id.toString());
    }

    /** One entry: [id, [field, value, ...]]. */
    static void entry(ReplySink r, StreamEntry e) {
        r.array(2);
        id(r, e.id());
        byte[][] fv = e.fieldsAndValues();
        r.array(fv.length);
        for (byte[] b : fv) {
            r.bulk(b);
        }
    }

    /**
     * A change of group state only (XGROUP, XACK, XCLAIM, XREADGROUP...): Redis counts it as
     * dirty but does not signal the key (WATCH does not see it), so the unit is logged
     * without a key change.
     */
    static void groupChanged(CommandContext ctx) {
        ctx.forceLog();
        ctx.addDirty(1);
    }

    static io.vellum.core.command.CommandError wrongArgs(CommandContext ctx) {
        return new io.vellum.core.command.CommandError(Errors.wrongArgs(ctx.spec().fullName()));
    }
}
