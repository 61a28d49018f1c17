package io.vellum.core.engine;

import io.vellum.core.reply.ReplySink;

/** Swallows replies (CLIENT REPLY OFF/SKIP). */
final class DiscardingSink implements ReplySink {
    private final int protocol;

    DiscardingSink(int protocol) {
        this.protocol = protocol;
    }

    @Override
    public int protocol() {
        return protocol;
    }

    @Override
    public void simple(String text) {
    }

    @Override
    public void error(String text) {
    }

    @Override
    public void integer(long value) {
    }

    @Override
    public void bulk(byte[] value) {
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
    }

    @Override
    public void bulk(String value) {
    }

    @Override
    public void nullBulk() {
    }

    @Override
    public void nullArray() {
    }

    @Override
    public void array(int count) {
    }

    @Override
    public void map(int entries) {
    }

    @Override
    public void set(int count) {
    }

    @Override
    public void push(int count) {
    }

    @Override
    public void doubleValue(double value) {
    }

    @Override
    public void bool(boolean value) {
    }

    @Override
    public void bigNumber(String digits) {
    }

    @Override
    public void verbatim(String format, byte[] value) {
    }
}
