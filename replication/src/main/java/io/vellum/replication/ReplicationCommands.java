package io.vellum.replication;

import io.netty.channel.Channel;
import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.ReplySink;
import java.util.List;

/** REPLICAOF, SLAVEOF, ROLE, WAIT, WAITAOF, REPLCONF and VELLUM.PSYNC ({@link ReplicationProtocol}). */
final class ReplicationCommands implements CommandGroup {
    static final String WAIT_ON_REPLICA = "ERR WAIT cannot be used with replica instances. Please also note that since"
            + " Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are"
            + " just local and are not propagated.";
    static final String WAITAOF_ON_REPLICA = "ERR WAITAOF cannot be used with replica instances. Please also note that"
            + " writes to replicas are just local and are not propagated.";
    static final String WAITAOF_NO_AOF = "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";
    static final String NOT_POSITIVE = "ERR value is out of range, must be positive";

    private final Replication repl;

    ReplicationCommands(Replication repl) {
        this.repl = repl;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("replicaof", this::replicaof);
        b.bind("slaveof", this::replicaof);
        b.bind("role", this::role);
        b.bind("wait", this::waitCommand);
        b.bind("waitaof", this::waitaof);
        b.bind("replconf", this::replconf);
        b.bind("vellum.psync", this::psync);
    }

    /* REPLICAOF host port | REPLICAOF NO ONE (SLAVEOF too) */
    void replicaof(CommandContext ctx) {
        if (ctx.argIs(1, "no") && ctx.argIs(2, "one")) {
            repl.promote();
            ctx.reply().ok();
            return;
        }
        long port = ctx.longArg(2);
        if (port < 0 || port > 65535) {
            throw new CommandError("ERR Invalid master port");
        }
        if (!repl.replicaOf(ctx.argString(1), (int) port)) {
            ctx.reply().simple("OK Already connected to specified master");
            return;
        }
        ctx.reply().ok();
    }

    /* ROLE */
    void role(CommandContext ctx) {
        ReplySink r = ctx.reply();
        Upstream u = repl.upstream();
        if (u == null) {
            List<ReplicaStream> online = repl.replicas().stream().filter(x -> x.online).toList();
            r.array(3);
            r.bulk("master");
            r.integer(repl.offset());
            r.array(online.size());
            for (ReplicaStream x : online) {
                r.array(3);
                r.bulk(x.ip);
                r.bulk(Integer.toString(x.listeningPort));
                r.bulk(Long.toString(x.ackApplied));
            }
            return;
        }
        r.array(5);
        r.bulk("slave");
        r.bulk(u.host());
        r.integer(u.port());
        r.bulk(u.state());
        r.integer(u.up() ? u.applier().applied() : -1);
    }

    /* WAIT numreplicas timeout */
    void waitCommand(CommandContext ctx) {
        if (repl.isReplica()) {
            throw new CommandError(WAIT_ON_REPLICA);
        }
        long numreplicas = ctx.longArg(1);
        long timeout = timeoutArg(ctx, 2);
        long target = repl.offset();
        int acked = repl.replicasAt(target, false);
        if (acked >= numreplicas || !ctx.canBlock()) {
            ctx.reply().integer(acked);
            return;
        }
        WaitRegistry.Waiter w = new WaitRegistry.Waiter(ctx.session(), target, 0, numreplicas, false);
        repl.waits().add(w);
        repl.waits().requestAcks(); // the replicas ack at once instead of within the second
        ctx.block(List.of(), timeout, sink -> {
            repl.waits().remove(w);
            sink.integer(repl.replicasAt(target, false));
        });
    }

    /* WAITAOF numlocal numreplicas timeout */
    void waitaof(CommandContext ctx) {
        if (repl.isReplica()) {
            throw new CommandError(WAITAOF_ON_REPLICA);
        }
        long numlocal = ctx.longArg(1, NOT_POSITIVE);
        long numreplicas = ctx.longArg(2, NOT_POSITIVE);
        if (numlocal < 0 || numreplicas < 0) {
            throw new CommandError(NOT_POSITIVE);
        }
        long timeout = timeoutArg(ctx, 3);
        if (numlocal > 0 && repl.log() == null) {
            throw new CommandError(WAITAOF_NO_AOF);
        }
        long target = repl.offset();
        WaitRegistry.Waiter w = new WaitRegistry.Waiter(ctx.session(), target, numlocal, numreplicas, true);
        if (repl.waits().done(w) || !ctx.canBlock()) {
            replyWaitaof(ctx.reply(), target);
            return;
        }
        repl.waits().add(w);
        if (numreplicas > 0 && repl.replicasAt(target, true) < numreplicas) {
            repl.waits().requestAcks();
        }
        ctx.block(List.of(), timeout, sink -> {
            repl.waits().remove(w);
            replyWaitaof(sink, target);
        });
    }

