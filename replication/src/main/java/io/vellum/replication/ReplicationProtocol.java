package io.vellum.replication;

import java.util.concurrent.TimeUnit;

/**
 * Vellum's replication protocol over a RESP connection to the primary. The replica sends
 * ordinary RESP commands; after {@code VELLUM.PSYNC} the primary's side of the connection
 * becomes a stream of log records.
 *
 * <pre>
 * replica                                    primary
 * AUTH &lt;masterauth&gt;                  (when set)  +OK
 * REPLCONF listening-port &lt;port&gt;               +OK
 * VELLUM.PSYNC &lt;logid&gt; &lt;serial&gt;                   +CONTINUE &lt;logid&gt; &lt;serial&gt;\r\n
 *                                            then frames, forever:
 *                                              int32 length (big-endian), then that many bytes:
 *                                              one log record exactly as the log stores it
 *                                              (aof.proto's LogRecord, with its serial and CRC-32C);
 *                                              length 0 is a heartbeat (sent after 1 s of silence);
 *                                              length -1 is an ack request (no payload): sent after
 *                                              the records a WAIT/WAITAOF waits for
 * REPLCONF ACK &lt;applied&gt; FACK &lt;synced&gt;          (no reply)
 *   every second (when a position changed, else as a keepalive), and as soon as every record
 *   before an ack request is applied (Redis's REPLCONF GETACK)
 * </pre>
 *
 * <p>Acks follow Redis's model: a replica acks once a second, and at once when the primary asks
 * ({@link #ACK_REQUEST}), which it does when a client blocks in {@code WAIT} or {@code WAITAOF}
 * and every 100 ms while one still waits. An ack per batch applied (as before) cost the primary
 * an engine wake per ack, about 900 a second at 50,000 writes a second, for no reader. Under
 * {@code appendfsync everysec} the synced position trails the applied one: a replica that
 * answers a request with {@code synced < applied} acks again as soon as its sync reaches that
 * applied position (it looks every millisecond, for at most 1.5 s), so that {@code WAITAOF}
 * is answered within about a second.
 *
 * <p>{@code logid} and {@code serial} say where the replica is: it has applied every record of
 * log {@code logid} up to serial {@code serial} ({@code ? 0} for an empty replica). The primary
 * continues when its log holds that prefix ({@link LogIdentity#canContinue}) and the records
 * after it. Otherwise (the replica holds records the primary does not: divergence, never
 * merged; or the primary's log no longer has the records the replica needs) it answers with a
 * <b>full resync</b>: a snapshot of its dataset, then the stream from the snapshot's position.
 *
 * <pre>
 * VELLUM.PSYNC &lt;logid&gt; &lt;serial&gt;                   +FULLRESYNC &lt;logid&gt; &lt;why&gt;\r\n
 *                                            \n (a keepalive, each second while the snapshot is prepared)
 *                                            +SNAPSHOT &lt;serial&gt; &lt;length&gt;\r\n
 *                                            &lt;length&gt; bytes: a snapshot file (snapshot.proto), covering
 *                                              the records of log &lt;logid&gt; up to serial &lt;serial&gt;
 *                                            int32 (big-endian): CRC-32C of those &lt;length&gt; bytes
 *                                            then frames as after +CONTINUE, starting with record
 *                                              &lt;serial&gt; itself when &lt;serial&gt; &gt; 0
 * </pre>
 *
 * <p>The replica writes the snapshot to {@code <dir>/resync/}, checks the length, the transfer's
 * CRC-32C and the whole file (the snapshot's own checksum and framing, {@code SnapshotReader}),
 * and only then replaces its state ({@link FullResync}): it loads the snapshot, drops its log
 * and restarts it at {@code <serial>}, logs record {@code <serial>} (the one the snapshot ends
 * with; not applied again: its effects are in the snapshot) and takes a snapshot of its own
 * covering it, so a restart loads that and replays what follows. A transfer that is cut short,
 * too long, or fails a check is refused: the replica keeps its state and reconnects.
 *
 * <p>The replica accepts nothing but well-formed records, heartbeats and ack requests: a frame
 * longer than {@link #MAX_FRAME} or of a negative length other than {@link #ACK_REQUEST}, a record
 * failing its checksum or format, or a serial out of sequence drops the link (it reconnects and
 * continues from what it applied).
 */
final class ReplicationProtocol {
    static final String PSYNC = "VELLUM.PSYNC";
    static final String CONTINUE = "+CONTINUE";
    static final String FULL_RESYNC_NEEDED = "FULLRESYNC-NEEDED";
    static final String FULLRESYNC = "+FULLRESYNC";
    static final String SNAPSHOT = "+SNAPSHOT";
    /** The largest snapshot a replica accepts (a sanity bound on the announced length). */
    static final long MAX_SNAPSHOT = 1L << 40;
    /** The largest record a replica accepts (proto-max-bulk-len's default, plus room). */
    static final int MAX_FRAME = 600 << 20;
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A frame length: a heartbeat, no payload. */
    static final int HEARTBEAT = 0;
    /**
     * A frame length: an ack request, no payload. The replica answers {@code REPLCONF ACK} as soon
     * as it has applied every record sent before it.
     */
    static final int ACK_REQUEST = -1;
    /** The id an empty replica sends. */
    static final String NO_LOG = "?";

    private ReplicationProtocol() {
    }
}
