package io.vellum.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.vellum.core.engine.ClientConnection;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.reply.RespEncoder;
import io.vellum.core.util.ByteOutput;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A RESP client over a Netty channel. The engine thread writes replies into a byte buffer
 * through a {@link RespEncoder}; {@link #flush()} hands the bytes to the channel (Netty
 * moves the write to the channel's event loop). Engine thread only.
 */
final class NettyConnection implements ClientConnection {
    private static final int KEEP_BUFFER = 64 * 1024;

    private final Channel channel;
    private final ByteOutput out = new ByteOutput(512);
    private final RespEncoder encoder = new RespEncoder(out, 2);

    NettyConnection(Channel channel) {
        this.channel = channel;
    }

    @Override
    public ReplySink replies() {
        return encoder;
    }

    @Override
    public void setProtocol(int protocol) {
        encoder.setProtocol(protocol);
    }

    @Override
    public long replyPosition() {
        return out.size();
    }

    @Override
    public void replaceReplies(long from, long to, String errorText) {
        String line = "-" + errorText.replace('\r', ' ').replace('\n', ' ') + "\r\n";
        out.splice((int) from, (int) to, line.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean writeEncoded(byte[] resp) {
        out.write(resp);
        return true;
    }

    @Override
    public void flush() {
        if (out.isEmpty()) {
            return;
        }
        int n = out.size();
        ByteBuf bytes;
        if (out.array().length > KEEP_BUFFER) {
            // a large reply: hand its array over rather than keep it for this connection
            bytes = Unpooled.wrappedBuffer(out.takeArray(), 0, n);
        } else {
            // the socket writes from direct memory: copy once into a pooled direct buffer
            bytes = channel.alloc().directBuffer(n);
            bytes.writeBytes(out.array(), 0, n);
            out.clear();
        }
        channel.writeAndFlush(bytes, channel.voidPromise());
    }

    @Override
    public void closeAfterFlush() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public Object transport() {
        return channel;
    }

    @Override
    public String remoteAddress() {
        return format(channel.remoteAddress());
    }

    @Override
    public String localAddress() {
        return format(channel.localAddress());
    }

    private static String format(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress().getHostAddress();
            // Redis's anetFormatAddr: an IPv6 address goes in brackets ("[::1]:6379")
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
