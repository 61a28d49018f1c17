package io.vellum.bench.replication;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replication lag measured from outside, against servers that run in their own processes
 * (Vellum or Redis: only RESP is used). Driven by {@code benchmarks/replication-processes.py},
 * which starts the processes; usable alone:
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.vellum.bench.replication.LagProbe \
 *     --primary 127.0.0.1:7000 --replica tcp=127.0.0.1:7001 --replica same-host=127.0.0.1:7002 \
 *     [--rate 50000] [--seconds 10] [--warmup 3] [--probe-every 10]
 * </pre>
 *
 * <p><b>The load.</b> One connection to the primary writes {@code SET key:<n> <value>} at
 * {@code --rate} commands a second, open loop: command {@code i} is due at
 * {@code start + i / rate} whatever the replies do, and whatever is due is sent at once when
 * the sender wakes up late, so a stalled server cannot slow the load down and hide its own
 * stall (coordinated omission). Every {@code --probe-every}-th command is instead a
 * {@code PUBLISH} of its own number on a probe channel.
 *
 * <p><b>The lag.</b> A subscriber on each replica receives the probes as the replica applies
 * them: a PUBLISH is replicated as a record like any write (Redis propagates PUBLISH to its
 * replicas, which deliver it to their own subscribers; so does Vellum). A probe's lag is the
 * time its message reached the replica's subscriber minus the time the primary's reply to it
 * reached the writer, both read from this process's clock. A probe delivered before its reply
 * was seen counts as 0 (the replica can read a record before the primary releases the reply).
 * A subscriber on the primary itself is measured the same way: it is what delivery through
 * pub/sub costs with no replication in between.
 *
 * <p>Reported per subscriber: p50, p99, p99.9 and max lag over the probes after the warm-up,
 * probes never delivered, and the primary's own response time (reply minus the time the
 * command was due, which counts any queueing the open loop exposes).
 */
public final class LagProbe {
    static final String CHANNEL = "vellum-lag-probe";

    private LagProbe() {
    }

