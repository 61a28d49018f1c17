package io.vellum.core.reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A sink that builds {@link Reply} values. It collects any number of top-level replies
 * (a pipeline or a MULTI/EXEC produces several); {@link #take()} returns them in order.
 */
public final class ReplyBuilder implements ReplySink {
    private int protocol;
    private final List<Reply> done = new ArrayList<>();
    private final Deque<Frame> open = new ArrayDeque<>();

    private enum Kind { ARRAY, MAP, SET, PUSH }

    private static final class Frame {
        final Kind kind;
        final int expected;
        final List<Reply> items;

        Frame(Kind kind, int expected) {
            this.kind = kind;
            this.expected = expected;
            this.items = new ArrayList<>(Math.min(expected, 1024));
        }
    }

    public ReplyBuilder() {
        this(3);
    }

    public ReplyBuilder(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    public void setProtocol(int protocol) {
        this.protocol = protocol;
    }

    /** Replaces completed replies {@code [from, to)} with one error (see ClientConnection). */
    public void replace(int from, int to, String errorText) {
        if (from < 0 || to > done.size() || from > to) {
            return;
        }
        done.subList(from, to).clear();
        done.add(from, new Reply.Error(errorText));
    }

    /** The completed top-level replies so far, and forgets them. */
    public List<Reply> take() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("an aggregate reply is incomplete");
        }
        List<Reply> out = new ArrayList<>(done);
        done.clear();
        return out;
    }

    public int completed() {
        return done.size();
    }

    private void add(Reply r) {
        Reply value = r;
        while (true) {
            Frame top = open.peek();
            if (top == null) {
                done.add(value);
                return;
            }
            top.items.add(value);
            if (top.items.size() < top.expected) {
                return;
            }
            open.pop();
            value = switch (top.kind) {
                case ARRAY -> new Reply.Array(List.copyOf(top.items));
                case MAP -> new Reply.Map(List.copyOf(top.items));
                case SET -> new Reply.Set(List.copyOf(top.items));
                case PUSH -> new Reply.Push(List.copyOf(top.items));
            };
        }
    }

    private void openFrame(Kind kind, int n) {
        if (n == 0) {
            add(switch (kind) {
                case ARRAY -> new Reply.Array(List.of());
                case MAP -> new Reply.Map(List.of());
                case SET -> new Reply.Set(List.of());
                case PUSH -> new Reply.Push(List.of());
            });
        } else {
            open.push(new Frame(kind, n));
        }
    }

    @Override
    public void simple(String text) {
        add(new Reply.Simple(text));
    }

    @Override
    public void error(String text) {
        add(new Reply.Error(text));
    }

    @Override
    public void integer(long value) {
        add(new Reply.Int(value));
    }

    @Override
    public void bulk(byte[] value) {
        add(new Reply.Bulk(value.clone()));
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        add(new Reply.Bulk(Arrays.copyOfRange(value, offset, offset + length)));
    }

    @Override
    public void bulk(String value) {
        add(new Reply.Bulk(value.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Override
    public void nullBulk() {
        add(new Reply.Null(false));
    }

    @Override
    public void nullArray() {
        add(new Reply.Null(true));
    }

    @Override
    public void array(int count) {
        openFrame(Kind.ARRAY, count);
    }

    @Override
    public void map(int entries) {
        openFrame(Kind.MAP, entries * 2);
    }

    @Override
    public void set(int count) {
        openFrame(Kind.SET, count);
    }

    @Override
    public void push(int count) {
        openFrame(Kind.PUSH, count);
    }

    @Override
    public void doubleValue(double value) {
        add(new Reply.Double(value));
    }

    @Override
    public void bool(boolean value) {
        add(new Reply.Bool(value));
    }

    @Override
    public void bigNumber(String digits) {
        add(new Reply.BigNumber(digits));
    }

    @Override
    public void verbatim(String format, byte[] value) {
        add(new Reply.Verbatim(format, value.clone()));
    }
}
