package io.vellum.scripting.ldb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * One Lua debugging session (Redis's {@code ldb} state and its line hook, luaLdbLineHook,
 * ldbRepl and the commands it reads). It is LuaJ's debug hook of the throwaway Lua state the
 * script runs in: on every new line of {@code user_script} it decides whether to stop, and when
 * it stops it sends the log lines to the client and waits, on the session's thread, for the
 * client's next debugger command ({@link #offer}).
 *
 * <p>In a {@code SCRIPT DEBUG SYNC} session ({@link DebuggedRun} given) the hook is installed
 * in the store's own Lua state and runs on the engine thread, which waits here while stopped;
 * the client's commands arrive from its network thread ({@link #offer}).
 *
 * <p>Session thread only, except {@link #offer} and {@link #clientGone} (the engine thread,
 * or the network thread in SYNC mode).
 */
final class LdbSession extends DebugLib implements LuaDebugger {
    /** LDB_BREAKPOINTS_MAX */
    private static final int MAX_BREAKPOINTS = 64;
    /** LDB_MAX_LEN_DEFAULT */
    private static final int MAX_LEN_DEFAULT = 256;
    /** Instructions between two count events (Redis sets its ldb hook with a count of 100000). */
    private static final int COUNT_EVENT = 100_000;
    /** Lua frames deep before "stack overflow", as the interrupt hook counts them (its MAX_DEPTH). */
    private static final int MAX_DEPTH = 3000;
    private static final byte[][] GONE = new byte[0][];

    private static final class Frame {
        final LuaClosure closure;
        final LuaValue[] stack;
        int pc = -1;

        Frame(LuaClosure closure, LuaValue[] stack) {
            this.closure = closure;
            this.stack = stack;
        }

        boolean userScript() {
            return closure.p.source.tojstring().contains("user_script");
        }

        int line() {
            int[] li = closure.p.lineinfo;
            return pc >= 0 && li != null && pc < li.length ? li[pc] : 0;
        }
    }

    private final String[] src;
    private final Consumer<List<String>> send;
    /** The SYNC session's run, or null in a forked (YES) session. */
    private final DebuggedRun sync;
    private boolean ended;
    private final BlockingQueue<byte[][]> commands = new LinkedBlockingQueue<>();
    private final List<Frame> frames = new ArrayList<>();
    private final List<String> logs = new ArrayList<>();
    private final List<Integer> breakpoints = new ArrayList<>();
    private LuaTable globals;
    private volatile boolean gone;
    private boolean step = true;
    private boolean luabp;
    private int currentLine = -1;
    private int maxlen = MAX_LEN_DEFAULT;
    private boolean maxlenHintSent;
    private long goneAtNanos;
    /** Lua instructions run (the count hook's counter). */
    private long instructions;
    /** When the script last resumed (rctx->start_time, reset after each stop). */
    private long resumedNanos = System.nanoTime();
    private LongSupplier timeLimitMillis = () -> 5000;

    /**
     * @param script the EVAL body (its lines are what list shows)
     * @param send   writes log lines to the client as one multi-bulk of status replies
     * @param sync   the run a SYNC session debugs, or null (YES: a throwaway copy)
     */
    LdbSession(byte[] script, Consumer<List<String>> send, DebuggedRun sync) {
        this.sync = sync;
        int len = script.length;
        while (len > 0 && (script[len - 1] == '\n' || script[len - 1] == '\r')) {
            len--;
        }
        this.src = new String(script, 0, len, StandardCharsets.ISO_8859_1).split("\n", -1);
        this.send = send;
    }

    void setGlobals(LuaTable globals) {
        this.globals = globals;
    }

    /** busy-reply-threshold: running this long without a stop stops the script ("timeout reached"). */
    void setTimeLimit(LongSupplier millis) {
        this.timeLimitMillis = millis;
    }

    /** The client sent commands while the session runs (engine thread). */
    void offer(List<byte[][]> argvs) {
        commands.addAll(argvs);
    }

