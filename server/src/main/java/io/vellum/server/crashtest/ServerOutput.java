package io.vellum.server.crashtest;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A server's output (stdout and stderr), copied line by line to its log file by a thread of its
 * own that notes the two lines the crash test waits for: the standby's {@value Standby#READY}
 * and the restart's {@value Standby#TIMELINE} (printed once the server listens). Waiting on them
 * costs nothing until they come, where polling a marker file every 5 ms and connecting every
 * 2 ms until the server answered cost the crash test's main thread some 30 ms of CPU a round
 * (measured), CPU the servers it waits for needed. Each line is in the file before it is noted.
 */
final class ServerOutput implements Runnable {
    private final InputStream in;
    private final File file;
    private boolean ready;
    private boolean listening;
    private boolean ended;

    private ServerOutput(InputStream in, File file) {
        this.in = in;
        this.file = file;
    }

    /** Starts copying {@code p}'s output to {@code file}. */
    static ServerOutput start(Process p, File file) {
        ServerOutput o = new ServerOutput(p.getInputStream(), file);
        Thread t = new Thread(o, "output-" + file.getName());
        t.setDaemon(true);
        t.start();
        return o;
    }

    @Override
    public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
             OutputStream out = new FileOutputStream(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.ISO_8859_1)); // unbuffered: in the file now
                if (line.startsWith(Standby.READY)) {
                    note(true, false);
                } else if (line.startsWith(Standby.TIMELINE)) {
                    note(false, true);
                }
            }
        } catch (IOException gone) {
            // the process died (or the file cannot be written: its lines are lost, the waits end)
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void note(boolean isReady, boolean isListening) {
        ready |= isReady;
        listening |= isListening;
        notifyAll();
    }

    synchronized boolean ready() {
        return ready;
    }

    /** Waits until the standby said it is ready; false at the deadline or at the end of its output. */
    synchronized boolean awaitReady(long deadlineNanos) throws InterruptedException {
        return await(deadlineNanos, true);
    }

    /** Waits until the server said it listens; false at the deadline or at the end of its output. */
    synchronized boolean awaitListening(long deadlineNanos) throws InterruptedException {
        return await(deadlineNanos, false);
    }

    private boolean await(long deadlineNanos, boolean forReady) throws InterruptedException {
        while (!(forReady ? ready : listening) && !ended) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return forReady ? ready : listening;
    }
}
