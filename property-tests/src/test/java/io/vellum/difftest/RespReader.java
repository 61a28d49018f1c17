package io.vellum.difftest;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one complete RESP2/RESP3 reply from a stream and keeps its exact bytes, plus a
 * parsed tree for order-insensitive comparisons and readable diffs.
 */
public final class RespReader {
    private final InputStream in;

    public RespReader(InputStream in) {
        this.in = in;
    }

    /** A reply: its raw bytes and its parsed form. */
    public record Raw(byte[] bytes, Node node) {
        public String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
        }
    }

    /** A parsed reply node: type char, scalar text (as bytes) or children. */
    public record Node(char type, byte[] scalar, List<Node> children) {
        public String scalarText() {
            return scalar == null ? null : new String(scalar, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            if (children == null) {
                return type + (scalar == null ? "" : scalarText());
            }
            return type + children.toString();
        }

        /** Canonical form ignoring element order in aggregates (recursively). */
        public String unordered() {
            if (children == null) {
                return toString();
            }
            List<String> parts = new ArrayList<>();
            if (type == '%' || (type == '*' && false)) {
                for (int i = 0; i + 1 < children.size(); i += 2) {
                    parts.add(children.get(i).unordered() + "=>" + children.get(i + 1).unordered());
                }
            } else {
                for (Node c : children) {
                    parts.add(c.unordered());
                }
            }
            java.util.Collections.sort(parts);
            return type + parts.toString();
        }

        /** Canonical form of a flat RESP2 field/value array ignoring pair order. */
        public String unorderedPairs() {
            if (children == null) {
                return toString();
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i + 1 < children.size(); i += 2) {
                parts.add(children.get(i) + "=>" + children.get(i + 1));
            }
            java.util.Collections.sort(parts);
            return type + parts.toString();
        }
    }

    public Raw read() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        Node n = readNode(raw);
        return new Raw(raw.toByteArray(), n);
    }

    private Node readNode(ByteArrayOutputStream raw) throws IOException {
        String line = readLine(raw);
        if (line.isEmpty()) {
            throw new IOException("empty RESP line");
        }
        char t = line.charAt(0);
        String rest = line.substring(1);
        switch (t) {
            case '+', '-', ':', ',', '#', '(', '_' -> {
                return new Node(t, rest.getBytes(StandardCharsets.ISO_8859_1), null);
            }
            case '$', '=', '!' -> {
                int len = Integer.parseInt(rest);
                if (len < 0) {
                    return new Node(t, null, null);
                }
                byte[] data = in.readNBytes(len + 2);
                if (data.length < len + 2) {
                    throw new EOFException();
                }
                raw.write(data);
                byte[] body = java.util.Arrays.copyOf(data, len);
                return new Node(t, body, null);
            }
            case '*', '~', '>', '%', '|' -> {
                int len = Integer.parseInt(rest);
                if (len < 0) {
                    return new Node(t, null, null);
                }
                int items = (t == '%' || t == '|') ? 2 * len : len;
                List<Node> kids = new ArrayList<>(items);
                for (int i = 0; i < items; i++) {
                    kids.add(readNode(raw));
                }
                if (t == '|') {
                    // an attribute precedes the actual reply
                    Node actual = readNode(raw);
                    return actual;
                }
                return new Node(t, null, kids);
            }
            default -> throw new IOException("bad RESP type byte '" + t + "' in line: " + line);
        }
    }

    private String readLine(ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            raw.write(c);
            if (prev == '\r' && c == '\n') {
                byte[] b = line.toByteArray();
                return new String(b, 0, b.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
            prev = c;
        }
    }
}
