package io.vellum.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Decodes client requests into argument vectors ({@code byte[][]}, emitted as one
 * {@code List<byte[][]>} per read), as Redis's
 * processMultibulkBuffer and processInlineBuffer do, with the same limits and error texts:
 * a multibulk count above 2^31-1, a bulk length above proto-max-bulk-len, an inline request or
 * a count line over 64 KiB. On a protocol error it emits the commands decoded before it,
 * then a {@link ProtocolException}, and decodes nothing more.
 *
 * <p>Stateful per connection (Netty calls it on the channel's event loop only).
 * The produced arrays are never modified afterwards: the engine, the keyspace and the log
 * keep references to them.
 */
public final class RespDecoder extends ByteToMessageDecoder {
    static final int INLINE_MAX = 64 * 1024;
    static final long MULTIBULK_MAX = Integer.MAX_VALUE;

    private final LongSupplier maxBulkLen;
    private final java.util.function.BooleanSupplier authRequired;
    private boolean failed;

    // multibulk state, kept across reads so a large request is not re-parsed
    private byte[][] argv;
    private int argc;
    private int argIndex;
    private long bulkLen = -1;

    /**
     * @param maxBulkLen   proto-max-bulk-len, read per request (CONFIG SET changes it)
     * @param authRequired true while the client has not authenticated: Redis then refuses
     *                     multibulk counts above 10 and bulks above 16 KiB
     */
    public RespDecoder(LongSupplier maxBulkLen, java.util.function.BooleanSupplier authRequired) {
        this.maxBulkLen = maxBulkLen;
        this.authRequired = authRequired;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // the commands of one read travel the pipeline as one list, not one message each
        List<byte[][]> commands = null;
        try {
            while (in.isReadable()) {
                Object cmd;
                if (argv != null) {
                    cmd = continueMultibulk(in);
                } else if (in.getByte(in.readerIndex()) == '*') {
                    cmd = startMultibulk(in);
                } else {
                    cmd = inline(in);
                }
                if (cmd == null) {
                    break; // need more bytes
                }
                if (cmd != SKIP) {
                    if (commands == null) {
                        commands = new ArrayList<>(lastReadCommands);
                    }
                    commands.add((byte[][]) cmd);
                }
            }
        } catch (ProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            if (commands != null) {
                out.add(commands);
            }
            out.add(e);
            return;
        }
        if (commands != null) {
            lastReadCommands = Math.min(commands.size(), 1024);
            out.add(commands);
        }
    }

    /**
     * How many commands the connection's last read held: a pipelining client sends about as
     * many each time, so the next read's list is made that size instead of growing to it.
     */
    private int lastReadCommands = 4;

    private static final Object SKIP = new Object();

    /** Index of the '\n' ending the next line (inline requests), or -1. */
    private static int lineEnd(ByteBuf in) {
        return in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    }

    /**
     * Index of the '\r' ending a multibulk header line, or -1 while it or the byte after it
     * has not arrived (Redis searches for '\r' and then needs one more byte).
     */
    private static int headerEnd(ByteBuf in) {
        int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) {
            return -1;
        }
        return cr;
    }

    private Object inline(ByteBuf in) {
        int nl = lineEnd(in);
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                throw new ProtocolException("ERR Protocol error: too big inline request");
            }
            return null;
        }
        int start = in.readerIndex();
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(nl + 1);
        List<byte[]> args = io.vellum.core.util.SplitArgs.split(line);
        if (args == null) {
            throw new ProtocolException("ERR Protocol error: unbalanced quotes in request");
        }
        if (args.isEmpty()) {
            return SKIP;
        }
        return args.toArray(new byte[0][]);
    }

    private Object startMultibulk(ByteBuf in) {
        int cr = headerEnd(in);
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX) {
                throw new ProtocolException("ERR Protocol error: too big mbulk count string");
            }
            return null;
        }
        long n = parseCount(in, in.readerIndex() + 1, cr);
        if (n == Long.MIN_VALUE || n > MULTIBULK_MAX) {
            throw new ProtocolException("ERR Protocol error: invalid multibulk length");
        }
        if (n > 10 && authRequired.getAsBoolean()) {
            throw new ProtocolException("ERR Protocol error: unauthenticated multibulk length");
        }
        in.readerIndex(cr + 2);
        if (n <= 0) {
            return SKIP;
        }
        argc = (int) n;
        argv = new byte[Math.min(argc, 1024)][];
        argIndex = 0;
        bulkLen = -1;
        return continueMultibulk(in);
    }

    private Object continueMultibulk(ByteBuf in) {
        while (argIndex < argc) {
            if (bulkLen < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                int nl = headerEnd(in);
                if (nl < 0) {
                    if (in.readableBytes() > INLINE_MAX) {
                        throw new ProtocolException("ERR Protocol error: too big bulk count string");
                    }
                    return null;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    throw new ProtocolException("ERR Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
                }
                long len = parseCount(in, in.readerIndex() + 1, nl);
                if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLen.getAsLong()) {
                    throw new ProtocolException("ERR Protocol error: invalid bulk length");
                }
                if (len > 16384 && authRequired.getAsBoolean()) {
                    throw new ProtocolException("ERR Protocol error: unauthenticated bulk length");
                }
                in.readerIndex(nl + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) {
                return null;
            }
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            in.skipBytes(2); // CRLF (Redis does not check it either)
            if (argIndex == argv.length) {
                argv = java.util.Arrays.copyOf(argv, (int) Math.min(argc, (long) argv.length * 2));
            }
            argv[argIndex++] = arg;
            bulkLen = -1;
        }
        byte[][] done = argv;
        argv = null;
        return done;
    }

    /**
     * The integer on a header line between {@code from} and the '\r' at {@code end}: Redis's
     * string2ll, so "+5", " 5" and "05" are refused. Long.MIN_VALUE when invalid.
     */
    private static long parseCount(ByteBuf in, int from, int end) {
        int len = end - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean negative = in.getByte(i) == '-';
        if (negative && ++i == end) {
            return Long.MIN_VALUE;
        }
        byte c = in.getByte(i);
        if (c == '0') {
            return len == 1 ? 0 : Long.MIN_VALUE; // no leading zeros, no "-0"
        }
        // accumulated as a negative number so that Long.MIN_VALUE's digits fit
        long v = 0;
        for (; i < end; i++) {
            c = in.getByte(i);
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            int d = c - '0';
            if (v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (negative) {
            return v;
        }
        return v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
    }

}
