package io.vellum.core.command;

import io.vellum.core.engine.CommandContext;

/** The code of one command: reads its arguments from the context and writes one reply. */
@FunctionalInterface
public interface CommandHandler {
    void execute(CommandContext ctx);
}