    private void replyWaitaof(ReplySink sink, long target) {
        sink.array(2);
        sink.integer(repl.waits().localAt(target));
        sink.integer(repl.replicasAt(target, true));
    }

    /** Redis's getTimeoutFromObjectOrReply in milliseconds. */
    private static long timeoutArg(CommandContext ctx, int i) {
        long t = ctx.longArg(i, "ERR timeout is not an integer or out of range");
        if (t < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        return t;
    }

    /* REPLCONF option value [option value ...] */
    void replconf(CommandContext ctx) {
        int argc = ctx.argv().length;
        if (argc % 2 == 0) {
            throw new CommandError(Errors.wrongArgs("replconf"));
        }
        Session s = ctx.session();
        for (int j = 1; j < argc; j += 2) {
            String opt = ctx.argString(j).toLowerCase(java.util.Locale.ROOT);
            switch (opt) {
                case "listening-port" -> repl.listeningPorts().put(s.id(), (int) ctx.longArg(j + 1));
                case "ip-address", "capa", "rdb-only", "rdb-filter-only" -> {
                    // accepted and not needed: the primary streams its log, never an RDB
                }
                case "ack" -> {
                    ReplicaStream r = repl.replicas().stream().filter(x -> x.sessionId == s.id()).findFirst().orElse(null);
                    if (r != null) {
                        long applied = ctx.longArg(j + 1);
                        long synced = j + 3 < argc && ctx.argIs(j + 2, "fack") ? ctx.longArg(j + 3) : -1;
                        r.ack(applied, synced);
                        // Released as a task of its own: unblocking runs the waiter's queued commands,
                        // which must not run inside this command. Only when a client waits: else the
                        // task would wake the engine thread for nothing.
                        if (repl.waits().any()) {
                            repl.engine().execute(repl.waits()::check);
                        }
                    }
                    return; // Redis never replies to an ACK
                }
                case "getack" -> {
                    return;
                }
                default -> throw new CommandError("ERR Unrecognized REPLCONF option: " + ctx.argString(j));
            }
        }
        ctx.reply().ok();
    }

    /* VELLUM.PSYNC logid serial */
    void psync(CommandContext ctx) {
        if (repl.log() == null || repl.dir() == null) {
            throw new CommandError("ERR replication needs the primary's log: open the store on a directory with appendonly yes");
        }
        Session s = ctx.session();
        if (!(s.connection().transport() instanceof Channel channel)) {
            throw new CommandError("ERR " + ReplicationProtocol.PSYNC + " needs a network connection");
        }
        String askedId = ctx.argString(1);
        long serial = ctx.longArg(2);
        if (serial < 0) {
            throw new CommandError("ERR " + ReplicationProtocol.PSYNC + " takes a record serial of 0 or more");
        }
        LogIdentity id = repl.identity();
        long last = repl.offset();
        String fullResync = null;
        if (!id.canContinue(askedId, serial, last)) {
            fullResync = askedId.equals(id.id()) || askedId.equals(id.previousId())
                    ? "the replica holds records up to " + serial + " of log " + askedId + " that this primary does not"
                    + " have (this log, " + id.id() + ", ends at " + last
                    + (askedId.equals(id.previousId()) ? " and continued log " + askedId + " after record " + id.previousEnd() : "")
                    + "): the histories diverged"
                    : "this primary's log " + id.id() + " does not continue log " + askedId;
        }
        String addr = s.connection().remoteAddress();
        String ip = addr.startsWith("[") ? addr.substring(1, addr.lastIndexOf(']')) : addr.substring(0, addr.lastIndexOf(':'));
        int port = repl.listeningPorts().getOrDefault(s.id(), 0);
        ReplicaStream r = new ReplicaStream(repl, s.id(), channel, ip, port, id.id(), serial, fullResync);
        repl.addReplica(r);
        r.start();
        // No reply from here: the stream writes +CONTINUE (or a full resync), then the records.
    }
}
