package io.vellum.core.command;

import io.vellum.core.command.proto.CommandDef;
import io.vellum.core.command.proto.KeySpec;
import io.vellum.core.util.Longs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One entry of the command table: Redis's metadata for the command (from commands.textproto)
 * and the handler bound to it. Everything that depends on what a command is — arity, flags,
 * keys — is read from here.
 *
 * <p>Per-engine: the call statistics are mutated by the engine thread only; readers on other
 * threads (INFO) may see slightly stale numbers.
 */
public final class CommandSpec {
    private final CommandDef def;
    private final String name;
    private final String fullName;
    private final CommandSpec parent;
    private final EnumSet<CommandFlag> flags;
    /** def's arity, read per command (arity checks): a field here, not a load of the message. */
    private final int arity;
    final Map<String, CommandSpec> subcommands = new LinkedHashMap<>();
    private CommandHandler handler;
    private KeyExtractor keyExtractor;

    // INFO commandstats
    private long calls;
    private long micros;
    private long rejectedCalls;
    private long failedCalls;

    CommandSpec(CommandDef def, CommandSpec parent) {
        this.def = def;
        this.parent = parent;
        this.fullName = def.getName();
        int bar = fullName.indexOf('|');
        this.name = bar < 0 ? fullName : fullName.substring(bar + 1);
        EnumSet<CommandFlag> f = EnumSet.noneOf(CommandFlag.class);
        for (String s : def.getFlagsList()) {
            f.add(CommandFlag.byRedisName(s));
        }
        this.flags = f;
        this.arity = def.getArity();
    }

    void addSubcommand(CommandSpec sub) {
        subcommands.put(sub.name, sub);
    }

    void bind(CommandHandler handler) {
        this.handler = handler;
    }

    void bindKeys(KeyExtractor extractor) {
        this.keyExtractor = extractor;
    }

    /** The generated metadata, for COMMAND INFO and COMMAND DOCS. */
    public CommandDef def() {
        return def;
    }

    /** Lower case; for a subcommand just the subcommand ("get"). */
    public String name() {
        return name;
    }

    /** Lower case, "container|sub" for subcommands, as in error texts and INFO commandstats. */
    public String fullName() {
        return fullName;
    }

    public CommandSpec parent() {
        return parent;
    }

    public int arity() {
        return arity;
    }

    public boolean has(CommandFlag flag) {
        return flags.contains(flag);
    }

    public Set<CommandFlag> flags() {
        return Collections.unmodifiableSet(flags);
    }

    public boolean isWrite() {
        return flags.contains(CommandFlag.WRITE);
    }

    /**
     * Write or may-replicate (processCommand's is_may_replicate_command): what read-only
     * scripts refuse and CLIENT PAUSE WRITE holds.
     */
    public boolean mayWriteOrReplicate() {
        return isWrite() || flags.contains(CommandFlag.MAY_REPLICATE);
    }

    public CommandHandler handler() {
        return handler;
    }

    public boolean isBound() {
        return handler != null || subcommands.values().stream().anyMatch(CommandSpec::isBound);
    }

    public boolean hasSubcommands() {
        return !subcommands.isEmpty();
    }

