package io.vellum.scripting;

import io.vellum.core.command.CommandFlag;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Role;
import io.vellum.core.util.Doubles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code redis} table (Redis's luaRegisterRedisAPI and the function-library additions):
 * call, pcall, error_reply, status_reply, sha1hex, log, setresp, set_repl, replicate_commands,
 * breakpoint, debug, acl_check_cmd, register_function and the constants.
 *
 * <p>What a script may call is decided by the command table's flags (noscript, write,
 * may_replicate), never by a list kept here. Engine thread only.
 */
final class RedisApi {
    private static final Logger LOG = LoggerFactory.getLogger("io.vellum.scripting.user_script");

    private final LuaScripting scripting;

    RedisApi(LuaScripting scripting) {
        this.scripting = scripting;
    }

    /** Raises {@code table} (an {@code {err=...}}) as redis.call does. */
    static ScriptError raise(LuaTable table) {
        return new ScriptError(table, false);
    }

    static ScriptError raise(String text) {
        return raise(LuaReplySink.errorTable(text, false));
    }

    LuaTable build(String version) {
        LuaTable r = new LuaTable();
        r.set("call", fn(args -> call(args, true)));
        r.set("pcall", fn(args -> call(args, false)));
        r.set("error_reply", fn(args -> {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return LuaReplySink.errorTable("wrong number or type of arguments", false);
            }
            String e = Lua.str(args.checkstring(1));
            return LuaReplySink.errorTable(e.startsWith("-") ? e : "-" + e, false);
        }));
        r.set("status_reply", fn(args -> {
            if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                return LuaReplySink.errorTable("wrong number or type of arguments", false);
            }
            LuaTable t = new LuaTable();
            t.set("ok", args.arg1());
            return t;
        }));
        r.set("sha1hex", fn(args -> {
            if (args.narg() != 1) {
                throw raise("wrong number of arguments");
            }
            LuaValue v = args.arg1();
            byte[] b = v.isstring() ? Lua.bytes(v.checkstring()) : new byte[0];
            return LuaValue.valueOf(sha1hex(b));
        }));
        r.set("log", fn(this::log));
        r.set("setresp", fn(args -> {
            ScriptRun run = scripting.current();
            if (args.narg() != 1) {
                throw raise("redis.setresp() requires one argument.");
            }
            int resp = (int) args.arg1().todouble();
            if (resp != 2 && resp != 3) {
                throw raise("RESP version must be 2 or 3.");
            }
            if (run != null) {
                run.resp = resp;
            }
            return LuaValue.NONE;
        }));
        r.set("set_repl", fn(args -> {
            if (scripting.current() == null) {
                throw raise("redis.set_repl can only be called inside a script invocation");
            }
            if (args.narg() != 1) {
                throw raise("redis.set_repl() requires one argument.");
            }
            int flags = (int) args.arg1().todouble();
            if ((flags & ~3) != 0) {
                throw raise("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
            }
            // Accepted: replicas and replay re-run the whole script, so effects are re-derived.
            return LuaValue.NONE;
        }));
        r.set("replicate_commands", fn(args -> LuaValue.TRUE));
        r.set("breakpoint", fn(args -> scripting.debugger() == null ? LuaValue.FALSE : scripting.debugger().breakpoint()));
        r.set("debug", fn(args -> {
            if (scripting.debugger() != null) {
                scripting.debugger().debug(args);
            }
            return LuaValue.NONE;
        }));
        r.set("acl_check_cmd", fn(this::aclCheck));
        r.set("LOG_DEBUG", 0);
        r.set("LOG_VERBOSE", 1);
        r.set("LOG_NOTICE", 2);
        r.set("LOG_WARNING", 3);
        r.set("REPL_NONE", 0);
        r.set("REPL_AOF", 1);
        r.set("REPL_SLAVE", 2);
        r.set("REPL_REPLICA", 2);
        r.set("REPL_ALL", 3);
        r.set("REDIS_VERSION", version);
        String[] p = version.split("\\.");
        r.set("REDIS_VERSION_NUM", (Integer.parseInt(p[0]) << 16) | (Integer.parseInt(p[1]) << 8) | Integer.parseInt(p[2]));
        return r;
    }

    /** redis.register_function: only in a library's load-time redis table (EVAL has none). */
    LuaValue registerFunction() {
        return fn(args -> scripting.functions().registerFunction(args));
    }

    private interface Body {
        Varargs apply(Varargs args);
    }

    private static VarArgFunction fn(Body body) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        };
    }

    static String sha1hex(byte[] b) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(b);
            StringBuilder sb = new StringBuilder(40);
            for (byte x : d) {
                sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** luaArgsToRedisArgv: strings as they are, numbers as Redis 7.2 prints them; else null. */
    private static byte[][] argv(Varargs args) {
        int n = args.narg();
        byte[][] argv = new byte[n][];
        for (int i = 0; i < n; i++) {
            LuaValue v = args.arg(i + 1);
            if (v.type() == LuaValue.TNUMBER) {
                double d = v.todouble();
                long l = (long) d;
                if (l == d && d > -0x1p63 && d < 0x1p63 && !(d == 0 && 1 / d < 0)) {
                    argv[i] = Long.toString(l).getBytes(StandardCharsets.US_ASCII);
                } else {
                    argv[i] = Doubles.format(d).getBytes(StandardCharsets.US_ASCII);
                }
            } else if (v.type() == LuaValue.TSTRING) {
                argv[i] = Lua.bytes((LuaString) v);
            } else {
                return null;
            }
        }
        return argv;
    }

    /** redis.call / redis.pcall (luaRedisGenericCommand + scriptCall). */
    private Varargs call(Varargs args, boolean raise) {
        ScriptRun run = scripting.current();
        if (run == null) {
            throw raise("redis.call/pcall can only be called inside a script invocation");
        }
        LuaTable err = null;
        byte[][] argv = null;
        if (args.narg() == 0) {
            err = LuaReplySink.errorTable("Please specify at least one argument for this redis lib call", false);
        } else if ((argv = argv(args)) == null) {
            err = LuaReplySink.errorTable("Lua redis lib command arguments must be strings or integers", false);
        }
        io.vellum.scripting.ldb.LuaDebugger debugger = scripting.debugger();
        if (err != null) {
            if (debugger != null) {
                debugger.redisError(args.narg() == 0 ? "Please specify at least one argument for this redis lib call"
                        : "Lua redis lib command arguments must be strings or integers");
            }
            if (raise) {
                throw raise(err);
            }
            return err;
        }
        if (debugger != null) {
            debugger.redisCommand(argv);
        }
        CommandContext ctx = run.ctx;
        CommandSpec spec = ctx.engine().resolve(argv);
        String refused = check(run, ctx, argv, spec);
        if (refused != null) {
            LuaTable t = LuaReplySink.errorTable(refused, true);
            if (debugger != null) {
                debugger.redisError(refused);
            }
            if (raise) {
                throw raise(t);
            }
            return t;
        }
        if (spec.isWrite()) {
            run.wroteDirty = true;
        }
        LuaReplySink sink = new LuaReplySink(run.resp);
        int flags = CommandContext.IN_SCRIPT | (ctx.isReplay() ? CommandContext.REPLAY : 0);
        ctx.engine().call(spec, ctx.session(), argv, sink, flags);
        LuaValue result = sink.result();
        if (debugger != null) {
            debugger.redisReply(result);
        }
        if (raise && sink.isError()) {
            throw raise((LuaTable) result);
        }
        return result;
    }

    /** scriptCall's checks: the error text, or null when the command may run. */
    private static String check(ScriptRun run, CommandContext ctx, byte[][] argv, CommandSpec spec) {
        if (spec == null || spec.handler() == null && argv.length < 2) {
            return spec == null ? "Unknown Redis command called from script" : "Wrong number of args calling Redis command from script";
        }
        if (!spec.arityAccepts(argv.length)) {
            return "Wrong number of args calling Redis command from script";
        }
        if (spec.has(CommandFlag.NOSCRIPT)) {
            return "This Redis command is not allowed from script";
        }
        boolean write = spec.isWrite();
        if (run.debuggerRefusal != null && (spec.mayWriteOrReplicate()
                || spec.def().getTipsList().contains("nondeterministic_output"))) {
            return run.debuggerRefusal;
        }
        if (run.readOnly && spec.mayWriteOrReplicate()) {
            return "Write commands are not allowed from read-only scripts.";
        }
        if (!write || run.wroteDirty || ctx.isReplay()) {
            return null;
        }
        if (ctx.engine().role() == Role.REPLICA) {
            return "-READONLY You can't write against a read only replica.";
        }
        if (ctx.engine().log().failed()) {
            return "-" + ctx.engine().log().failureReply();
        }
        return null;
    }

    /** redis.log(level, ...): to the server log at that level. */
    private Varargs log(Varargs args) {
        int argc = args.narg();
        if (argc < 2) {
            throw raise("redis.log() requires two arguments or more.");
        }
        if (!args.arg1().isnumber()) {
            throw raise("First argument must be a number (log level).");
        }
        int level = (int) args.arg1().todouble();
        if (level < 0 || level > 3) {
            throw raise("Invalid debug level.");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i <= argc; i++) {
            if (i > 2) {
                sb.append(' ');
            }
            LuaValue v = args.arg(i);
            sb.append(v.isstring() ? Lua.str(v.checkstring()) : v.tojstring());
        }
        String msg = sb.toString();
        switch (level) {
            case 0 -> LOG.debug(msg);
            case 1 -> LOG.info(msg);
            case 2 -> LOG.info(msg);
            default -> LOG.warn(msg);
        }
        return LuaValue.NONE;
    }

    /** redis.acl_check_cmd: Vellum has one user with every permission, so a known command is allowed. */
    private Varargs aclCheck(Varargs args) {
        ScriptRun run = scripting.current();
        if (run == null) {
            throw raise("redis.acl_check_cmd can only be called inside a script invocation");
        }
        if (args.narg() == 0) {
            throw raise("Please specify at least one argument for this redis lib call");
        }
        byte[][] argv = argv(args);
        if (argv == null) {
            throw raise("Lua redis lib command arguments must be strings or integers");
        }
        CommandSpec spec = run.ctx.engine().resolve(argv);
        if (spec == null || !spec.isBound()) {
            throw raise("Invalid command passed to redis.acl_check_cmd()");
        }
        return LuaValue.TRUE;
    }

    static LuaError error(String text) {
        return raise(text);
    }
}
