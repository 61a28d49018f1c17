package io.vellum.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A Lua table scripts cannot change (Redis's {@code lua_enablereadonlytable}): library tables,
 * the {@code redis} table, metatables of the globals and of strings. Every write path LuaJ
 * has — assignment, rawset, table.insert/remove/sort, setmetatable — raises Redis's error.
 * The sandbox fills it with {@link #put} before it is {@link #seal}ed.
 *
 * <p>It is a {@link Globals} (a table with a few more fields) because the functions' globals
 * are one: LuaJ runs the interrupt hook only for code whose environment is a Globals with a
 * debuglib (LuaClosure keeps {@code env instanceof Globals}), and without it a function that
 * loops forever could be neither answered around (-BUSY) nor killed (FUNCTION KILL).
 */
final class ReadOnlyTable extends Globals {
    static final String READONLY = "Attempt to modify a readonly table";

    private boolean sealed;

    /** A sealed copy of {@code source}'s entries and metatable. */
    static ReadOnlyTable copyOf(LuaTable source) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = source.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            t.put(k, n.arg(2));
        }
        LuaValue mt = source.getmetatable();
        if (mt != null) {
            t.internalSetMetatable(mt);
        }
        t.seal();
        return t;
    }

    void put(LuaValue key, LuaValue value) {
        super.rawset(key, value);
    }

    void internalSetMetatable(LuaValue mt) {
        super.setmetatable(mt);
    }

    void seal() {
        sealed = true;
    }

    private void refuse() {
        if (sealed) {
            throw new LuaError(READONLY);
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
