package io.vellum.core.reply;

import io.vellum.core.util.ByteOutput;
import io.vellum.core.util.Doubles;
import java.nio.charset.StandardCharsets;

/**
 * Encodes replies as RESP2 or RESP3 bytes into a {@link ByteOutput}, byte for byte as
 * Redis's networking.c writes them. One encoder per client session; the protocol changes
 * with HELLO.
 */
public final class RespEncoder implements ReplySink {
    private static final byte[] NULL_BULK_2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY_2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteOutput out;
    private int protocol;

    public RespEncoder(ByteOutput out, int protocol) {
        this.out = out;
        this.protocol = protocol;
    }

    public ByteOutput output() {
        return out;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    public void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public void ok() {
        out.write(OK);
    }

    @Override
    public void simple(String text) {
        out.write('+');
        writeLineSafe(text);
        out.writeCrlf();
    }

    @Override
    public void error(String text) {
        out.write('-');
        writeLineSafe(text);
        out.writeCrlf();
    }

    /** Like Redis's addReplyErrorLength/addReplyStatusLength: CR and LF become spaces. */
    private void writeLineSafe(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = ' ';
            }
        }
        out.write(b);
    }

    @Override
    public void integer(long value) {
        out.write(':');
        out.writeLong(value);
        out.writeCrlf();
    }

    @Override
    public void bulk(byte[] value) {
        bulk(value, 0, value.length);
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        out.write('$');
        out.writeLong(length);
        out.writeCrlf();
        out.write(value, offset, length);
        out.writeCrlf();
    }

    @Override
    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public void nullBulk() {
        out.write(protocol == 2 ? NULL_BULK_2 : NULL_3);
    }

    @Override
    public void nullArray() {
        out.write(protocol == 2 ? NULL_ARRAY_2 : NULL_3);
    }

    private void header(char type, long count) {
        out.write(type);
        out.writeLong(count);
        out.writeCrlf();
    }

    @Override
    public void array(int count) {
        header('*', count);
    }

    @Override
    public void map(int entries) {
        if (protocol == 2) {
            header('*', 2L * entries);
        } else {
            header('%', entries);
        }
    }

    @Override
    public void set(int count) {
        header(protocol == 2 ? '*' : '~', count);
    }

    @Override
    public void push(int count) {
        header(protocol == 2 ? '*' : '>', count);
    }

    @Override
    public void doubleValue(double value) {
        String s = Doubles.format(value);
        if (protocol == 2) {
            bulk(s);
        } else {
            out.write(',');
            out.writeAscii(s);
            out.writeCrlf();
        }
    }

    @Override
    public void humanDouble(double value, String text) {
        if (protocol == 2) {
            bulk(text);
        } else {
            out.write(',');
            out.writeAscii(text);
            out.writeCrlf();
        }
    }

    @Override
    public void bool(boolean value) {
        if (protocol == 2) {
            integer(value ? 1 : 0);
        } else {
            out.writeAscii(value ? "#t\r\n" : "#f\r\n");
        }
    }

    @Override
    public void bigNumber(String digits) {
        if (protocol == 2) {
            bulk(digits);
        } else {
            out.write('(');
            out.writeAscii(digits);
            out.writeCrlf();
        }
    }

    @Override
    public void verbatim(String format, byte[] value) {
        if (protocol == 2) {
            bulk(value);
        } else {
            out.write('=');
            out.writeLong(value.length + 4L);
            out.writeCrlf();
            out.writeAscii(format);
            out.write(':');
            out.write(value);
            out.writeCrlf();
        }
    }
}
