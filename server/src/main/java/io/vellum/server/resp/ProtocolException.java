package io.vellum.server.resp;

/** The client sent something that is not RESP; the reply text is Redis's. */
public final class ProtocolException extends RuntimeException {
    public ProtocolException(String replyText) {
        super(replyText, null, false, false);
    }
}
