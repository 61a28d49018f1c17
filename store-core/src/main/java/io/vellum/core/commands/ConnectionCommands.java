package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.Longs;

/** Connection commands: PING, ECHO, SELECT, HELLO, AUTH, QUIT, RESET (CLIENT is {@link ClientCommands}). */
public final class ConnectionCommands implements CommandGroup {
    /** The Redis version Vellum answers as (HELLO, INFO redis_version). */
    public static final String REDIS_VERSION = "7.2.4";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("ping", ConnectionCommands::ping)
                .bind("echo", ConnectionCommands::echo)
                .bind("select", ConnectionCommands::select)
                .bind("hello", ConnectionCommands::hello)
                .bind("auth", ConnectionCommands::auth)
                .bind("quit", ConnectionCommands::quit)
                .bind("reset", ConnectionCommands::reset);
    }

    /* PING [message] */
    static void ping(CommandContext ctx) {
        if (ctx.argc() > 2) {
            ctx.reply().error(Errors.wrongArgs("ping"));
            return;
        }
        // Outside the digest: the reply depends on the connection's subscriptions, which a
        // replayed MULTI (on the engine's own session) does not have.
        ReplySink r = ctx.replyOutsideDigest();
        if (ctx.session().protocol() == 2 && PubSubSupport.inSubscribedMode(ctx.session())) {
            r.array(2);
            r.bulk("pong");
            r.bulk(ctx.argc() == 1 ? new byte[0] : ctx.arg(1));
            return;
        }
        if (ctx.argc() == 1) {
            r.simple("PONG");
        } else {
            r.bulk(ctx.arg(1));
        }
    }

    /* ECHO message */
    static void echo(CommandContext ctx) {
        ctx.reply().bulk(ctx.arg(1));
    }

    /* SELECT index */
    static void select(CommandContext ctx) {
        long id = ctx.longArg(1, "ERR value is not an integer or out of range");
        if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) { // getIntFromObjectOrReply
            ctx.reply().error("ERR value is out of range, value must between -2147483648 and 2147483647");
            return;
        }
        if (id < 0 || id >= ctx.keyspace().count()) {
            ctx.reply().error(Errors.DB_INDEX_OUT_OF_RANGE);
            return;
        }
        ctx.session().selectDb((int) id);
        ctx.reply().ok();
    }

    /* QUIT */
    static void quit(CommandContext ctx) {
        ctx.session().setCloseAfterReply();
        ctx.reply().ok();
    }

    /* RESET: the connection as if new (clearClientConnectionState); lib-name/lib-ver stay. */
    static void reset(CommandContext ctx) {
        Session s = ctx.session();
        s.endMulti();
        ctx.engine().resetSession(s);
        ctx.engine().monitors().stop(s);
        s.selectDb(0);
        s.setProtocol(2);
        s.setName("");
        s.setAuthenticated(ctx.config().requirepass.get().isEmpty());
        s.setReplyMode(Session.ReplyMode.ON);
        s.setNoEvict(false);
        s.setNoTouch(false);
        ctx.reply().simple("RESET");
    }

    /* AUTH [username] password */
    static void auth(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        // authCommand: the password (and a username) never reach the slow log
        ctx.redact(1);
        if (ctx.argc() == 3) {
            ctx.redact(2);
        }
        String required = ctx.config().requirepass.get();
        if (required.isEmpty() && ctx.argc() == 2) {
            ctx.reply().error("ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
            return;
        }
        String user = ctx.argc() == 3 ? ctx.argString(1) : "default";
        String pass = ctx.argString(ctx.argc() - 1);
        if (checkPassword(ctx, user, pass)) {
            ctx.session().setAuthenticated(true);
            ctx.reply().ok();
        } else {
            ctx.reply().error("WRONGPASS invalid username-password pair or user is disabled.");
        }
    }

    private static boolean checkPassword(CommandContext ctx, String user, String pass) {
        String required = ctx.config().requirepass.get();
        if (!user.equals("default")) {
            return false;
        }
        return required.isEmpty() || java.security.MessageDigest.isEqual(
                required.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                pass.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /* HELLO [protover [AUTH username password] [SETNAME clientname]] */
    static void hello(CommandContext ctx) {
        Session s = ctx.session();
        int ver = 0;
        int next = 1;
        if (ctx.argc() >= 2) {
            byte[] v = ctx.arg(1);
            if (!Longs.isLong(v)) {
                ctx.reply().error("ERR Protocol version is not an integer or out of range");
                return;
            }
            long pv = Longs.parseValid(v);
            next = 2;
            if (pv < 2 || pv > 3) {
                ctx.reply().error("NOPROTO unsupported protocol version");
                return;
            }
            ver = (int) pv;
        }
        String user = null;
        String pass = null;
        String name = null;
        for (int j = next; j < ctx.argc(); j++) {
            int left = ctx.argc() - j - 1;
            if (ctx.argIs(j, "auth") && left >= 2) {
                ctx.redact(j + 1);
                ctx.redact(j + 2);
                user = ctx.argString(j + 1);
                pass = ctx.argString(j + 2);
                j += 2;
            } else if (ctx.argIs(j, "setname") && left >= 1) {
                name = ctx.argString(j + 1);
                if (!ClientNames.valid(name)) {
                    // 7.2 validates the name while parsing, before authenticating
                    ctx.reply().error(ClientNames.INVALID);
                    return;
                }
                j += 1;
            } else {
                ctx.reply().error("ERR Syntax error in HELLO option '" + ctx.argString(j) + "'");
                return;
            }
        }
        if (user != null) {
            if (!checkPassword(ctx, user, pass)) {
                ctx.reply().error("WRONGPASS invalid username-password pair or user is disabled.");
                return;
            }
            s.setAuthenticated(true);
        }
        if (!s.authenticated()) {
            ctx.reply().error("NOAUTH HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate "
                    + "the client and select the RESP protocol version at the same time");
            return;
        }
        if (name != null) {
            s.setName(name); // only once authenticated (7.2)
        }
        if (ver != 0) {
            s.setProtocol(ver);
        }
        ReplySink r = ctx.reply();
        r.map(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(REDIS_VERSION);
        r.bulk("proto");
        r.integer(s.protocol());
        r.bulk("id");
        r.integer(s.id());
        r.bulk("mode");
        r.bulk("standalone");
        r.bulk("role");
        r.bulk(ctx.engine().role() == io.vellum.core.engine.Role.PRIMARY ? "master" : "replica");
        r.bulk("modules");
        r.array(0);
    }
}
