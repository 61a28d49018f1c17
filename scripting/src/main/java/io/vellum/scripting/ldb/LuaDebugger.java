package io.vellum.scripting.ldb;

import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** What the {@code redis} table tells the debugger of a debugged script (script_lua.c's ldb calls). */
public interface LuaDebugger {
    /** redis.breakpoint(): stop at the next line; returns true. */
    LuaValue breakpoint();

    /** redis.debug(...): a {@code <debug>} log line. */
    void debug(Varargs args);

    /** redis.call is about to run {@code argv} (logged as {@code <redis>} while stepping). */
    void redisCommand(byte[][] argv);

    /** redis.call refused to run the command with this error text (logged as {@code <error>} while stepping). */
    void redisError(String text);

    /** redis.call's result as Lua sees it (logged as {@code <reply>} while stepping). */
    void redisReply(LuaValue result);

    /**
     * The script returned or failed; its reply is written next. A SYNC session ends here, so
     * the {@code <endsession>} line precedes the reply as in Redis (whose ldbEndSession writes
     * to the socket while the reply still waits in the client's buffer).
     */
    default void scriptReturned() {
    }
}
