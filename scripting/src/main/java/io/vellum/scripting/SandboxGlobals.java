package io.vellum.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * The scripts' global table: read-only once sealed (Redis 7's protected globals). The engine
 * itself sets KEYS and ARGV through {@link #put}.
 */
final class SandboxGlobals extends Globals {
    private boolean sealed;

    void put(LuaString key, LuaValue value) {
        super.rawset(key, value);
    }

    void internalSetMetatable(LuaValue mt) {
        super.setmetatable(mt);
    }

    void seal() {
        sealed = true;
    }

    boolean sealed() {
        return sealed;
    }

    private void refuse() {
        if (sealed) {
            throw new LuaError(ReadOnlyTable.READONLY);
        }
    }

    @Override
    public void set(int key, LuaValue value) {
        refuse();
        super.set(key, value);
    }

    @Override
    public void set(LuaValue key, LuaValue value) {
        refuse();
        super.set(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        refuse();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        refuse();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        refuse();
        return super.setmetatable(metatable);
    }

    @Override
    public LuaValue remove(int pos) {
        refuse();
        return super.remove(pos);
    }

    @Override
    public void insert(int pos, LuaValue value) {
        refuse();
        super.insert(pos, value);
    }

    @Override
    public void sort(LuaValue comparator) {
        refuse();
        super.sort(comparator);
    }
}
