package io.vellum.scripting;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The FUNCTION DUMP payload. Like DUMP's, it is Vellum's own format (Redis's is RDB): for each
 * library the opcode 0xF5 (RDB_OPCODE_FUNCTION2), a varint length and the library code; then a
 * 2-byte little-endian version and an 8-byte little-endian CRC-32C of everything before it.
 *
 * <pre>
 *   f5 0e "#!lua name=l\n..."  ...  01 00  c3 9a 11 07 00 00 00 00
 * </pre>
 */
final class FunctionDump {
    static final int OPCODE = 0xF5;
    static final int VERSION = 1;

    private FunctionDump() {
    }

    static byte[] encode(Collection<FunctionLibraries.Library> libraries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (FunctionLibraries.Library l : libraries) {
            out.write(OPCODE);
            long n = l.code.length;
            while (n >= 0x80) {
                out.write((int) (n & 0x7f) | 0x80);
                n >>>= 7;
            }
            out.write((int) n);
            out.write(l.code, 0, l.code.length);
        }
        out.write(VERSION & 0xff);
        out.write(VERSION >>> 8);
        CRC32C crc = new CRC32C();
        byte[] body = out.toByteArray();
        crc.update(body, 0, body.length);
        long c = crc.getValue();
        for (int i = 0; i < 8; i++) {
            out.write((int) (c >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    /** The library codes of a payload, or null when it is not one this version wrote intact. */
    static List<byte[]> decode(byte[] p) {
        if (p.length < 10) {
            return null;
        }
        int end = p.length - 10;
        CRC32C crc = new CRC32C();
        crc.update(p, 0, end + 2);
        long c = 0;
        for (int i = 0; i < 8; i++) {
            c |= (long) (p[end + 2 + i] & 0xff) << (8 * i);
        }
        int version = (p[end] & 0xff) | (p[end + 1] & 0xff) << 8;
        if (c != crc.getValue() || version != VERSION) {
            return null;
        }
        List<byte[]> codes = new ArrayList<>();
        int pos = 0;
        while (pos < end) {
            if ((p[pos++] & 0xff) != OPCODE) {
                return null;
            }
            long n = 0;
            int shift = 0;
            while (true) {
                if (pos >= end || shift > 35) {
                    return null;
                }
                byte b = p[pos++];
                n |= (long) (b & 0x7f) << shift;
                shift += 7;
                if (b >= 0) {
                    break;
                }
            }
            if (n > end - pos) {
                return null;
            }
            byte[] code = new byte[(int) n];
            System.arraycopy(p, pos, code, 0, (int) n);
            pos += (int) n;
            codes.add(code);
        }
        return codes;
    }
}
