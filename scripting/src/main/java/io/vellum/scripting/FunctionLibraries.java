package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The function libraries (Redis's functions.c and function_lua.c): loading a library runs its
 * code in the load-time environment, where the only global is a {@code redis} table with
 * register_function, log and the version constants; the functions it registers later run with
 * the scripts' globals. Libraries and functions keep load order. Engine thread only.
 */
final class FunctionLibraries {
    record Function(String name, LuaValue callback, int flags, String description) {
    }

    static final class Library {
        final String name;
        final byte[] code;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    private static final long LOAD_TIMEOUT_NANOS = 500_000_000L;

    private final LuaScripting scripting;
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final Map<String, Library> functionLibrary = new LinkedHashMap<>();
    /** The library being loaded (register_function adds to it), or null. */
    private Library loading;
    private long loadStart;
    private final ReadOnlyTable loadApi;
    private final ReadOnlyTable env;

    FunctionLibraries(LuaScripting scripting) {
        this.scripting = scripting;
        LuaTable fullRedis = scripting.sandbox().globals.get("redis").checktable();
        ReadOnlyTable redis = new ReadOnlyTable();
        redis.put(LuaValue.valueOf("register_function"), scripting.api().registerFunction());
        for (String k : new String[] {"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
                "REDIS_VERSION", "REDIS_VERSION_NUM"}) {
            redis.put(LuaValue.valueOf(k), fullRedis.get(k));
        }
        redis.internalSetMetatable(errorMetatable(null));
        redis.seal();
        loadApi = new ReadOnlyTable();
        loadApi.put(LuaValue.valueOf("redis"), redis);
        loadApi.internalSetMetatable(errorMetatable(null));
        loadApi.seal();
        // The functions' globals: empty, reading through to the load API while a library
        // loads and to the scripts' globals afterwards (function_lua.c swaps __index).
        env = new ReadOnlyTable();
        ReadOnlyTable meta = new ReadOnlyTable();
        meta.put(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue key = args.arg(2);
                return loading != null ? loadApi.get(key) : scripting.sandbox().globals.get(key);
            }
        });
        meta.seal();
        env.internalSetMetatable(meta);
        env.seal();
        // the functions' code runs the scripts' interrupt hook (busy replies, FUNCTION KILL, depth)
        env.debuglib = scripting.sandbox().hook;
    }

    private static ReadOnlyTable errorMetatable(Object unused) {
        ReadOnlyTable m = new ReadOnlyTable();
        m.put(LuaValue.INDEX, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                LuaValue name = args.arg(2);
                throw new LuaError("Script attempted to access nonexistent global variable '"
                        + (name.isstring() ? Lua.str(name.checkstring()) : name.tojstring()) + "'");
            }
        });
        m.seal();
        return m;
    }

    /**
     * Function names are found case-insensitively across libraries (Redis's functionDictType
     * compares with strcasecmp), while a library keeps the names as registered: FCALL MYF runs
     * myf, and a library may not register MYF while another has myf.
     */
    private static String key(String name) {
        return io.vellum.core.util.Text.lower(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    Function function(String name) {
        return functions.get(key(name));
    }

    Library libraryOf(String function) {
        return functionLibrary.get(key(function));
    }

    Map<String, Library> libraries() {
        return libraries;
    }

    int functionCount() {
        int n = 0;
        for (Library l : libraries.values()) {
            n += l.functions.size();
        }
        return n;
    }

    boolean loading() {
        return loading != null;
    }

    /** True when the library load ran past its time (FUNCTION LOAD timeout). */
    boolean loadTimedOut() {
        return loading != null && System.nanoTime() - loadStart > LOAD_TIMEOUT_NANOS;
    }

    /**
     * FUNCTION LOAD (functionsCreateWithLibraryCtx): parses the metadata, compiles and runs the
     * code, checks the functions, and installs the library. Returns its name.
     */
    String load(byte[] code, boolean replace) {
        Library lib = compileAndRun(code);
        Library old = libraries.get(lib.name);
        if (old != null && !replace) {
            throw new CommandError("ERR Library '" + lib.name + "' already exists");
        }
        for (String f : lib.functions.keySet()) {
            Library owner = functionLibrary.get(key(f));
            if (owner != null && owner != old) {
                throw new CommandError("ERR Function " + f + " already exists");
            }
        }
        if (old != null) {
            unlink(old);
        }
        link(lib);
        return lib.name;
    }

    /** Parses and runs a library's code without installing it (load and restore share it). */
    Library compileAndRun(byte[] code) {
        Meta md = metadata(code);
        if (!validName(md.name)) {
            throw new CommandError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        if (!md.engine.equalsIgnoreCase("lua")) {
            throw new CommandError("ERR Engine '" + md.engine + "' not found");
        }
        LuaValue chunk;
        try {
            chunk = scripting.sandbox().compile(code, md.codeStart, "@user_function", env);
        } catch (LuaError e) {
            throw new CommandError(LuaReplies.oneLine("ERR Error compiling function: " + LuaScripting.compileMessage(e)));
        }
        Library lib = new Library(md.name, code);
        loading = lib;
        loadStart = System.nanoTime();
        scripting.sandbox().startRun();
        try {
            chunk.call();
        } catch (LuaError e) {
            ErrorInfo info = ErrorInfo.of(e);
            throw new CommandError(LuaReplies.oneLine("ERR Error registering functions: " + info.msg()));
        } catch (StackOverflowError e) {
            throw new CommandError("ERR Error registering functions: ERR stack overflow");
        } finally {
            loading = null;
            scripting.sandbox().hook.clear();
        }
        if (lib.functions.isEmpty()) {
            throw new CommandError("ERR No functions registered");
        }
        return lib;
    }

    void link(Library lib) {
        libraries.put(lib.name, lib);
        for (Function f : lib.functions.values()) {
            // dictAdd: of two names equal but for case in one library, the first stays
            if (functions.putIfAbsent(key(f.name()), f) == null) {
                functionLibrary.put(key(f.name()), lib);
            }
        }
    }

    void unlink(Library lib) {
        libraries.remove(lib.name);
        for (String f : lib.functions.keySet()) {
            if (functionLibrary.get(key(f)) == lib) {
                functions.remove(key(f));
                functionLibrary.remove(key(f));
            }
        }
    }

    void clear() {
        libraries.clear();
        functions.clear();
        functionLibrary.clear();
    }

    private record Meta(String engine, String name, int codeStart) {
    }

    /** functionExtractLibMetaData: "#!<engine> name=<library>" on the first line. */
    private static Meta metadata(byte[] code) {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new CommandError("ERR Missing library metadata");
        }
        int nl = ScriptFlags.indexOf(code, (byte) '\n');
        if (nl < 0) {
            throw new CommandError("ERR Invalid library metadata");
        }
        String[] parts = ScriptFlags.shebangArgs(code, nl);
        if (parts == null || parts.length == 0) {
            throw new CommandError("ERR Invalid library metadata");
        }
        String engine = parts[0].substring(2);
        String name = null;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].regionMatches(true, 0, "name=", 0, 5)) {
                if (name != null) {
                    throw new CommandError("ERR Invalid metadata value, name argument was given multiple times");
                }
                name = parts[i].substring(5);
                continue;
            }
            throw new CommandError("ERR Invalid metadata value given: " + parts[i]);
        }
        if (name == null) {
            throw new CommandError("ERR Library name was not given");
        }
        return new Meta(engine, name, nl);
    }

    static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ redis.register_function

    Varargs registerFunction(Varargs args) {
        Library lib = loading;
        if (lib == null) {
            throw RedisApi.raise("redis.register_function can only be called on FUNCTION LOAD command");
        }
        int argc = args.narg();
        if (argc < 1 || argc > 2) {
            throw RedisApi.raise("wrong number of arguments to redis.register_function");
        }
        String name = null;
        String desc = null;
        LuaValue callback = null;
        int flags = 0;
        if (argc == 1) {
            if (!args.arg1().istable()) {
                throw RedisApi.raise("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            }
            LuaTable t = args.arg1().checktable();
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue k = e.arg1();
                LuaValue v = e.arg(2);
                if (!k.isstring()) {
                    throw RedisApi.raise("named argument key given to redis.register_function is not a string");
                }
                String key = Lua.str(k.checkstring());
                if (key.equalsIgnoreCase("function_name")) {
                    if (!v.isstring()) {
                        throw RedisApi.raise("function_name argument given to redis.register_function must be a string");
                    }
                    name = Lua.str(v.checkstring());
                } else if (key.equalsIgnoreCase("description")) {
                    if (!v.isstring()) {
                        throw RedisApi.raise("description argument given to redis.register_function must be a string");
                    }
                    desc = Lua.str(v.checkstring());
                } else if (key.equalsIgnoreCase("callback")) {
                    if (!v.isfunction()) {
                        throw RedisApi.raise("callback argument given to redis.register_function must be a function");
                    }
                    callback = v;
                } else if (key.equalsIgnoreCase("flags")) {
                    if (!v.istable()) {
                        throw RedisApi.raise("flags argument to redis.register_function must be a table representing function flags");
                    }
                    flags = readFlags(v.checktable());
                } else {
                    throw RedisApi.raise("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw RedisApi.raise("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw RedisApi.raise("redis.register_function must get a callback argument");
            }
        } else {
            if (!args.arg1().isstring()) {
                throw RedisApi.raise("first argument to redis.register_function must be a string");
            }
            if (!args.arg(2).isfunction()) {
                throw RedisApi.raise("second argument to redis.register_function must be a function");
            }
            name = Lua.str(args.arg1().checkstring());
            callback = args.arg(2);
        }
        if (!validName(name)) {
            throw RedisApi.raise("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long");
        }
        if (lib.functions.containsKey(name)) {
            throw RedisApi.raise("Function already exists in the library");
        }
        lib.functions.put(name, new Function(name, callback, flags, desc));
        return LuaValue.NONE;
    }

    private static int readFlags(LuaTable t) {
        int flags = 0;
        for (int i = 1; ; i++) {
            LuaValue v = t.rawget(i);
            if (v.isnil()) {
                break;
            }
            int b = v.type() == LuaValue.TSTRING ? ScriptFlags.bit(Lua.str(v.checkstring())) : 0;
            if (b == 0) {
                throw RedisApi.raise("unknown flag given");
            }
            flags |= b;
        }
        return flags;
    }

    /** Library names matching {@code pattern} (null: all), in load order. */
    List<Library> list(String pattern) {
        List<Library> out = new ArrayList<>();
        for (Library l : libraries.values()) {
            if (pattern == null || io.vellum.core.util.GlobMatcher.matches(pattern.getBytes(StandardCharsets.ISO_8859_1),
                    l.name.getBytes(StandardCharsets.ISO_8859_1), true)) {
                out.add(l);
            }
        }
        return out;
    }
}
