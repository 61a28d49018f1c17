package io.vellum.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's state as the engine sees it: selected database, protocol, authentication,
 * MULTI queue and WATCH state, blocking state, the commands waiting behind a blocked one,
 * and what CLIENT LIST shows. One per connection (or per embedded caller).
 *
 * <p>Engine thread only, except {@link #id()} and the fields marked volatile.
 */
public final class Session {
    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP, SKIP_NEXT }

    private final long id;
    private final ClientConnection connection;
    private final long createdMillis;

    private int db;
    private int protocol = 2;
    private volatile boolean authenticated;
    private String name = "";
    private String libName = "";
    private String libVersion = "";
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean noEvict;
    private boolean noTouch;
    private volatile boolean closed;
    private boolean closeAfterReply;
    private long lastInteractionMillis;
    private String lastCommand = "NULL";

    // MULTI / EXEC
    private boolean inMulti;
    private final List<byte[][]> queued = new ArrayList<>();
    private boolean execAbort;
    private boolean watchDirty;
    final List<WatchRegistry.WatchedKey> watched = new ArrayList<>();

    // blocking
    private BlockedClients.Blocked blocked;
    private final ArrayDeque<byte[][]> pending = new ArrayDeque<>();
    /**
     * Time its blocked command's runs took so far (Redis's c->duration): INFO commandstats
     * counts the command, with all of it, once its wait ends ({@link Engine#countCall}).
     */
    long waitingCallMicros;

    /** Set while the session is in the engine's list of sessions with replies to release. */
    boolean outputMarked;
    /** CLIENT REPLY OFF or SKIP drops the replies of the command running (not its pushes). */
    boolean repliesDiscarded;
    /** MONITOR was sent: every command run is sent to it (Redis's CLIENT_MONITOR). */
    boolean monitor;

    public boolean isMonitor() {
        return monitor;
    }

    /** Its next command (first in {@link #pending()}) waits for a CLIENT PAUSE to end. */
    boolean postponed;

    /** State owned by other parts (pub/sub subscriptions, script debugging...). */
    private Object pubSubState;

    Session(long id, ClientConnection connection, long nowMillis, boolean authenticated) {
        this.id = id;
        this.connection = connection;
        this.createdMillis = nowMillis;
        this.lastInteractionMillis = nowMillis;
        this.authenticated = authenticated;
    }

    public long id() {
        return id;
    }

    public ClientConnection connection() {
        return connection;
    }

    public int db() {
        return db;
    }

    public void selectDb(int db) {
        this.db = db;
    }

    public int protocol() {
        return protocol;
    }

    public void setProtocol(int protocol) {
        this.protocol = protocol;
        connection.setProtocol(protocol);
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void setAuthenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void setLibName(String libName) {
        this.libName = libName;
    }

    public String libVersion() {
        return libVersion;
    }

    public void setLibVersion(String libVersion) {
        this.libVersion = libVersion;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void setReplyMode(ReplyMode replyMode) {
        this.replyMode = replyMode;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void setNoEvict(boolean noEvict) {
        this.noEvict = noEvict;
    }

    public boolean noTouch() {
        return noTouch;
    }

    public void setNoTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    public boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    /** QUIT, CLIENT KILL: close once the replies written so far have been sent. */
    public void setCloseAfterReply() {
        closeAfterReply = true;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public long lastInteractionMillis() {
        return lastInteractionMillis;
    }

    void noteCommand(String name, long nowMillis) {
        lastCommand = name;
        lastInteractionMillis = nowMillis;
    }

    public String lastCommand() {
        return lastCommand;
    }

    // ------------------------------------------------------------------ MULTI

    public boolean inMulti() {
        return inMulti;
    }

    public void beginMulti() {
        inMulti = true;
        queued.clear();
        execAbort = false;
    }

    public void queue(byte[][] argv) {
        queued.add(argv);
    }

    public List<byte[][]> queued() {
        return queued;
    }

    /** A queuing error happened: EXEC will answer EXECABORT. */
    public void flagExecAbort() {
        execAbort = true;
    }

    public boolean execAbort() {
        return execAbort;
    }

    /** Leaves MULTI state (EXEC, DISCARD, RESET). Does not touch WATCH state. */
    public void endMulti() {
        inMulti = false;
        queued.clear();
        execAbort = false;
    }

    public boolean watchDirty() {
        return watchDirty;
    }

    void setWatchDirty(boolean dirty) {
        watchDirty = dirty;
    }

    public boolean isWatching() {
        return !watched.isEmpty();
    }

    // ------------------------------------------------------------------ blocking

    public boolean isBlocked() {
        return blocked != null;
    }

    BlockedClients.Blocked blocked() {
        return blocked;
    }

    void setBlocked(BlockedClients.Blocked b) {
        blocked = b;
    }

    ArrayDeque<byte[][]> pending() {
        return pending;
    }

    // ------------------------------------------------------------------ submissions in flight

    /*
     * Submissions of this session in the engine's inbox, not yet taken: while a script is busy
     * a network thread answers a command at once (-BUSY) only when none is, so replies keep
     * the order of the commands. Counted by whichever thread queues or takes one.
     */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    void submissionQueued() {
        inFlight.incrementAndGet();
    }

    void submissionTaken() {
        inFlight.decrementAndGet();
    }

    /** Whether a command this session sent still waits in the engine's inbox. Any thread. */
    public boolean hasSubmissionsInFlight() {
        return inFlight.get() > 0;
    }

    // ------------------------------------------------------------------ extensions

    @SuppressWarnings("unchecked")
    public <T> T pubSubState() {
        return (T) pubSubState;
    }

    public void setPubSubState(Object state) {
        this.pubSubState = state;
    }

    /**
     * Where this client's next commands go instead of the engine (a Lua debugging session
     * reads its debugger commands from the client's connection); null: the engine.
     */
    private volatile java.util.function.Consumer<List<byte[][]>> interceptor;

    public java.util.function.Consumer<List<byte[][]>> interceptor() {
        return interceptor;
    }

    public void setInterceptor(java.util.function.Consumer<List<byte[][]>> interceptor) {
        this.interceptor = interceptor;
    }
}
