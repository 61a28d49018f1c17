package io.vellum.server.resp;

import io.netty.channel.ChannelPipeline;
import io.vellum.core.engine.Engine;

/** The pipeline of a RESP client channel: decoder, then the engine glue. */
public final class RespChannelInitializer {
    private RespChannelInitializer() {
    }

    public static void configure(ChannelPipeline p, LoopReleases releases) {
        Engine engine = releases.engine();
        ClientHandler handler = new ClientHandler(releases);
        p.addLast("resp-decoder", new RespDecoder(
                () -> engine.config().protoMaxBulkLen.get(),
                () -> handler.session() != null && engine.authRequired(handler.session())));
        p.addLast("client", handler);
    }
}
