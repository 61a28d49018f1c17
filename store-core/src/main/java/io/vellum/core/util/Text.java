package io.vellum.core.util;

import java.nio.charset.StandardCharsets;

/** Byte-string helpers for messages and comparisons. */
public final class Text {
    private Text() {
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** True when {@code b} equals the ASCII {@code lower} ignoring case ({@code lower} is lower case). */
    public static boolean eqIgnoreCase(byte[] b, String lower) {
        int n = lower.length();
        if (b.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Bytes as a byte string: one char per byte (the protocol-text convention). */
    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String lower(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Redis's sdscatrepr: the string in double quotes with escapes, as MONITOR, the log dump
     * and error texts show binary arguments.
     */
    public static String repr(byte[] b, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(b.length, max);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        if (b.length > max) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    /** Plain text when printable without spaces, else {@link #repr}. */
    public static String quoteIfNeeded(byte[] b, int max) {
        if (b.length == 0) {
            return "\"\"";
        }
        for (byte x : b) {
            int c = x & 0xff;
            if (c <= 32 || c >= 127 || c == '"' || c == '\\') {
                return repr(b, max);
            }
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