    /** The client disconnected (engine thread): run to the end without stopping. */
    void clientGone() {
        gone = true;
        commands.add(GONE);
    }

    boolean isGone() {
        return gone;
    }

    /** SYNC: the {@code <endsession>} mark, once, before the script's reply (ldbEndSession). */
    void end() {
        if (!ended) {
            ended = true;
            log("<endsession>");
            sendLogs();
        }
    }

    @Override
    public void scriptReturned() {
        if (sync != null) {
            end();
        }
    }

    // ------------------------------------------------------------------ logs

    void log(String entry) {
        logs.add(entry);
    }

    /** ldbLogWithMaxLen */
    private void logWithMaxLen(String entry) {
        boolean trimmed = false;
        if (maxlen != 0 && entry.length() > maxlen) {
            entry = entry.substring(0, maxlen) + " ...";
            trimmed = true;
        }
        log(entry);
        if (trimmed && !maxlenHintSent) {
            maxlenHintSent = true;
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.");
        }
    }

    /** ldbSendLogs: newlines become spaces; the entries are consumed. */
    void sendLogs() {
        List<String> out = new ArrayList<>(logs.size());
        for (String l : logs) {
            out.add(l.replace('\r', ' ').replace('\n', ' '));
        }
        logs.clear();
        if (!gone) {
            send.accept(out);
        }
    }

    private String sourceLine(int line) {
        int idx = line - 1;
        return idx < 0 || idx >= src.length ? "<out of range source code line>" : src[idx];
    }

    private void logSourceLine(int line) {
        boolean bp = breakpoints.contains(line);
        boolean current = currentLine == line;
        String prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   ";
        log(String.format("%s%-3d %s", prefix, line, sourceLine(line)));
    }

    private void list(int around, int context) {
        for (int j = 1; j <= src.length; j++) {
            if (around != 0 && Math.abs(around - j) > context) {
                continue;
            }
            logSourceLine(j);
        }
    }

    // ------------------------------------------------------------------ the hook

    @Override
    public void onCall(LuaFunction f) {
        // Java functions have no lines or locals.
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        if (frames.size() >= MAX_DEPTH) {
            throw new LuaError("stack overflow");
        }
        frames.add(new Frame(c, stack));
    }

    @Override
    public void onReturn() {
        if (!frames.isEmpty()) {
            frames.remove(frames.size() - 1);
        }
    }

    @Override
    public String traceback(int level) {
        if (frames.isEmpty()) {
            return String.valueOf(io.vellum.scripting.ErrorSite.MARK);
        }
        Frame f = frames.get(frames.size() - 1);
        return io.vellum.scripting.ErrorSite.describe(f.closure.p, f.pc, f.stack);
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (gone && sync != null) {
            // nobody steps any more: the store's usual checks (SCRIPT KILL) apply again
            sync.interruptHook().onInstruction(pc, v, top);
        }
        if (frames.isEmpty()) {
            return;
        }
        Frame f = frames.get(frames.size() - 1);
        int old = f.pc;
        f.pc = pc;
        // Lua 5.1's traceexec: a count event every COUNT_EVENT instructions, then a line
        // event on a new line or on a jump backwards (only user_script's matter).
        boolean countEvent = ++instructions % COUNT_EVENT == 0;
        if (!f.userScript()) {
            return;
        }
        int[] li = f.closure.p.lineinfo;
        if (countEvent) {
            hook(li[pc], true);
        }
        if (old >= 0 && pc > old && li[pc] == li[old]) {
            return;
        }
        hook(li[pc], false);
    }

