package io.vellum.scripting;

import java.nio.charset.StandardCharsets;

/** The SHA1 name of a script body, as EVALSHA and SCRIPT LOAD spell it (40 lower-case hex digits). */
public final class Sha1 {
    private Sha1() {
    }

    public static String hex(byte[] body) {
        return RedisApi.sha1hex(body);
    }

    /** The name of a script given as text (one char per byte). */
    public static String hex(String body) {
        return hex(body.getBytes(StandardCharsets.ISO_8859_1));
    }
}
