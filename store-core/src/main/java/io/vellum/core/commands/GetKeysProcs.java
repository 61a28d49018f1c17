package io.vellum.core.commands;

import io.vellum.core.command.CommandTable;
import io.vellum.core.command.KeyExtractor;
import io.vellum.core.util.Text;
import java.util.List;

/**
 * Key finders for the commands whose key specs do not tell the whole story (Redis's
 * getkeys_proc functions in db.c): SET and BITFIELD, whose key flags depend on the options
 * (their specs say variable_flags); SORT and SORT_RO, whose specs are unknown; MIGRATE and
 * GEORADIUS*, whose specs do not fit some argument lists. They are bound on the command table
 * whether or not the command has a handler, so they are ready when one is bound.
 */
final class GetKeysProcs {
    private GetKeysProcs() {
    }

    private static final List<String> RO_ACCESS = List.of("RO", "access");
    private static final List<String> RW_ACCESS_UPDATE = List.of("RW", "access", "update");
    private static final List<String> OW_UPDATE = List.of("OW", "update");
    private static final List<String> RW_ACCESS_DELETE = List.of("RW", "access", "delete");

    static void register(CommandTable.Binder b) {
        b.keys("set", new SetKeys())
                .keys("bitfield", new BitfieldKeys())
                .keys("sort", new SortKeys(false))
                .keys("sort_ro", new SortKeys(true))
                .keys("migrate", new MigrateKeys())
                .keys("georadius", new GeoradiusKeys())
                .keys("georadiusbymember", new GeoradiusKeys());
    }

    /* setGetKeys: the key is read too (RW) only with the GET option. */
    private static final class SetKeys implements KeyExtractor {
        @Override
        public int[] keyPositions(byte[][] argv) {
            return new int[] {1};
        }

        @Override
        public List<String> keyFlags(byte[][] argv, int position) {
            for (int i = 3; i < argv.length; i++) {
                if (Text.eqIgnoreCase(argv[i], "get")) {
                    return RW_ACCESS_UPDATE;
                }
            }
            return OW_UPDATE;
        }
    }

    /* bitfieldGetKeys: read-only when every operation is a GET (or OVERFLOW). */
    private static final class BitfieldKeys implements KeyExtractor {
        @Override
        public int[] keyPositions(byte[][] argv) {
            return new int[] {1};
        }

        @Override
        public List<String> keyFlags(byte[][] argv, int position) {
            for (int i = 2; i < argv.length; i++) {
                int remaining = argv.length - i - 1;
                if (Text.eqIgnoreCase(argv[i], "get") && remaining >= 2) {
                    i += 2;
                } else if (Text.eqIgnoreCase(argv[i], "overflow") && remaining >= 1) {
                    i += 1;
                } else {
                    return RW_ACCESS_UPDATE; // SET, INCRBY, or a syntax error: assume a write
                }
            }
            return RO_ACCESS;
        }
    }

    /* sortGetKeys / sortROGetKeys: the sorted key, and the last STORE destination. */
    private static final class SortKeys implements KeyExtractor {
        private final boolean readOnly;

        SortKeys(boolean readOnly) {
            this.readOnly = readOnly;
        }

        @Override
        public int[] keyPositions(byte[][] argv) {
            if (readOnly) {
                return new int[] {1};
            }
            int store = -1;
            for (int i = 2; i < argv.length; i++) {
                if (Text.eqIgnoreCase(argv[i], "limit")) {
                    i += 2;
                } else if (Text.eqIgnoreCase(argv[i], "get") || Text.eqIgnoreCase(argv[i], "by")) {
                    i += 1;
                } else if (Text.eqIgnoreCase(argv[i], "store") && i + 1 < argv.length) {
                    store = i + 1; // the last STORE wins, as SORT itself does
                }
            }
            return store < 0 ? new int[] {1} : new int[] {1, store};
        }

        @Override
        public List<String> keyFlags(byte[][] argv, int position) {
            return position == 1 ? RO_ACCESS : OW_UPDATE;
        }
    }

    /* migrateGetKeys: argv[3], or everything after KEYS when argv[3] is empty. */
    private static final class MigrateKeys implements KeyExtractor {
        @Override
        public int[] keyPositions(byte[][] argv) {
            int first = 3;
            int num = 1;
            for (int i = 6; i < argv.length; i++) {
                if (Text.eqIgnoreCase(argv[i], "keys")) {
                    if (argv[3].length > 0) {
                        return new int[0];
                    }
                    first = i + 1;
                    num = argv.length - first;
                    break;
                } else if (Text.eqIgnoreCase(argv[i], "auth")) {
                    i += 1;
                } else if (Text.eqIgnoreCase(argv[i], "auth2")) {
                    i += 2;
                }
            }
            int[] r = new int[num];
            for (int i = 0; i < num; i++) {
                r[i] = first + i;
            }
            return r;
        }

        @Override
        public List<String> keyFlags(byte[][] argv, int position) {
            return RW_ACCESS_DELETE;
        }
    }

    /* georadiusGetKeys: the key and the last STORE/STOREDIST destination, without flags. */
    private static final class GeoradiusKeys implements KeyExtractor {
        @Override
        public int[] keyPositions(byte[][] argv) {
            int stored = -1;
            for (int i = 5; i < argv.length; i++) {
                if ((Text.eqIgnoreCase(argv[i], "store") || Text.eqIgnoreCase(argv[i], "storedist")) && i + 1 < argv.length) {
                    stored = i + 1;
                    i++;
                }
            }
            return stored < 0 ? new int[] {1} : new int[] {1, stored};
        }

        @Override
        public List<String> keyFlags(byte[][] argv, int position) {
            return List.of();
        }
    }
}
