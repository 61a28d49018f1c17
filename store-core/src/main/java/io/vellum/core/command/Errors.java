package io.vellum.core.command;

/** Redis's error replies, verbatim (server.c createSharedObjects and the command files). */
public final class Errors {
    private Errors() {
    }

    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String WRONG_TYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String OUT_OF_RANGE = "ERR index out of range";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String READONLY = "READONLY You can't write against a read only replica.";
    public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
    public static final String INVALID_CURSOR = "ERR invalid cursor";
    public static final String POSITIVE = "ERR value is out of range, must be positive";

    public static final CommandError E_SYNTAX = new CommandError(SYNTAX);
    public static final CommandError E_NOT_INTEGER = new CommandError(NOT_INTEGER);
    public static final CommandError E_NOT_FLOAT = new CommandError(NOT_FLOAT);
    public static final CommandError E_WRONG_TYPE = new CommandError(WRONG_TYPE);
    public static final CommandError E_NO_SUCH_KEY = new CommandError(NO_SUCH_KEY);
    public static final CommandError E_OVERFLOW = new CommandError(OVERFLOW);
    public static final CommandError E_STRING_TOO_LONG = new CommandError(STRING_TOO_LONG);
    public static final CommandError E_OUT_OF_RANGE = new CommandError(OUT_OF_RANGE);
    public static final CommandError E_INVALID_CURSOR = new CommandError(INVALID_CURSOR);

    public static String wrongArgs(String fullName) {
        return "ERR wrong number of arguments for '" + fullName + "' command";
    }

    /** "ERR unknown subcommand 'x'. Try CONFIG HELP." */
    public static String unknownSubcommand(String sub, String container) {
        return "ERR unknown subcommand '" + truncate(sub, 128) + "'. Try " + container.toUpperCase(java.util.Locale.ROOT) + " HELP.";
    }

    public static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
