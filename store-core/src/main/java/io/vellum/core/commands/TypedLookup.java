package io.vellum.core.commands;

import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;

/**
 * Redis's lookupKeyRead/lookupKeyWrite followed by checkType: the value at a key if it has
 * the expected type, null if the key is absent, WRONGTYPE otherwise.
 */
final class TypedLookup {
    private TypedLookup() {
    }

    /** For reading (a logically expired key is absent and stays). */
    static <T extends Value> T read(CommandContext ctx, byte[] key, ValueType type, Class<T> cls) {
        return typed(ctx.db().lookupRead(key), type, cls);
    }

    /** For changing in place: the caller must report the change (an expired key is deleted first). */
    static <T extends Value> T write(CommandContext ctx, byte[] key, ValueType type, Class<T> cls) {
        return typed(ctx.db().lookupWrite(key), type, cls);
    }

    private static <T extends Value> T typed(Value v, ValueType type, Class<T> cls) {
        if (v == null) {
            return null;
        }
        if (v.type() != type) {
            throw Errors.E_WRONG_TYPE;
        }
        return cls.cast(v);
    }
}