    public static void main(String[] args) throws Exception {
        String primary = null;
        List<String[]> replicas = new ArrayList<>();
        int rate = 50_000;
        int seconds = 10;
        int warmup = 3;
        int probeEvery = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--primary" -> primary = args[++i];
                case "--replica" -> {
                    String[] nv = args[++i].split("=", 2);
                    replicas.add(nv.length == 2 ? nv : new String[] {nv[0], nv[0]});
                }
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--probe-every" -> probeEvery = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (primary == null) {
            throw new IllegalArgumentException("--primary host:port is required");
        }
        run(primary, replicas, rate, seconds, warmup, probeEvery);
        System.exit(0);
    }

    static void run(String primary, List<String[]> replicas, int rate, int seconds, int warmup, int probeEvery)
            throws Exception {
        int total = rate * (seconds + warmup);
        int firstMeasured = rate * warmup;
        long[] replyAt = new long[total];
        List<Subscriber> subs = new ArrayList<>();
        subs.add(new Subscriber("primary (pub/sub only)", primary, total));
        for (String[] r : replicas) {
            subs.add(new Subscriber(r[0], r[1], total));
        }
        for (Subscriber s : subs) {
            s.start();
        }
        try (Socket sock = connect(primary)) {
            InputStream in = new BufferedInputStream(sock.getInputStream(), 64 * 1024);
            OutputStream out = sock.getOutputStream();
            Thread replies = new Thread(() -> readReplies(in, replyAt), "lag-probe-replies");
            replies.setDaemon(true);
            replies.start();
            System.out.printf(Locale.ROOT, "lag probe: %d writes/s for %d s after a %d s warm-up, every %d-th a PUBLISH probe%n",
                    rate, seconds, warmup, probeEvery);
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            double interval = 1e9 / rate;
            byte[] value = "value-of-some-bytes".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
            int maxBurst = 0;
            int next = 0;
            while (next < total) {
                long now = System.nanoTime();
                int due = (int) Math.min(total, (long) ((now - start) / interval) + 1);
                if (due <= next) {
                    long wait = start + (long) (next * interval) - now;
                    LockSupport.parkNanos(Math.max(1_000, wait));
                    continue;
                }
                buf.reset();
                for (int i = next; i < due; i++) {
                    if (i % probeEvery == 0) {
                        command(buf, "PUBLISH".getBytes(StandardCharsets.US_ASCII), CHANNEL.getBytes(StandardCharsets.US_ASCII),
                                Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
                    } else {
                        command(buf, "SET".getBytes(StandardCharsets.US_ASCII),
                                ("key:" + (i % 100_000)).getBytes(StandardCharsets.US_ASCII), value);
                    }
                }
                maxBurst = Math.max(maxBurst, due - next);
                buf.writeTo(out);
                next = due;
            }
            out.flush();
            double achieved = (total) / ((System.nanoTime() - start) / 1e9);
            replies.join(60_000);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Subscriber s : subs) {
                s.awaitLast(total - 1 - (total - 1) % probeEvery, deadline);
            }
            System.out.printf(Locale.ROOT, "sent %d commands at %.0f/s (largest burst of late commands: %d)%n", total,
                    achieved, maxBurst);
            long[] resp = new long[total - firstMeasured];
            int missingReplies = 0;
            for (int i = firstMeasured; i < total; i++) {
                if (replyAt[i] == 0) {
                    missingReplies++;
                    resp[i - firstMeasured] = Long.MAX_VALUE;
                } else {
                    resp[i - firstMeasured] = replyAt[i] - (start + (long) (i * interval));
                }
            }
            Arrays.sort(resp);
            System.out.printf(Locale.ROOT, "%-28s p50 %8.3f ms  p99 %8.3f ms  p99.9 %8.3f ms  max %8.3f ms%s%n",
                    "primary response time", ms(resp, 0.50), ms(resp, 0.99), ms(resp, 0.999), ms(resp, 1.0),
                    missingReplies > 0 ? "  (" + missingReplies + " replies missing)" : "");
            for (Subscriber s : subs) {
                s.report(replyAt, firstMeasured, probeEvery);
            }
        }
    }

    private static double ms(long[] sorted, double p) {
        long v = sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
        return v == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : v / 1e6;
    }

    static Socket connect(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 5000);
        return s;
    }

    static void command(ByteArrayOutputStream out, byte[]... args) {
        byte[] n = ("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        out.write(n, 0, n.length);
        for (byte[] a : args) {
            byte[] h = ("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(h, 0, h.length);
            out.write(a, 0, a.length);
            out.write('\r');
            out.write('\n');
        }
    }

    /** The primary's replies, in order: +OK for SET, :n for PUBLISH; each timestamped as it is parsed. */
    private static void readReplies(InputStream in, long[] replyAt) {
        try {
            for (int i = 0; i < replyAt.length; i++) {
                int t = in.read();
                if (t < 0) {
                    throw new IOException("the primary closed the connection after " + i + " replies");
                }
                String line = readLine(in);
                if (t == '-') {
                    throw new IOException("the primary answered command " + i + " with -" + line);
                }
                replyAt[i] = System.nanoTime();
            }
        } catch (IOException e) {
            System.err.println("lag probe: " + e.getMessage());
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** A subscriber to the probe channel on one server; records when each probe arrived. */
    static final class Subscriber {
        final String name;
        final String hostPort;
        final long[] arrivedAt;
        private final Thread thread;
        private final Socket socket;
        private volatile int last = -1;

        Subscriber(String name, String hostPort, int total) throws IOException {
            this.name = name;
            this.hostPort = hostPort;
            this.arrivedAt = new long[total];
            this.socket = connect(hostPort);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            command(b, "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII), CHANNEL.getBytes(StandardCharsets.US_ASCII));
            b.writeTo(socket.getOutputStream());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            readArray(in); // the subscribe confirmation
            this.thread = new Thread(() -> read(in), "lag-probe-sub-" + name);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void read(InputStream in) {
            try {
                while (true) {
                    String[] m = readArray(in);
                    long now = System.nanoTime();
                    if (m.length == 3 && m[0].equals("message")) {
                        int i = Integer.parseInt(m[2]);
                        if (i >= 0 && i < arrivedAt.length) {
                            arrivedAt[i] = now;
                            last = i;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!socket.isClosed()) {
                    System.err.println("lag probe: subscriber on " + name + " stopped: " + e);
                }
            }
        }

        void awaitLast(int probe, long deadline) {
            while (last < probe && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
        }

        void report(long[] replyAt, int firstMeasured, int probeEvery) throws IOException {
            socket.close();
            int first = firstMeasured + (probeEvery - firstMeasured % probeEvery) % probeEvery;
            List<Long> lags = new ArrayList<>();
            int missing = 0;
            int early = 0;
            for (int i = first; i < replyAt.length; i += probeEvery) {
                if (arrivedAt[i] == 0 || replyAt[i] == 0) {
                    missing++;
                    continue;
                }
                long l = arrivedAt[i] - replyAt[i];
                if (l < 0) {
                    early++;
                    l = 0;
                }
                lags.add(l);
            }
            long[] s = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            if (s.length == 0) {
                System.out.printf(Locale.ROOT, "%-28s no probe arrived%n", name + " lag");
                return;
            }
            System.out.printf(Locale.ROOT,
                    "%-28s p50 %8.3f ms  p99 %8.3f ms  p99.9 %8.3f ms  max %8.3f ms  (%d probes, %.1f%% before the reply, %d missing)%n",
                    name + " lag", ms(s, 0.50), ms(s, 0.99), ms(s, 0.999), ms(s, 1.0), s.length,
                    100.0 * early / s.length, missing);
            System.out.println("  " + worstStalls(replyAt, first, probeEvery));
        }

        /**
         * The five largest lags, at least a second apart, with the wall-clock time of the reply
         * they lagged (to match against each node's GC log or JFR recording: a p99 here is a
         * few stalls, and the question is what each node was doing then).
         */
        private String worstStalls(long[] replyAt, int first, int probeEvery) {
            List<long[]> all = new ArrayList<>(); // {lag, reply nanos}
            for (int i = first; i < replyAt.length; i += probeEvery) {
                if (arrivedAt[i] != 0 && replyAt[i] != 0) {
                    all.add(new long[] {arrivedAt[i] - replyAt[i], replyAt[i]});
                }
            }
            all.sort((x, y) -> Long.compare(y[0], x[0]));
            long wallOffset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
            java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
                    .withZone(java.time.ZoneOffset.UTC);
            StringBuilder out = new StringBuilder("worst stalls (lag at the reply's UTC time):");
            List<Long> taken = new ArrayList<>();
            for (long[] l : all) {
                if (taken.size() == 5 || l[0] < 1_000_000) {
                    break;
                }
                if (taken.stream().anyMatch(t -> Math.abs(t - l[1]) < 1_000_000_000L)) {
                    continue;
                }
                taken.add(l[1]);
                out.append(String.format(Locale.ROOT, " %.1f ms at %s,", l[0] / 1e6,
                        f.format(java.time.Instant.ofEpochMilli((l[1] + wallOffset) / 1_000_000L))));
            }
            return taken.isEmpty() ? out.append(" none over 1 ms").toString() : out.substring(0, out.length() - 1);
        }
    }

    /** A RESP2 array of bulk strings or integers (a pub/sub message or confirmation). */
    static String[] readArray(InputStream in) throws IOException {
        int t = in.read();
        String head = readLine(in);
        if (t != '*') {
            throw new IOException("expected an array, got " + (char) t + head);
        }
        int n = Integer.parseInt(head);
        String[] out = new String[n];
        for (int k = 0; k < n; k++) {
            int tt = in.read();
            String h = readLine(in);
            if (tt == '$') {
                int len = Integer.parseInt(h);
                byte[] b = in.readNBytes(len);
                in.read();
                in.read();
                out[k] = new String(b, StandardCharsets.ISO_8859_1);
            } else {
                out[k] = h;
            }
        }
        return out;
    }
}