    /** luaLdbLineHook, for a line event or a count event (where it checks for a timeout). */
    private void hook(int line, boolean countEvent) {
        currentLine = line;
        boolean bp = breakpoints.contains(line) || luabp;
        boolean timeout = false;
        if (countEvent && !step && !bp) {
            long limit = timeLimitMillis.getAsLong();
            if (System.nanoTime() - resumedNanos < (limit != 0 ? limit : 5000) * 1_000_000L) {
                return;
            }
            timeout = true;
            step = true;
        }
        if (gone) {
            // Nobody will answer: like Redis's timeout with the client gone, end the script.
            // Not in SYNC mode, whose writes are replayed from the log by running the script to
            // its end: there SCRIPT KILL (before any write) is the way out, as for any script.
            if (sync == null && (timeout || System.nanoTime() - goneAtNanos > 5_000_000_000L)) {
                throw plainError("timeout during Lua debugging with client closing connection");
            }
            step = false;
            return;
        }
        if (step || bp) {
            String reason = bp ? (luabp ? "redis.breakpoint() called" : "break point")
                    : timeout ? "timeout reached, infinite loop?" : "step over";
            step = false;
            luabp = false;
            log("* Stopped at " + line + ", stop reason = " + reason);
            logSourceLine(line);
            sendLogs();
            repl();
            resumedNanos = System.nanoTime();
        }
    }

    /** ldbRepl: runs debugger commands until one returns to the script. */
    private void repl() {
        while (true) {
            byte[][] argv = nextCommand();
            if (argv == GONE || argv.length == 0) {
                step = false;
                breakpoints.clear();
                goneAtNanos = System.nanoTime();
                return;
            }
            String[] a = new String[argv.length];
            for (int i = 0; i < argv.length; i++) {
                a[i] = LdbFormat.latin1(argv[i]);
            }
            String cmd = a[0].toLowerCase(java.util.Locale.ROOT);
            switch (cmd) {
                case "h", "help" -> {
                    LdbHelp.log(this);
                    sendLogs();
                }
                case "s", "step", "n", "next" -> {
                    step = true;
                    return;
                }
                case "c", "continue" -> {
                    return;
                }
                case "t", "trace" -> {
                    trace();
                    sendLogs();
                }
                case "m", "maxlen" -> {
                    maxlen(a);
                    sendLogs();
                }
                case "b", "break" -> {
                    breakCommand(a);
                    sendLogs();
                }
                case "e", "eval" -> {
                    contained(() -> eval(a));
                    sendLogs();
                }
                case "a", "abort" -> {
                    if (sync == null || !sync.scriptWrote()) {
                        throw plainError("script aborted for user request");
                    }
                    // Redis keeps an aborted script's writes; replay, which runs the logged
                    // script to its end, could not stop where the user did.
                    log("<error> Can't abort a script that wrote in SYNC mode: the log could not replay it. Use 'continue'.");
                    sendLogs();
                }
                case "p", "print" -> {
                    if (a.length == 2) {
                        print(a[1]);
                    } else {
                        printAll();
                    }
                    sendLogs();
                }
                case "l", "list" -> {
                    int around = currentLine;
                    int ctx = 5;
                    if (a.length > 1) {
                        int num = atoi(a[1]);
                        if (num > 0) {
                            around = num;
                        }
                    }
                    if (a.length > 2) {
                        ctx = atoi(a[2]);
                    }
                    list(around, ctx);
                    sendLogs();
                }
                case "w", "whole" -> {
                    list(1, 1000000);
                    sendLogs();
                }
                default -> {
                    if (a.length > 1 && (cmd.equals("r") || cmd.equals("redis"))) {
                        contained(() -> redis(argv));
                    } else {
                        log("<error> Unknown Redis Lua debugger command or wrong number of arguments.");
                    }
                    sendLogs();
                }
            }
        }
    }

