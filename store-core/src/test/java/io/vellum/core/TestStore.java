package io.vellum.core;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.engine.TimeSource;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store for unit tests: an engine that is never started, so every command runs
 * synchronously on the test thread, with a settable clock and a log that keeps records in
 * memory. Shared with other modules' tests through store-core's test-jar.
 */
public final class TestStore implements AutoCloseable {
    public final AtomicLong micros = new AtomicLong(1_700_000_000_000_000L);
    public final List<UnitRecord> records = new ArrayList<>();
    public final Engine engine;

    public TestStore() {
        this(Engine.builder());
    }

    public TestStore(Engine.Builder builder) {
        TimeSource ts = micros::get;
        CommandLog log = new CommandLog() {
            @Override
            public long append(UnitRecord record) {
                records.add(record);
                return records.size() - 1;
            }

            @Override
            public void commit() {
            }

            @Override
            public long lastPosition() {
                return records.size() - 1;
            }

            @Override
            public void close() {
            }
        };
        this.engine = builder.timeSource(ts).log(log).seed(42).build();
    }

    /** Advances the unit clock. */
    public void advanceMillis(long ms) {
        micros.addAndGet(ms * 1000);
    }

    public Client client() {
        return new Client(2);
    }

    public Client client(int protocol) {
        return new Client(protocol);
    }

    @Override
    public void close() {
        engine.close();
    }

    /** One connection; {@link #call} runs a command and returns its reply. */
    public final class Client {
        private final List<Reply> released = new ArrayList<>();
        public final Session session;

        Client(int protocol) {
            LocalConnection c = new LocalConnection(protocol, released::addAll, "test");
            session = engine.openSession(c);
            if (protocol != 2) {
                session.setProtocol(protocol);
            }
        }

        public Reply call(String... args) {
            byte[][] argv = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
            }
            return call(argv);
        }

        public Reply call(byte[]... argv) {
            released.clear();
            engine.submit(session, List.<byte[][]>of(argv));
            if (released.size() > 1) {
                throw new AssertionError("more than one reply: " + released);
            }
            return released.isEmpty() ? null : released.get(0);
        }

        /** Runs a pipeline; returns every reply released. */
        public List<Reply> pipeline(List<String[]> commands) {
            released.clear();
            List<byte[][]> cmds = new ArrayList<>();
            for (String[] c : commands) {
                byte[][] argv = new byte[c.length][];
                for (int i = 0; i < c.length; i++) {
                    argv[i] = c[i].getBytes(StandardCharsets.UTF_8);
                }
                cmds.add(argv);
            }
            engine.submit(session, cmds);
            return new ArrayList<>(released);
        }

        /** Replies released since the last call (blocked clients, pub/sub). */
        public List<Reply> drain() {
            List<Reply> out = new ArrayList<>(released);
            released.clear();
            return out;
        }
    }

    // ------------------------------------------------------------------ reply helpers

    public static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply simple(String s) {
        return new Reply.Simple(s);
    }

    public static Reply error(String s) {
        return new Reply.Error(s);
    }

    public static Reply integer(long v) {
        return new Reply.Int(v);
    }

    public static final Reply OK = new Reply.Simple("OK");
    public static final Reply NULL = new Reply.Null(false);
    public static final Reply NULL_ARRAY = new Reply.Null(true);

    public static Reply array(Reply... items) {
        return new Reply.Array(List.of(items));
    }
}