    /** Bound subcommands, in table order. */
    public List<CommandSpec> subcommands() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec s : subcommands.values()) {
            if (s.isBound()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The bound subcommand called {@code lowerName}, or null. */
    public CommandSpec subcommand(String lowerName) {
        CommandSpec s = subcommands.get(lowerName);
        return s != null && s.isBound() ? s : null;
    }

    /** True when argc satisfies Redis's arity convention for this command. */
    public boolean arityAccepts(int argc) {
        int a = arity();
        return a > 0 ? argc == a : argc >= -a;
    }

    // ------------------------------------------------------------------ keys

    /**
     * Argument positions that are keys, as Redis's getKeysFromCommandWithSpecs finds them: the
     * key specs when they are reliable (some spec names a real key and none has variable
     * flags), else the command's {@link KeyExtractor} (Redis's getkeys_proc). Null when the
     * arguments do not fit the specs and no extractor applies.
     */
    public int[] keyPositions(byte[][] argv) {
        if (specsAreReliable()) {
            int[] r = keysFromSpecs(argv, false);
            if (r != null || keyExtractor == null) {
                return r;
            }
        }
        return keyExtractor != null ? keyExtractor.keyPositions(argv) : new int[0];
    }

    /** True when some key spec names a real key (not NOT_KEY) and none has variable flags. */
    public boolean specsAreReliable() {
        boolean realKey = false;
        for (KeySpec spec : def.getKeySpecList()) {
            if (spec.getFlagsList().contains("variable_flags")) {
                return false;
            }
            realKey |= !spec.getFlagsList().contains("not_key");
        }
        return realKey;
    }

    /** The getkeys_proc of this command, or null when its key specs suffice. */
    public KeyExtractor keyExtractor() {
        return keyExtractor;
    }

    /** Positions from the key specs; null when a spec is invalid for these arguments. */
    public int[] keysFromSpecs(byte[][] argv, boolean partialOk) {
        List<int[]> matches = keySpecMatches(argv, partialOk);
        if (matches == null) {
            return null;
        }
        int[] r = new int[matches.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = matches.get(i)[0];
        }
        return r;
    }

    /**
     * Redis's getKeysUsingKeySpecs: {position, key-spec index} pairs in spec order, skipping
     * NOT_KEY specs; null when a spec does not fit these arguments (unless {@code partialOk},
     * which skips such specs instead).
     */
    public List<int[]> keySpecMatches(byte[][] argv, boolean partialOk) {
        int argc = argv.length;
        List<int[]> out = new ArrayList<>();
        List<KeySpec> specs = def.getKeySpecList();
        for (int si = 0; si < specs.size(); si++) {
            KeySpec spec = specs.get(si);
            if (spec.getFlagsList().contains("not_key")) {
                continue;
            }
            int first = 0;
            if (spec.hasBeginIndex()) {
                first = spec.getBeginIndex().getIndex();
            } else if (spec.hasBeginKeyword()) {
                int from = spec.getBeginKeyword().getStartfrom();
                int start = from > 0 ? from : argc + from;
                int end = from > 0 ? argc - 1 : 1;
                String kw = spec.getBeginKeyword().getKeyword();
                for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                    if (i >= argc || i < 1) {
                        break;
                    }
                    if (new String(argv[i], java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase(kw)) {
                        first = i + 1;
                        break;
                    }
                }
                if (first == 0) {
                    continue;
                }
            } else {
                if (partialOk) {
                    continue;
                }
                return null;
            }
            int last;
            int step;
            if (spec.hasFindRange()) {
                step = spec.getFindRange().getKeystep();
                int lastkey = spec.getFindRange().getLastkey();
                int limit = spec.getFindRange().getLimit();
                if (lastkey >= 0) {
                    last = first + lastkey;
                } else if (limit == 0) {
                    last = argc + lastkey;
                } else {
                    last = first + ((argc - first) / limit + lastkey);
                }
            } else if (spec.hasFindKeynum()) {
                step = spec.getFindKeynum().getKeystep();
                int idx = spec.getFindKeynum().getKeynumidx();
                if (idx >= argc - first) {
                    if (partialOk) {
                        continue;
                    }
                    return null;
                }
                byte[] n = argv[first + idx];
                if (!Longs.isLong(n) || Longs.parseValid(n) < 0) {
                    if (partialOk) {
                        continue;
                    }
                    return null;
                }
                long numkeys = Longs.parseValid(n);
                first += spec.getFindKeynum().getFirstkey();
                last = (int) Math.min(Integer.MAX_VALUE, first + numkeys - 1);
            } else {
                if (partialOk) {
                    continue;
                }
                return null;
            }
            if (last >= argc || last < first || first >= argc) {
                if (partialOk) {
                    continue;
                }
                return null;
            }
            for (int i = first; i <= last; i += step) {
                out.add(new int[] {i, si});
            }
        }
        return out;
    }

    /** Redis's doesCommandHaveKeys: a getkeys_proc, or a key spec that names a real key. */
    public boolean hasKeys() {
        if (keyExtractor != null) {
            return true;
        }
        for (KeySpec spec : def.getKeySpecList()) {
            if (!spec.getFlagsList().contains("not_key")) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ stats

    public void recordCall(long elapsedMicros) {
        calls++;
        micros += elapsedMicros;
    }

    public void recordRejected() {
        rejectedCalls++;
    }

    public void recordFailed() {
        failedCalls++;
    }

    public long calls() {
        return calls;
    }

    public long micros() {
        return micros;
    }

    public long rejectedCalls() {
        return rejectedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }

    public void resetStats() {
        calls = 0;
        micros = 0;
        rejectedCalls = 0;
        failedCalls = 0;
    }

    @Override
    public String toString() {
        return fullName.toUpperCase(Locale.ROOT);
    }
}
