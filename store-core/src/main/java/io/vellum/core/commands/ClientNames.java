package io.vellum.core.commands;

/** Redis's rule for client names (CLIENT SETNAME, HELLO SETNAME): no spaces or special characters. */
public final class ClientNames {
    private ClientNames() {
    }

    public static final String INVALID = "ERR Client names cannot contain spaces, newlines or special characters.";

    public static boolean valid(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }
}
