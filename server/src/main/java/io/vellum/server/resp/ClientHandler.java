package io.vellum.server.resp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.Session;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Glue between one client channel and the engine: collects the commands of a read and
 * submits them as one batch when the read completes (so a pipeline reaches the engine
 * together; the engine runs them on this thread when it can, and the replies leave at the
 * end of the event-loop iteration), and turns a protocol error into Redis's reply and a closed connection.
 * Event-loop thread only.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientHandler.class);

    private final Engine engine;
    private final LoopReleases releases;
    private IterationRelease release;
    /** A command read while a script was busy waits for it (see channelRead); network thread only. */
    private boolean waitingForScript;
    private Session session;
    private List<byte[][]> batch = new ArrayList<>();

    ClientHandler(LoopReleases releases) {
        this.engine = releases.engine();
        this.releases = releases;
    }

    Session session() {
        return session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        release = releases.forLoop(ctx.channel().eventLoop());
        release.opened(ctx.channel());
        session = engine.openSession(new NettyConnection(ctx.channel()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof List<?> commands) {
            io.vellum.core.spi.ScriptingEngine scripting = engine.scripting();
            for (Object c : commands) {
                byte[][] argv = (byte[][]) c;
                if (scripting != null && scripting.isBusy()) {
                    // The engine thread is inside a script: answer here (-BUSY, SCRIPT KILL) as
                    // Redis does from processEventsWhileBlocked. Once a command of this
                    // connection waits for the script, or still waits in the engine's inbox
                    // (the script answers those), the ones after it wait too: replies keep
                    // the order of the commands. (A SYNC debugging session reads every
                    // command through whileBusy: its client's go to the debugger.)
                    boolean debugging = scripting.debugSessionRuns();
                    if (!waitingForScript && !session.hasSubmissionsInFlight() || debugging) {
                        byte[] reply = scripting.whileBusy(session, argv, engine.resolve(argv));
                        if (reply == io.vellum.core.spi.ScriptingEngine.QUIT_REPLY) {
                            submitBatch();
                            ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(reply))
                                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                            return;
                        }
                        if (reply != null) {
                            submitBatch();
                            ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(reply));
                            continue;
                        }
                        waitingForScript = !debugging;
                    }
                } else {
                    waitingForScript = false;
                }
                batch.add(argv);
            }
        } else if (msg instanceof ProtocolException e) {
            submitBatch();
            Session s = session;
            String text = e.getMessage();
            engine.execute(() -> engine.protocolError(s, text));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        submitBatch();
        ctx.fireChannelReadComplete();
    }

    private void submitBatch() {
        if (!batch.isEmpty()) {
            // a new list first: a busy script run by submitHere reads this connection again
            List<byte[][]> commands = batch;
            batch = new ArrayList<>();
            engine.submitHere(session, commands);
            release.schedule();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            release.closed(ctx.channel());
            engine.closeSession(session);
            engine.runHere();
            release.schedule();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection error; closing it", cause);
        ctx.close();
    }
}
