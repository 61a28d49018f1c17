package io.vellum.core.engine;

/**
 * What the thread running a busy script does for everyone else, as Redis's
 * processEventsWhileBlocked does: first release what the batch did before the script, then,
 * now and then, answer the commands waiting in the inbox. Called by that thread, which owns
 * the engine.
 */
public final class BusyScripts {
    private final Engine engine;
    private final EngineLoop loop;

    BusyScripts(Engine engine, EngineLoop loop) {
        this.engine = engine;
        this.loop = loop;
    }

    /**
     * The script {@code running} runs has just turned busy: commits and sends what the batch
     * did before it (see {@link EngineLoop#releaseAllBut}).
     */
    public void releaseBefore(Session running) {
        loop.releaseAllBut(running);
    }

    /**
     * Answers the commands that wait in the inbox as the network layer answers new ones
     * ({@link io.vellum.core.spi.ScriptingEngine#whileBusy}).
     */
    public void answerWaiting(Session running) {
        io.vellum.core.spi.ScriptingEngine scripting = engine.scripting();
        loop.answerWhileBusy(running, (s, argv) -> scripting.whileBusy(s, argv, engine.resolve(argv)));
    }
}
