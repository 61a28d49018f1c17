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
 *                                              length 0 is a heartbeat (sent after 1 s of silence)
 * REPLCONF ACK &lt;applied&gt; FACK &lt;synced&gt;          (no reply)
 *   after each batch applied and every second
 * </pre>
 *
 * <p>{@code logid} and {@code serial} say where the replica is: it has applied every record of
 * log {@code logid} up to serial {@code serial} ({@code ? 0} for an empty replica). The primary
 * continues when its log holds that prefix ({@link LogIdentity#canContinue}); otherwise it
 * answers {@code -ERR FULLRESYNC-NEEDED <why>} and closes the connection: the replica holds
 * records the primary does not (divergence), or the primary no longer has the records the
 * replica needs. A full resync (a snapshot, then the stream) needs the snapshot store.
 *
 * <p>The replica accepts nothing but well-formed records: a frame longer than
 * {@link #MAX_FRAME}, a record failing its checksum or format, or a serial out of sequence
 * drops the link (it reconnects and continues from what it applied).
 */
final class ReplicationProtocol {
    static final String PSYNC = "VELLUM.PSYNC";
    static final String CONTINUE = "+CONTINUE";
    static final String FULL_RESYNC_NEEDED = "FULLRESYNC-NEEDED";
    /** The largest record a replica accepts (proto-max-bulk-len's default, plus room). */
    static final int MAX_FRAME = 600 << 20;
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The id an empty replica sends. */
    static final String NO_LOG = "?";

    private ReplicationProtocol() {
    }
}
