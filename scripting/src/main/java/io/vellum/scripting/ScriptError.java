package io.vellum.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * An error raised by the sandbox's own functions with Lua 5.1's position rules: {@code error}
 * at level 0 and errors raised inside C functions of Redis's Lua ({@code setmetatable} on a
 * read-only table, {@code rawset}...) carry no "user_script:N:" prefix, while errors of the VM
 * itself do. The value may be any Lua value (a table for redis.call errors).
 */
class ScriptError extends LuaError {
    private final LuaValue value;
    private final boolean positioned;

    ScriptError(LuaValue value, boolean positioned) {
        super(value);
        this.value = value;
        this.positioned = positioned;
    }

    LuaValue value() {
        return value;
    }

    boolean positioned() {
        return positioned;
    }

    /** A string error without position. */
    static ScriptError plain(String text) {
        return new ScriptError(LuaValue.valueOf(text), false);
    }

    /** The error the kill check raises; pcall does not catch it. */
    static final class Killed extends ScriptError {
        Killed(LuaValue value) {
            super(value, false);
        }
    }
}
