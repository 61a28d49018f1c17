package io.vellum.core.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One configuration directive: its name and aliases, how its value is parsed and printed
 * (as redis.conf, CONFIG GET and CONFIG SET see it), whether it may change at run time, and
 * a typed value that the code reads. Values are volatile: network threads read some.
 */
public abstract class ConfigParam<T> {
    private final String name;
    private final List<String> aliases;
    private final boolean mutable;
    private final T defaultValue;
    private volatile T value;
    private Consumer<T> onChange = v -> {
    };

    protected ConfigParam(String name, List<String> aliases, boolean mutable, T defaultValue) {
        this.name = name;
        this.aliases = aliases;
        this.mutable = mutable;
        this.defaultValue = defaultValue;
        this.value = defaultValue;
    }

    public String name() {
        return name;
    }

    public List<String> aliases() {
        return aliases;
    }

    public boolean mutable() {
        return mutable;
    }

    public T get() {
        return value;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /**
     * True for directives whose value is a list of words ("save 3600 1 300 100", "bind a b"):
     * several arguments on a config line are joined with spaces.
     */
    public boolean acceptsList() {
        return false;
    }

    /** Called after each successful change (on the thread that made it). */
    public void onChange(Consumer<T> listener) {
        Consumer<T> prev = onChange;
        onChange = v -> {
            prev.accept(v);
            listener.accept(v);
        };
    }

    /** Sets a typed value (embedding builders); no validation beyond the type's. */
    public void set(T v) {
        value = v;
        onChange.accept(v);
    }

    /** Parses and sets the text form; throws with Redis's reason when refused. */
    public void setText(String text) throws ConfigException {
        set(parse(text));
    }

    /**
     * Parses the text form without setting it (CONFIG SET checks every value of a call
     * before changing any); throws with Redis's reason when refused.
     */
    public T parseText(String text) throws ConfigException {
        return parse(text);
    }

    /** The text form CONFIG GET prints. */
    public String getText() {
        return format(value);
    }

    protected abstract T parse(String text) throws ConfigException;

    protected abstract String format(T v);

    // ------------------------------------------------------------------ kinds

    public static final class Bool extends ConfigParam<Boolean> {
        public Bool(String name, boolean def, boolean mutable, String... aliases) {
            super(name, List.of(aliases), mutable, def);
        }

        @Override
        protected Boolean parse(String text) throws ConfigException {
            String t = text.toLowerCase(Locale.ROOT);
            if (t.equals("yes")) {
                return true;
            }
            if (t.equals("no")) {
                return false;
            }
            throw new ConfigException("argument must be 'yes' or 'no'");
        }

        @Override
        protected String format(Boolean v) {
            return v ? "yes" : "no";
        }
    }

    public static final class Int extends ConfigParam<Long> {
        private final long min;
        private final long max;
        private final boolean memory;
        private long clampLow = Long.MIN_VALUE;
        private long clampHigh = Long.MAX_VALUE;

        public Int(String name, long def, long min, long max, boolean mutable, String... aliases) {
            this(name, def, min, max, mutable, false, aliases);
        }

        private Int(String name, long def, long min, long max, boolean mutable, boolean memory, String... aliases) {
            super(name, List.of(aliases), mutable, def);
            this.min = min;
            this.max = max;
            this.memory = memory;
        }

        /** A size in bytes that accepts Redis's memory units (1k, 5mb, 1gb...). */
        public static Int memory(String name, long def, long min, long max, boolean mutable, String... aliases) {
            return new Int(name, def, min, max, mutable, true, aliases);
        }

        public int intValue() {
            return (int) Math.min(Integer.MAX_VALUE, get());
        }

        /**
         * Accepted values outside [low, high] are stored as the nearest bound, as Redis's
         * apply functions do (hz: 0 becomes 1, 1000 becomes 500).
         */
        public Int clamp(long low, long high) {
            this.clampLow = low;
            this.clampHigh = high;
            return this;
        }

        @Override
        protected Long parse(String text) throws ConfigException {
            long v;
            if (memory) {
                v = parseMemory(text);
            } else {
                byte[] b = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                if (!io.vellum.core.util.Longs.isLong(b)) { // Redis's string2ll: no '+', no leading zeros
                    throw new ConfigException("argument couldn't be parsed into an integer");
                }
                v = io.vellum.core.util.Longs.parseValid(b);
            }
            if (v < min || v > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            return Math.max(clampLow, Math.min(clampHigh, v));
        }

        /**
         * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb, any case);
         * no sign, no spaces. An empty string is 0, as there.
         */
        private static long parseMemory(String text) throws ConfigException {
            int digits = 0;
            while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
                digits++;
            }
            long mul = switch (text.substring(digits).toLowerCase(Locale.ROOT)) {
                case "", "b" -> 1;
                case "k" -> 1000;
                case "kb" -> 1024;
                case "m" -> 1000 * 1000;
                case "mb" -> 1024 * 1024;
                case "g" -> 1000L * 1000 * 1000;
                case "gb" -> 1024L * 1024 * 1024;
                default -> throw new ConfigException("argument must be a memory value");
            };
            try {
                long n = digits == 0 ? 0 : Long.parseLong(text.substring(0, digits));
                return Math.multiplyExact(n, mul);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigException("argument must be a memory value");
            }
        }

        @Override
        protected String format(Long v) {
            return Long.toString(v);
        }
    }

    public static final class Enum extends ConfigParam<String> {
        private final List<String> allowed;

        public Enum(String name, String def, List<String> allowed, boolean mutable, String... aliases) {
            super(name, List.of(aliases), mutable, def);
            this.allowed = allowed;
        }

        @Override
        protected String parse(String text) throws ConfigException {
            String t = text.toLowerCase(Locale.ROOT);
            if (!allowed.contains(t)) {
                throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", allowed));
            }
            return t;
        }

        @Override
        protected String format(String v) {
            return v;
        }
    }

    public static final class Text extends ConfigParam<String> {
        private final boolean list;

        public Text(String name, String def, boolean mutable, String... aliases) {
            this(name, def, mutable, false, aliases);
        }

        private Text(String name, String def, boolean mutable, boolean list, String... aliases) {
            super(name, List.of(aliases), mutable, def);
            this.list = list;
        }

        /** A text directive whose value may be several words. */
        public static Text list(String name, String def, boolean mutable, String... aliases) {
            return new Text(name, def, mutable, true, aliases);
        }

        @Override
        public boolean acceptsList() {
            return list;
        }

        @Override
        protected String parse(String text) {
            return text;
        }

        @Override
        protected String format(String v) {
            return v;
        }
    }
}
