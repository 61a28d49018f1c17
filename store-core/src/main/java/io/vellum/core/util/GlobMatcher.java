package io.vellum.core.util;

/**
 * Redis's glob-style matching (util.c stringmatchlen), used by KEYS, SCAN/HSCAN/SSCAN/ZSCAN
 * MATCH, CONFIG GET and PUBSUB patterns: {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]},
 * {@code \} escapes, binary-safe. Recursion depth is bounded by the pattern length and the
 * nesting of stars is cut off as Redis does (a pattern with many stars cannot take
 * exponential time).
 */
public final class GlobMatcher {
    private GlobMatcher() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
        boolean[] skipLongerMatches = new boolean[1];
        return match(pattern, 0, string, 0, nocase, skipLongerMatches, 0);
    }

    public static boolean matches(String pattern, String string, boolean nocase) {
        return matches(Text.latin1(pattern), Text.latin1(string), nocase);
    }

    private static int lower(int c) {
        return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, boolean[] skipLonger, int nesting) {
        // Redis protects against abusive patterns: deep nesting fails the match.
        if (nesting > 1000) {
            return false;
        }
        int plen = p.length;
        int slen = s.length;
        while (pi < plen && si < slen) {
            int c = p[pi] & 0xff;
            switch (c) {
                case '*' -> {
                    while (pi + 1 < plen && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == plen) {
                        return true; // trailing star matches the rest
                    }
                    while (si < slen) {
                        if (match(p, pi + 1, s, si, nocase, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        si++;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> si++;
                case '[' -> {
                    pi++;
                    boolean not = pi < plen && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi < plen && p[pi] == '\\' && plen - pi >= 2) {
                            pi++;
                            if ((p[pi] & 0xff) == (s[si] & 0xff)) {
                                matched = true;
                            }
                        } else if (pi >= plen || p[pi] == ']') {
                            break;
                        } else if (plen - pi >= 3 && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff;
                            int end = p[pi + 2] & 0xff;
                            int ch = s[si] & 0xff;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                ch = lower(ch);
                            }
                            pi += 2;
                            if (ch >= start && ch <= end) {
                                matched = true;
                            }
                        } else {
                            if (!nocase) {
                                if ((p[pi] & 0xff) == (s[si] & 0xff)) {
                                    matched = true;
                                }
                            } else if (lower(p[pi] & 0xff) == lower(s[si] & 0xff)) {
                                matched = true;
                            }
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                }
                case '\\' -> {
                    if (plen - pi >= 2) {
                        pi++;
                    }
                    if (!eq(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
                default -> {
                    if (!eq(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                }
            }
            pi++;
            if (si == slen) {
                while (pi < plen && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == plen && si == slen;
    }

    private static boolean eq(byte a, byte b, boolean nocase) {
        return nocase ? lower(a & 0xff) == lower(b & 0xff) : a == b;
    }
}
