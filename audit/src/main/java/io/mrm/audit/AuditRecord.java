package io.mrm.audit;

import io.mrm.events.MrmEvent;
import java.util.Comparator;

/**
 * One decoded event as read from Kafka, with where it was read.
 *
 * @param topic     the full topic name
 * @param partition its partition
 * @param offset    its offset
 * @param event     the decoded event
 */
public record AuditRecord(String topic, int partition, long offset, MrmEvent event) {

    /** The audit's one order: event time, then topic, partition, offset — the same on every run. */
    public static final Comparator<AuditRecord> ORDER = Comparator.comparing(
                    (AuditRecord r) -> r.event().time())
            .thenComparing(AuditRecord::topic)
            .thenComparingInt(AuditRecord::partition)
            .thenComparingLong(AuditRecord::offset);

    public AuditRecord {
        if (topic == null || event == null) {
            throw new IllegalArgumentException("an audit record needs its topic and its event");
        }
    }
}
