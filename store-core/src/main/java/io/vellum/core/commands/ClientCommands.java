package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.Session;
import io.vellum.core.engine.SubscriptionCounts;
import io.vellum.core.util.Longs;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT ID|SETNAME|GETNAME|SETINFO|INFO|LIST|KILL|UNBLOCK|REPLY|NO-EVICT|NO-TOUCH|HELP
 * (Redis's networking.c, 7.2). CLIENT LIST lines carry Redis's fields; the ones about
 * buffers Vellum does not have (qbuf, argv-mem, obl...) answer 0.
 */
public final class ClientCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("client|id", ctx -> ctx.reply().integer(ctx.session().id()))
                .bind("client|setname", ClientCommands::setName)
                .bind("client|getname", ClientCommands::getName)
                .bind("client|setinfo", ClientCommands::setInfo)
                .bind("client|info", ClientCommands::info)
                .bind("client|list", ClientCommands::list)
                .bind("client|kill", ClientCommands::kill)
                .bind("client|unblock", ClientCommands::unblock)
                .bind("client|reply", ClientCommands::reply)
                .bind("client|pause", ClientCommands::pause)
                .bind("client|unpause", ctx -> {
                    ctx.engine().clientPause().unpause();
                    ctx.reply().ok();
                })
                .bind("client|no-evict", ctx -> onOff(ctx, ctx.session()::setNoEvict))
                .bind("client|no-touch", ctx -> onOff(ctx, ctx.session()::setNoTouch))
                .bind("client|help", ClientCommands::help);
    }

    /* CLIENT SETNAME connection-name */
    static void setName(CommandContext ctx) {
        String name = ctx.argString(2);
        if (!ClientNames.valid(name)) {
            throw new io.vellum.core.command.CommandError(ClientNames.INVALID);
        }
        ctx.session().setName(name);
        ctx.reply().ok();
    }

    /* CLIENT GETNAME */
    static void getName(CommandContext ctx) {
        String name = ctx.session().name();
        if (name.isEmpty()) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().bulk(name);
        }
    }

    /* CLIENT SETINFO <LIB-NAME libname | LIB-VER libver> (7.2) */
    static void setInfo(CommandContext ctx) {
        String attr = ctx.argString(2);
        String value = ctx.argString(3);
        boolean libName = ctx.argIs(2, "lib-name");
        if (!libName && !ctx.argIs(2, "lib-ver")) {
            throw new io.vellum.core.command.CommandError("ERR Unrecognized option '" + attr + "'");
        }
        if (!ClientNames.valid(value)) {
            throw new io.vellum.core.command.CommandError("ERR " + attr + " cannot contain spaces, newlines or special characters.");
        }
        if (libName) {
            ctx.session().setLibName(value);
        } else {
            ctx.session().setLibVersion(value);
        }
        ctx.reply().ok();
    }

    /* CLIENT INFO */
    static void info(CommandContext ctx) {
        ctx.reply().verbatim("txt", Text.latin1(line(ctx.engine(), ctx.session()) + "\n"));
    }

    /* CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]] */
    static void list(CommandContext ctx) {
        Engine engine = ctx.engine();
        StringBuilder out = new StringBuilder();
        if (ctx.argc() == 4 && ctx.argIs(2, "type")) {
            String type = clientType(ctx.argString(3));
            if (type == null) {
                throw new io.vellum.core.command.CommandError("ERR Unknown client type '" + ctx.argString(3) + "'");
            }
            for (Session s : engine.sessions()) {
                if (type(s).equals(type)) {
                    out.append(line(engine, s)).append('\n');
                }
            }
        } else if (ctx.argc() > 3 && ctx.argIs(2, "id")) {
            List<Long> ids = new ArrayList<>();
            for (int i = 3; i < ctx.argc(); i++) {
                ids.add(ctx.longArg(i, "ERR Invalid client ID"));
            }
            for (long id : ids) {
                Session s = engine.session(id);
                if (s != null) {
                    out.append(line(engine, s)).append('\n');
                }
            }
        } else if (ctx.argc() != 2) {
            throw Errors.E_SYNTAX;
        } else {
            for (Session s : engine.sessions()) {
                out.append(line(engine, s)).append('\n');
            }
        }
        ctx.reply().verbatim("txt", Text.latin1(out.toString()));
    }

    /** Redis's getClientTypeByName, as the canonical type name; null when unknown. */
    private static String clientType(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "normal" -> "normal";
            case "slave", "replica" -> "slave";
            case "pubsub" -> "pubsub";
            case "master" -> "master";
            default -> null;
        };
    }

    private static String type(Session s) {
        return PubSubSupport.inSubscribedMode(s) ? "pubsub" : "normal";
    }

    /** One CLIENT LIST line (catClientInfoString), without the newline. */
    static String line(Engine engine, Session s) {
        long now = engine.clock().wallMillis();
        StringBuilder flags = new StringBuilder();
        if (s.isMonitor()) {
            flags.append('O');
        }
        boolean pubsub = PubSubSupport.inSubscribedMode(s);
        if (pubsub) {
            flags.append('P');
        }
        if (s.inMulti()) {
            flags.append('x');
        }
        if (s.isBlocked()) {
            flags.append('b');
        }
        if (s.watchDirty()) {
            flags.append('d');
        }
        if (s.closeAfterReply()) {
            flags.append('c');
        }
        if (s.noEvict()) {
            flags.append('e');
        }
        if (s.noTouch()) {
            flags.append('T');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        int sub = 0;
        int psub = 0;
        int ssub = 0;
        if (s.pubSubState() instanceof SubscriptionCounts c) {
            sub = c.channels();
            psub = c.patterns();
            ssub = c.shardChannels();
        }
        return "id=" + s.id()
                + " addr=" + s.connection().remoteAddress()
                + " laddr=" + s.connection().localAddress()
                + " fd=" + s.connection().fd()
                + " name=" + s.name()
                + " age=" + Math.max(0, (now - s.createdMillis()) / 1000)
                + " idle=" + Math.max(0, (now - s.lastInteractionMillis()) / 1000)
                + " flags=" + flags
                + " db=" + s.db()
                + " sub=" + sub + " psub=" + psub + " ssub=" + ssub
                + " multi=" + (s.inMulti() ? s.queued().size() : -1)
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0"
                + " events=r"
                + " cmd=" + s.lastCommand()
                + " user=default redir=-1"
                + " resp=" + s.protocol()
                + " lib-name=" + s.libName()
                + " lib-ver=" + s.libVersion();
    }

    /*
     * CLIENT KILL ip:port
     * CLIENT KILL [ID client-id] [TYPE NORMAL|MASTER|SLAVE|REPLICA|PUBSUB] [USER username]
     *             [ADDR ip:port] [LADDR ip:port] [SKIPME YES|NO] [...]
     */
    static void kill(CommandContext ctx) {
        String addr = null;
        String laddr = null;
        String type = null;
        long id = 0;
        boolean skipMe = true;
        if (ctx.argc() == 3) {
            addr = ctx.argString(2);
            skipMe = false; // with the old form a client may kill itself
        } else {
            for (int i = 2; i < ctx.argc(); i += 2) {
                boolean more = ctx.argc() > i + 1;
                if (ctx.argIs(i, "id") && more) {
                    long v = Longs.isLong(ctx.arg(i + 1)) ? Longs.parseValid(ctx.arg(i + 1)) : 0;
                    if (v < 1) {
                        throw new io.vellum.core.command.CommandError("ERR client-id should be greater than 0");
                    }
                    id = v;
                } else if (ctx.argIs(i, "type") && more) {
                    type = clientType(ctx.argString(i + 1));
                    if (type == null) {
                        throw new io.vellum.core.command.CommandError("ERR Unknown client type '" + ctx.argString(i + 1) + "'");
                    }
                } else if (ctx.argIs(i, "addr") && more) {
                    addr = ctx.argString(i + 1);
                } else if (ctx.argIs(i, "laddr") && more) {
                    laddr = ctx.argString(i + 1);
                } else if (ctx.argIs(i, "user") && more) {
                    if (!ctx.argString(i + 1).equals("default")) {
                        throw new io.vellum.core.command.CommandError("ERR No such user '" + ctx.argString(i + 1) + "'");
                    }
                } else if (ctx.argIs(i, "skipme") && more) {
                    if (ctx.argIs(i + 1, "yes")) {
                        skipMe = true;
                    } else if (ctx.argIs(i + 1, "no")) {
                        skipMe = false;
                    } else {
                        throw Errors.E_SYNTAX;
                    }
                } else {
                    throw Errors.E_SYNTAX;
                }
            }
        }
        Session me = ctx.session();
        int killed = 0;
        for (Session s : new ArrayList<>(ctx.engine().sessions())) {
            if (addr != null && !s.connection().remoteAddress().equals(addr)
                    || laddr != null && !s.connection().localAddress().equals(laddr)
                    || type != null && !type(s).equals(type)
                    || id != 0 && s.id() != id
                    || s == me && skipMe) {
                continue;
            }
            if (s != me) {
                ctx.engine().kill(s);
            }
            killed++;
        }
        if (ctx.argc() == 3) {
            if (killed == 0) {
                throw new io.vellum.core.command.CommandError("ERR No such client");
            }
            ctx.reply().ok();
        } else {
            ctx.reply().integer(killed);
        }
        if (killed > 0 && (addr == null || me.connection().remoteAddress().equals(addr))
                && (laddr == null || me.connection().localAddress().equals(laddr))
                && (type == null || type(me).equals(type)) && (id == 0 || me.id() == id) && !skipMe) {
            me.setCloseAfterReply(); // after its reply, as Redis's CLIENT_CLOSE_AFTER_REPLY
        }
    }

    /* CLIENT UNBLOCK client-id [TIMEOUT | ERROR] */
    static void unblock(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw Help.subcommandSyntaxError(ctx);
        }
        boolean error = false;
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "error")) {
                error = true;
            } else if (!ctx.argIs(3, "timeout")) {
                throw new io.vellum.core.command.CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id = ctx.longArg(2);
        Session target = ctx.engine().session(id);
        boolean done = target != null && ctx.engine().unblock(target,
                error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null);
        ctx.reply().integer(done ? 1 : 0);
    }

    /* CLIENT PAUSE timeout [WRITE|ALL] */
    static void pause(CommandContext ctx) {
        if (ctx.argc() > 4) {
            throw Help.subcommandSyntaxError(ctx);
        }
        io.vellum.core.engine.ClientPause.Type type = io.vellum.core.engine.ClientPause.Type.ALL;
        if (ctx.argc() == 4) {
            if (ctx.argIs(3, "write")) {
                type = io.vellum.core.engine.ClientPause.Type.WRITE;
            } else if (!ctx.argIs(3, "all")) {
                throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
            }
        }
        // getTimeoutFromObjectOrReply(UNIT_MILLISECONDS)
        byte[] t = ctx.arg(2);
        if (!io.vellum.core.util.Longs.isLong(t)) {
            throw new CommandError("ERR timeout is not an integer or out of range");
        }
        long ms = io.vellum.core.util.Longs.parseValid(t);
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        long now = ctx.nowMillis();
        if (ms > 0 && ms > Long.MAX_VALUE - now) {
            throw new CommandError("ERR timeout is out of range");
        }
        ctx.engine().clientPause().pause(type, ms == 0 ? 0 : now + ms, now);
        ctx.reply().ok();
    }

    /* CLIENT REPLY ON | OFF | SKIP */
    static void reply(CommandContext ctx) {
        Session s = ctx.session();
        if (ctx.argIs(2, "on")) {
            s.setReplyMode(Session.ReplyMode.ON);
            // this command's own sink discards when replies were off or skipped as it started:
            // Redis clears both flags before answering
            ctx.pushReply().ok();
        } else if (ctx.argIs(2, "off")) {
            s.setReplyMode(Session.ReplyMode.OFF);
        } else if (ctx.argIs(2, "skip")) {
            if (s.replyMode() != Session.ReplyMode.OFF) {
                s.setReplyMode(Session.ReplyMode.SKIP_NEXT); // the next command's reply is dropped
            }
        } else {
            throw Errors.E_SYNTAX;
        }
    }

    /* CLIENT NO-EVICT ON|OFF, CLIENT NO-TOUCH ON|OFF */
    private static void onOff(CommandContext ctx, java.util.function.Consumer<Boolean> set) {
        if (ctx.argIs(2, "on")) {
            set.accept(true);
        } else if (ctx.argIs(2, "off")) {
            set.accept(false);
        } else {
            throw Errors.E_SYNTAX;
        }
        ctx.reply().ok();
    }

    /* CLIENT HELP: the subcommands Vellum has, in Redis 7.2's words. */
    static void help(CommandContext ctx) {
        Help.reply(ctx,
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "SETINFO <option> <value>",
                "    Set client meta attr. Options are:",
                "    * LIB-NAME: the client lib name.",
                "    * LIB-VER: the client lib version.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.",
                "NO-TOUCH (ON|OFF)",
                "    Will not touch LRU/LFU stats when this mode is on.");
    }
}
