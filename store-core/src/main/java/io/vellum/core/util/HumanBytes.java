package io.vellum.core.util;

import java.util.Locale;

/** Redis's bytesToHuman, as INFO prints sizes: 100B, 1.50K, 2.00M, 3.25G... */
public final class HumanBytes {
    private static final String[] UNITS = {"K", "M", "G", "T", "P"};

    private HumanBytes() {
    }

    public static String format(long n) {
        if (n < 1024) {
            return n + "B";
        }
        double d = n;
        for (String u : UNITS) {
            d /= 1024;
            if (d < 1024 || u.equals("P")) {
                return String.format(Locale.ROOT, "%.2f%s", d, u);
            }
        }
        return n + "B";
    }
}
