package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.ScriptingEngine;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.commands.ConnectionCommands;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis 7 scripting on LuaJ: one sandboxed Lua state per store, created once; EVAL scripts
 * compiled once and cached by SHA1; function libraries; the run context that enforces
 * read-only, the busy threshold and SCRIPT/FUNCTION KILL.
 *
 * <pre>{@code
 * Engine engine = Engine.builder().scripting(new LuaScripting()).build();
 * }</pre>
 *
 * <p><b>Threads.</b> Scripts run on the engine thread. {@link #isBusy()} and
 * {@link #killFromNetwork} are called by network threads while a script runs: they read the
 * volatile run state and raise the interrupt flag the Lua hook checks on every instruction.
 */
public final class LuaScripting implements ScriptingEngine, io.vellum.core.spi.ScriptStateProvider {
    static final String KILLED = "Script killed by user with SCRIPT KILL...";

    private final Lrand48 rand = new Lrand48();
    private final RedisApi api = new RedisApi(this);
    /** The Lua state, made on first use ({@link #sandbox()}): a store that runs no script never loads LuaJ. */
    private volatile LuaSandbox sandbox;
    private final ScriptCache cache = new ScriptCache();
    private final ScriptMemory memory = new ScriptMemory();
    private volatile FunctionLibraries functions;
    private Engine engine;
    private volatile ScriptRun current;
    private final io.vellum.scripting.ldb.ScriptDebug debug = new io.vellum.scripting.ldb.ScriptDebug();
    /** The Lua debugger of this (throwaway) state, or null: see the ldb package. */
    private io.vellum.scripting.ldb.LuaDebugger debugger;

    public LuaScripting() {
    }

    /**
     * Makes the Lua state and the function libraries on it. LuaJ's classes cannot be kept in a
     * class data archive (their class file version is too old), so loading and initializing
     * them is a good part of a JVM's start (vellum crashtest restarts servers all the time):
     * a store that runs no script does without.
     */
    private synchronized LuaSandbox createState() {
        if (sandbox == null) {
            LuaTable redis = api.build(ConnectionCommands.REDIS_VERSION);
            LuaSandbox s = new LuaSandbox(rand, this::onInterrupt, redis);
            if (engine != null) {
                s.setMemoryLimit(() -> engine.config().scriptMaxMemory.get());
            }
            sandbox = s; // before the libraries, which read it
            functions = new FunctionLibraries(this);
        }
        return sandbox;
    }

    @Override
    public CommandGroup commands() {
        return b -> {
            EvalCommands.register(b, this);
            FunctionCommands.register(b, this);
        };
    }

    @Override
    public void attach(Engine engine) {
        this.engine = engine;
        engine.addInfoContributor(this::contributeInfo);
        LuaSandbox s = sandbox;
        if (s != null) {
            s.setMemoryLimit(() -> engine.config().scriptMaxMemory.get());
        }
    }

    Engine engine() {
        return engine;
    }

    /**
     * INFO memory's script fields: the cached scripts and functions, and the bytes of their
     * code (Redis counts its dictionaries' allocations too). The Lua state lives in the JVM
     * heap, counted in used_memory; the used_memory_vm_* fields stay 0.
     */
    private void contributeInfo(String section, io.vellum.core.engine.InfoSection fields) {
        if (!section.equals("memory")) {
            return;
        }
        long evalBytes = cache.bodyBytes() + 40L * cache.size();
        long functionBytes = 0;
        int libraries = 0;
        int functionCount = 0;
        FunctionLibraries f = functions;
        if (f != null) {
            for (FunctionLibraries.Library l : f.libraries().values()) {
                functionBytes += l.code.length;
            }
            libraries = f.libraries().size();
            functionCount = f.functionCount();
        }
        fields.put("used_memory_scripts_eval", evalBytes)
                .put("number_of_cached_scripts", cache.size())
                .put("number_of_functions", functionCount)
                .put("number_of_libraries", libraries)
                .put("used_memory_functions", functionBytes)
                .put("used_memory_scripts", evalBytes + functionBytes)
                .put("used_memory_scripts_human", io.vellum.core.util.HumanBytes.format(evalBytes + functionBytes));
    }

    ScriptRun current() {
        return current;
    }

    ScriptCache cache() {
        return cache;
    }

    FunctionLibraries functions() {
        FunctionLibraries f = functions;
        if (f == null) {
            createState();
            f = functions;
        }
        return f;
    }

    RedisApi api() {
        return api;
    }

    LuaSandbox sandbox() {
        LuaSandbox s = sandbox;
        return s != null ? s : createState();
    }

    Lrand48 rand() {
        return rand;
    }

    io.vellum.scripting.ldb.ScriptDebug debug() {
        return debug;
    }

    io.vellum.scripting.ldb.LuaDebugger debugger() {
        return debugger;
    }

    /**
     * SCRIPT DEBUG: makes this state run its scripts under {@code debugger}, whose line hook
     * replaces the interrupt hook. Only for the throwaway state of a debugging session.
     */
    public void attachDebugger(io.vellum.scripting.ldb.LuaDebugger debugger, org.luaj.vm2.lib.DebugLib lineHook) {
        this.debugger = debugger;
        sandbox().globals.debuglib = lineHook;
    }

    /** Ends a SYNC debugging session's hold on this state: the interrupt hook is back. */
    public void detachDebugger() {
        this.debugger = null;
        sandbox().globals.debuglib = sandbox().hook;
    }

    /** The run a SYNC debugging session debugs: whichever script runs on this state. */
    public io.vellum.scripting.ldb.DebuggedRun debuggedRun(java.util.function.BooleanSupplier clientClosed) {
        return new io.vellum.scripting.ldb.DebuggedRun() {
            @Override
            public boolean scriptWrote() {
                ScriptRun run = current;
                return run != null && run.wroteDirty;
            }

            @Override
            public void contained(Runnable action) {
                containDebuggerAction(action);
            }

            @Override
            public java.util.function.BooleanSupplier clientClosed() {
                return clientClosed;
            }

            @Override
            public org.luaj.vm2.lib.DebugLib interruptHook() {
                return sandbox().hook;
            }
        };
    }

    /** See {@link io.vellum.scripting.ldb.DebuggedRun#contained}. */
    private void containDebuggerAction(Runnable action) {
        ScriptRun run = current;
        if (run == null) {
            action.run();
            return;
        }
        long randState = rand.state();
        int resp = run.resp;
        LuaTable keys = copyGlobalTable("KEYS");
        LuaTable args = copyGlobalTable("ARGV");
        run.debuggerRefusal = "This command is not allowed from the debugger in SYNC mode: "
                + "replay of the logged script could not repeat it";
        try {
            action.run();
        } finally {
            run.debuggerRefusal = null;
            rand.setState(randState);
            run.resp = resp;
            restoreGlobalTable("KEYS", keys);
            restoreGlobalTable("ARGV", args);
        }
    }

    /** A copy of a global table's entries and metatable (null when the global is not a table). */
    private LuaTable copyGlobalTable(String name) {
        LuaValue t = sandbox().globals.rawget(name);
        if (!t.istable()) {
            return null;
        }
        LuaTable copy = new LuaTable();
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            copy.rawset(k, n.arg(2));
        }
        LuaValue meta = t.getmetatable();
        copy.rawset(LuaValue.valueOf("\0vellum-meta"), meta == null ? LuaValue.NIL : meta);
        return copy;
    }

    private void restoreGlobalTable(String name, LuaTable copy) {
        LuaValue v = sandbox().globals.rawget(name);
        if (copy == null || !v.istable()) {
            return;
        }
        LuaTable t = (LuaTable) v;
        java.util.List<LuaValue> now = new java.util.ArrayList<>();
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            now.add(k);
        }
        for (LuaValue k : now) {
            t.rawset(k, LuaValue.NIL);
        }
        LuaValue metaKey = LuaValue.valueOf("\0vellum-meta");
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = copy.next(k);
            if ((k = n.arg1()).isnil()) {
                break;
            }
            if (!k.equals(metaKey)) {
                t.rawset(k, n.arg(2));
            }
        }
        LuaValue meta = copy.rawget(metaKey);
        t.setmetatable(meta.isnil() ? null : meta);
    }

    /** The sandbox's globals, for the debugger's print and eval. */
    public LuaTable debuggerGlobals() {
        return sandbox().globals;
    }

    // ------------------------------------------------------------------ compiling

    /** luaCreateFunction: the cached script of {@code body}, compiling and caching it if new. */
    ScriptCache.Script scriptFor(byte[] body) {
        String sha = RedisApi.sha1hex(body);
        ScriptCache.Script s = cache.get(sha);
        if (s != null) {
            return s;
        }
        ScriptFlags.Parsed p = ScriptFlags.parseShebang(body);
        LuaValue fn;
        try {
            fn = sandbox().compile(body, p.codeStart(), "@user_script", sandbox().globals);
        } catch (LuaError e) {
            throw new CommandError(LuaReplies.oneLine("ERR Error compiling script (new function): " + compileMessage(e)));
        }
        s = new ScriptCache.Script(sha, body, fn, p.flags());
        cache.put(s);
        return s;
    }

    static String compileMessage(LuaError e) {
        String m = e.getMessage();
        return m == null ? "" : LuaCompileMessages.to51(m);
    }

    // ------------------------------------------------------------------ running

    /**
     * scriptPrepareForRun's checks on the script's flags: the error text, or null.
     * {@code ro}: EVAL_RO/EVALSHA_RO/FCALL_RO.
     */
    String prepare(CommandContext ctx, int flags, boolean ro) {
        if ((flags & ScriptFlags.COMPAT) != 0 || (flags & ScriptFlags.NO_WRITES) != 0 || ctx.isReplay()) {
            return null;
        }
        if (engine.role() == io.vellum.core.engine.Role.REPLICA) {
            // Redis derives EVAL's and FCALL's command flags from the script's (evalGetCommandFlags,
            // scriptFlagsToCmdFlags): a script that may write is a write command, which
            // processCommand refuses on a read-only replica before scriptPrepareForRun runs.
            return io.vellum.core.command.Errors.READONLY;
        }
        if (engine.log().failed()) {
            return engine.log().failureReply();
        }
        if (ro) {
            return "ERR Can not execute a script with write flag using *_ro command.";
        }
        return null;
    }

    /**
     * Runs {@code fn} for {@code ctx} and writes its reply (luaCallFunction). EVAL mode sets
     * the KEYS and ARGV globals; function mode passes them as the two arguments.
     */
    void run(ScriptRun run, LuaValue fn, byte[][] argv, int firstKey, int numkeys, boolean evalMode) {
        CommandContext ctx = run.ctx;
        long replayed = ctx.takeReplayedScriptState();
        if (replayed != UnitRecord.NO_SCRIPT_STATE) {
            rand.setState(replayed);
        }
        ctx.recordScriptState(rand.state());
        // New tables per call, as luaCreateArray makes them (a script may change its KEYS); the
        // strings share the unit's argument arrays (no copy), which nothing changes once received
        // (the network layer's are its own, and Vellum.execute's callers must not change theirs)
        LuaTable keys = new LuaTable(numkeys, 0);
        for (int i = 0; i < numkeys; i++) {
            keys.rawset(i + 1, Lua.wrap(argv[firstKey + i]));
        }
        int nargs = argv.length - firstKey - numkeys;
        LuaTable args = new LuaTable(nargs, 0);
        for (int i = 0; i < nargs; i++) {
            args.rawset(i + 1, Lua.wrap(argv[firstKey + numkeys + i]));
        }
        int db = ctx.session().db();
        sandbox().startRun();
        sandbox().hook.clear();
        memory.startRun(engine.config().scriptMaxMemory.get());
        current = run;
        try {
            Varargs result;
            if (evalMode) {
                sandbox().globals.put(LuaSandbox.KEYS, keys);
                sandbox().globals.put(LuaSandbox.ARGV, args);
                result = fn.invoke();
            } else {
                result = fn.invoke(keys, args);
            }
            debuggerScriptReturned();
            LuaReplies.write(ctx.reply(), result.arg1(), run.resp);
        } catch (LuaError e) {
            debuggerScriptReturned();
            if (run.discard) {
                ctx.discardUnit();
            }
            ErrorInfo info = ErrorInfo.of(e);
            ctx.reply().error(LuaReplies.oneLine(info.reply(run.funcName)));
        } catch (StackOverflowError e) {
            debuggerScriptReturned();
            ctx.reply().error("ERR " + (run.functionMode ? "user_function" : "user_script") + ":1: stack overflow script: "
                    + run.funcName + ", on @" + (run.functionMode ? "user_function" : "user_script") + ":1.");
        } finally {
            current = null;
            sandbox().hook.clear();
            ctx.session().selectDb(db);
        }
    }

    private void debuggerScriptReturned() {
        if (debugger != null) {
            debugger.scriptReturned();
        }
    }

    /** The hook saw the flag: a kill ends the script with Redis's error (pcall cannot catch it). */
    private void onInterrupt() {
        ScriptRun run = current;
        if (run != null && run.killed) {
            throw new ScriptError.Killed(LuaReplySink.errorTable(KILLED, false));
        }
        if (run != null && memory.exceeded(engine.config().scriptMaxMemory.get())) {
            throw new LuaError("not enough memory");
        }
        if (functions().loadTimedOut()) {
            throw new ScriptError.Killed(LuaReplySink.errorTable("FUNCTION LOAD timeout", false));
        }
        if (run != null && !run.busy && engine != null && pastThreshold(run)) {
            // first the batch's earlier replies, then -BUSY for everyone else
            engine.busyScripts().releaseBefore(run.ctx.session());
            run.busy = true;
        }
        if (run != null && run.busy) {
            if (engine.closing() && !run.killed && !run.ctx.isReplay()) {
                // the store is closing (Engine#close): stopped as SHUTDOWN NOSAVE stops it; a
                // replayed script ended on its primary, so it ends here too (and is unkillable)
                stopForShutdown(run);
                engine.stoppedPartWayAtClose();
            } else {
                // running on a network thread: its connections get -BUSY, SCRIPT KILL gets in
                engine.serveWhileBusy();
                // commands that reached the inbox before the script turned busy get theirs too
                engine.busyScripts().answerWaiting(run.ctx.session());
            }
            if (run.killed) {
                throw new ScriptError.Killed(LuaReplySink.errorTable(KILLED, false));
            }
        }
    }

    @Override
    public boolean mayWriteOrReplicate(byte[][] argv, io.vellum.core.command.CommandSpec spec) {
        boolean declared = spec.mayWriteOrReplicate();
        int flags;
        switch (spec.fullName()) {
            case "eval" -> {
                ScriptCache.Script cached = argv.length > 1 ? cache.get(Sha1.hex(argv[1])) : null;
                if (cached != null) {
                    flags = cached.flags();
                } else {
                    try {
                        flags = ScriptFlags.parseShebang(argv[1]).flags();
                    } catch (io.vellum.core.command.CommandError e) {
                        return declared; // EVAL refuses it when it runs
                    }
                }
            }
            case "evalsha" -> {
                ScriptCache.Script cached = argv.length > 1 && argv[1].length == 40 ? cache.get(argv[1]) : null;
                if (cached == null) {
                    return declared;
                }
                flags = cached.flags();
            }
            case "fcall" -> {
                FunctionLibraries.Function f = argv.length > 1 && functions != null
                        ? functions.function(io.vellum.core.util.Text.latin1(argv[1])) : null;
                if (f == null) {
                    return declared;
                }
                flags = f.flags();
            }
            default -> {
                return declared;
            }
        }
        // scriptFlagsToCmdFlags: declared flags replace the command's (COMPAT: none declared)
        return (flags & ScriptFlags.COMPAT) != 0 ? declared : (flags & ScriptFlags.NO_WRITES) == 0;
    }

    @Override
    public boolean runsOffEngineThread(io.vellum.core.engine.Session session) {
        return !debug.isEnabled(session);
    }

    // ------------------------------------------------------------------ snapshots

    /**
     * The first entry of {@link #scriptBodies()}: Lua's generator state, as a Lua comment (the
     * snapshot keeps the entries as opaque bytes), so a store restarted from a snapshot draws
     * the numbers a store that kept running draws.
     */
    private static final String RAND_STATE = "-- vellum lrand48 state ";

    @Override
    public java.util.List<byte[]> scriptBodies() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        out.add((RAND_STATE + Long.toHexString(rand.state())).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (ScriptCache.Script s : cache.all()) {
            out.add(s.body());
        }
        return out;
    }

    @Override
    public java.util.List<byte[]> libraryCodes() {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        if (functions == null) {
            return out; // no Lua state yet: no library was loaded
        }
        for (FunctionLibraries.Library l : functions.libraries().values()) {
            out.add(l.code);
        }
        return out;
    }

    @Override
    public void restore(java.util.List<byte[]> scriptBodies, java.util.List<byte[]> libraryCodes) {
        cache.clear();
        if (functions != null) {
            functions.clear();
        }
        for (byte[] body : scriptBodies) {
            String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.startsWith(RAND_STATE)) {
                rand.setState(Long.parseUnsignedLong(text.substring(RAND_STATE.length()).trim(), 16));
                continue;
            }
            // In the snapshot, so the log replayed after it may name them by sha.
            cache.markLogged(scriptFor(body).sha());
        }
        for (byte[] code : libraryCodes) {
            functions().load(code, true);
        }
    }

    // ------------------------------------------------------------------ busy and kill (any thread)

    @Override
    public boolean isBusy() {
        if (debug.isBusy()) {
            return true;
        }
        ScriptRun run = current;
        return run != null && run.busy;
    }

    /** Whether {@code run} has run past busy-reply-threshold. */
    private boolean pastThreshold(ScriptRun run) {
        long threshold = engine.config().busyReplyThreshold.get();
        return (System.nanoTime() - run.startNanos) / 1_000_000 >= threshold;
    }

    /** The -BUSY text for other clients while a script runs (EVAL or function). */
    public String busyError() {
        ScriptRun run = current;
        if (run != null && run.functionMode) {
            return "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
        }
        return "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    }

    /**
     * SCRIPT KILL ({@code function} false) or FUNCTION KILL received while a script runs
     * (scriptKill): the reply text, "OK" when the script will stop, or null when no script runs.
     */
    public String killFromNetwork(boolean function) {
        ScriptRun run = current;
        if (run == null) {
            return null;
        }
        if (run.ctx.isReplay()) {
            return "UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.";
        }
        if (run.wroteDirty) {
            return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either "
                    + "wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
        }
        if (!function && run.functionMode) {
            return "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
        }
        if (function && !run.functionMode) {
            return "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
        }
        run.killed = true;
        sandbox().hook.raise();
        return "OK";
    }

    /** SHUTDOWN NOSAVE's stop: the script ends whatever it wrote, and none of it is logged. */
    private void stopForShutdown(ScriptRun run) {
        run.discard = true;
        run.killed = true;
        sandbox().hook.raise();
    }

    @Override
    public boolean debugSessionRuns() {
        return debug.isBusy();
    }

    @Override
    public byte[] whileBusy(io.vellum.core.engine.Session session, byte[][] argv, io.vellum.core.command.CommandSpec spec) {
        if (debug.whileBusy(session, argv)) {
            return null;
        }
        ScriptRun run = current;
        if (run == null || spec == null || run.ctx.session() == session) {
            return null;
        }
        String name = spec.fullName();
        switch (name) {
            case "script|kill", "function|kill" -> {
                String r = killFromNetwork(name.equals("function|kill"));
                return r == null ? null : r.equals("OK") ? line("+OK") : line("-" + r);
            }
            case "function|stats" -> {
                // functionStatsCommand answers with the running function; during EVAL, -BUSY
                if (!run.functionMode) {
                    return line("-" + busyError());
                }
                io.vellum.core.util.ByteOutput out = new io.vellum.core.util.ByteOutput();
                FunctionCommands.writeStats(new io.vellum.core.reply.RespEncoder(out, session.protocol()), functions(), run);
                return out.toByteArray();
            }
            case "shutdown" -> {
                boolean nosave = false;
                for (int i = 1; i < argv.length; i++) {
                    nosave |= io.vellum.core.util.Text.eqIgnoreCase(argv[i], "nosave");
                }
                if (!nosave) {
                    return line("-" + busyError());
                }
                stopForShutdown(run);
                return null;
            }
            case "multi" -> {
                // Redis runs MULTI during a busy script (allow_busy), so that a pipelined
                // transaction is refused whole (EXECABORT) rather than half run after the script
                String error = io.vellum.core.commands.TransactionCommands.beginMulti(session);
                return line(error == null ? "+OK" : "-" + error);
            }
            case "quit" -> {
                return QUIT_REPLY;
            }
            case "discard" -> {
                // allow_busy too: the transaction a BUSY reply flagged can be dropped at once
                String error = io.vellum.core.commands.TransactionCommands.discardWhileBusy(run.ctx.engine(), session);
                return line(error == null ? "+OK" : "-" + error);
            }
            default -> {
            }
        }
        if (spec.has(io.vellum.core.command.CommandFlag.ALLOW_BUSY)) {
            return null;
        }
        if (session.inMulti()) {
            if (name.equals("exec")) {
                // rejectCommand's execCommandAbort: the transaction is discarded, with the reason
                return line("-" + io.vellum.core.commands.TransactionCommands.abortExecWhileBusy(run.ctx.engine(), session, busyError()));
            }
            session.flagExecAbort(); // rejectCommand's flagTransaction: EXEC answers EXECABORT
        }
        return line("-" + busyError());
    }

    private static byte[] line(String text) {
        return (text + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