    /**
     * The client's next debugger command; {@link #GONE} when it disconnected. In SYNC mode the
     * engine thread waits here, so the closed connection is noticed by polling, not by the
     * engine's close listener (which runs only after the script).
     */
    private byte[][] nextCommand() {
        try {
            if (sync == null) {
                return commands.take();
            }
            while (true) {
                byte[][] argv = commands.poll(50, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (argv != null) {
                    return argv;
                }
                if (sync.clientClosed().getAsBoolean()) {
                    gone = true;
                    return GONE;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GONE;
        }
    }

    /** A debugger eval or redis command: in SYNC mode it must not change what the logged script does. */
    private void contained(Runnable action) {
        if (sync == null) {
            action.run();
        } else {
            sync.contained(action);
        }
    }

    /**
     * An error raised from the hook, as Redis's lua_error of a plain string there: no
     * "user_script:N:" prefix in the message, the script's position after it.
     */
    private static LuaError plainError(String text) {
        LuaTable t = new LuaTable();
        t.set("err", LuaValue.valueOf("ERR " + text));
        return new LuaError(t);
    }

    /** C's atoi: leading blanks, a sign, digits; anything else ends it. */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i++) - '0');
        }
        return (int) (neg ? -v : v);
    }

    // ------------------------------------------------------------------ commands

    /** ldbPrint: the innermost local of that name, else KEYS/ARGV. */
    private void print(String name) {
        for (int l = frames.size() - 1; l >= 0; l--) {
            Frame f = frames.get(l);
            Prototype p = f.closure.p;
            for (int i = 1; ; i++) {
                LuaString local = p.getlocalname(i, f.pc);
                if (local == null) {
                    break;
                }
                if (local.tojstring().equals(name)) {
                    logValue("<value> ", f.stack[i - 1]);
                    return;
                }
            }
        }
        if (name.equals("ARGV") || name.equals("KEYS")) {
            logValue("<value> ", globals.rawget(name));
        } else {
            log("No such variable.");
        }
    }

    /** ldbPrintAll: the locals of the current frame. */
    private void printAll() {
        int vars = 0;
        if (!frames.isEmpty()) {
            Frame f = frames.get(frames.size() - 1);
            for (int i = 1; ; i++) {
                LuaString local = f.closure.p.getlocalname(i, f.pc);
                if (local == null) {
                    break;
                }
                String n = local.tojstring();
                if (!n.contains("(*temporary)")) {
                    logValue("<value> " + n + " = ", f.stack[i - 1]);
                    vars++;
                }
            }
        }
        if (vars == 0) {
            log("No local variables in the current context.");
        }
    }

    private void logValue(String prefix, LuaValue v) {
        StringBuilder sb = new StringBuilder(prefix);
        LdbFormat.value(sb, v == null ? LuaValue.NIL : v);
        logWithMaxLen(sb.toString());
    }

    /** ldbBreak */
    private void breakCommand(String[] a) {
        if (a.length == 1) {
            if (breakpoints.isEmpty()) {
                log("No breakpoints set. Use 'b <line>' to add one.");
            } else {
                log(breakpoints.size() + " breakpoints set:");
                for (int line : breakpoints) {
                    logSourceLine(line);
                }
            }
            return;
        }
        for (int j = 1; j < a.length; j++) {
            long line;
            try {
                line = Long.parseLong(a[j]);
            } catch (NumberFormatException e) {
                log("Invalid argument:'" + a[j] + "'");
                continue;
            }
            if (line == 0) {
                breakpoints.clear();
                log("All breakpoints removed.");
            } else if (line > 0) {
                if (breakpoints.size() == MAX_BREAKPOINTS) {
                    log("Too many breakpoints set.");
                } else if (line <= src.length && !breakpoints.contains((int) line)) {
                    breakpoints.add((int) line);
                    list((int) line, 1);
                } else {
                    log("Wrong line number.");
                }
            } else if (breakpoints.remove((Integer) (int) -line)) {
                log("Breakpoint removed.");
            } else {
                log("No breakpoint in the specified line.");
            }
        }
    }

    /** ldbEval: as an expression ("return " prepended), else as statements; in a new callframe. */
    private void eval(String[] a) {
        String code = String.join(" ", java.util.Arrays.copyOfRange(a, 1, a.length));
        LuaValue loadstring = globals.rawget("loadstring");
        Varargs f = loadstring.invoke(LuaValue.varargsOf(chunk("return " + code), chunk("@ldb_eval")));
        if (f.arg1().isnil()) {
            f = loadstring.invoke(LuaValue.varargsOf(chunk(code), chunk("@ldb_eval")));
            if (f.arg1().isnil()) {
                log("<error> " + LdbFormat.latin1(LdbFormat.bytes(f.arg(2).checkstring())));
                return;
            }
        }
        boolean wasStep = step;
        try {
            // through the sandbox's pcall: its error values are Lua 5.1's ("ldb_eval:1: boom")
            Varargs r = globals.rawget("pcall").invoke(f.arg1());
            if (r.arg1().toboolean()) {
                logValue("<retval> ", r.arg(2));
            } else {
                LuaValue e = r.arg(2);
                log("<error> " + (e.isstring() ? LdbFormat.latin1(LdbFormat.bytes(e.checkstring())) : "(null)"));
            }
        } finally {
            step = wasStep;
        }
    }

    private static LuaString chunk(String s) {
        return LuaString.valueOf(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** ldbRedis: redis.call with stepping forced on, so the command and its reply are logged. */
    private void redis(byte[][] argv) {
        LuaValue call = globals.rawget("redis").get("call");
        LuaValue[] args = new LuaValue[argv.length - 1];
        for (int j = 1; j < argv.length; j++) {
            args[j - 1] = LuaValue.valueOf(argv[j]);
        }
        step = true;
        try {
            call.invoke(LuaValue.varargsOf(args));
        } catch (LuaError e) {
            // the reply was logged already; pcall semantics
        } finally {
            step = false;
        }
    }

    /** ldbTrace */
    private void trace() {
        int level = 0;
        for (int l = frames.size() - 1; l >= 0; l--, level++) {
            Frame f = frames.get(l);
            if (f.userScript()) {
                log((level == 0 ? "In" : "From") + " " + (l == 0 ? "top level" : "?") + ":");
                logSourceLine(f.line());
            }
        }
        if (frames.isEmpty()) {
            log("<error> Can't retrieve Lua stack.");
        }
    }

    /** ldbMaxlen */
    private void maxlen(String[] a) {
        if (a.length == 2) {
            int v = atoi(a[1]);
            maxlenHintSent = true;
            if (v != 0 && v <= 60) {
                v = 60;
            }
            maxlen = v;
        }
        log(maxlen != 0 ? "<value> replies are truncated at " + maxlen + " bytes." : "<value> replies are unlimited.");
    }

    // ------------------------------------------------------------------ the redis table's calls

    @Override
    public LuaValue breakpoint() {
        luabp = true;
        return LuaValue.TRUE;
    }

    @Override
    public void debug(Varargs args) {
        StringBuilder sb = new StringBuilder("<debug> line " + currentLine + ": ");
        for (int i = 1; i <= args.narg(); i++) {
            LdbFormat.value(sb, args.arg(i));
            if (i != args.narg()) {
                sb.append(", ");
            }
        }
        log(sb.toString());
    }

    @Override
    public void redisCommand(byte[][] argv) {
        if (!step) {
            return;
        }
        StringBuilder sb = new StringBuilder("<redis>");
        for (int j = 0; j < argv.length; j++) {
            if (j == 10) {
                sb.append(" ... (").append(argv.length - j - 1).append(" more)");
                break;
            }
            sb.append(' ').append(LdbFormat.latin1(argv[j]));
        }
        log(sb.toString());
    }

    @Override
    public void redisError(String text) {
        if (step) {
            log("<error> " + text); // luaPushErrorBuff's log
        }
    }

    @Override
    public void redisReply(LuaValue result) {
        if (!step) {
            return;
        }
        if (result.istable() && result.rawget("err").isstring()) {
            // the error reply goes through luaPushError first, which logs it as received
            log("<error> -" + result.rawget("err").tojstring());
        }
        StringBuilder sb = new StringBuilder("<reply> ");
        LdbFormat.reply(sb, result);
        logWithMaxLen(sb.toString());
    }
}
