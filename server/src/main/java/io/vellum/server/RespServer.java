package io.vellum.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vellum.core.engine.Engine;
import io.vellum.server.resp.LoopReleases;
import io.vellum.server.resp.RespChannelInitializer;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RESP server: accepts connections on one or more addresses and feeds their commands to
 * an engine. Netty NIO transport; one event loop thread by default (io-threads): it runs
 * the engine's units itself when no script holds the engine (Engine#submitHere).
 */
public final class RespServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);

    private final EventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress address;

    private RespServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /** Starts listening on {@code host:port} (port 0: an ephemeral port, see {@link #port()}). */
    public static RespServer start(Engine engine, String host, int port, int ioThreads) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(1, ioThreads), NioIoHandler.newFactory());
        LoopReleases releases = new LoopReleases(engine);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 511)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            RespChannelInitializer.configure(ch.pipeline(), releases);
                        }
                    });
            Channel ch = b.bind(host, port).sync().channel();
            releases.listening(ch);
            RespServer server = new RespServer(group, ch);
            // INFO tcp_port and CONFIG GET port tell the port actually served (port 0: ephemeral)
            engine.config().port.set((long) server.port());
            LOG.info("Ready to accept connections tcp on {}:{}", host, server.port());
            return server;
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
