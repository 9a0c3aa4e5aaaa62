package io.mrm.events;

import java.time.Duration;

/**
 * One entry of the topic registry. Every topic is keyed by the application id (a UTF-8 string) so
 * that all topics can share one partition count and one engine task sees an application's
 * observations, requests and acks in order.
 *
 * @param logicalName    the name without the deployment's prefix, e.g. {@code decisions}
 * @param valueType      the sealed interface of the events allowed on it
 * @param cleanup        delete (time-based) or compact (latest per key)
 * @param retention      how long records are kept; {@code null} keeps them forever
 * @param maxRecordBytes the largest value a consumer accepts before dead-lettering it
 * @param writer         the one service that writes it (documentation and tests; the DLQ has many)
 */
public record Topic<E extends MrmEvent>(String logicalName, Class<E> valueType, CleanupPolicy cleanup,
                                        Duration retention, int maxRecordBytes, String writer) {

    /** The record size cap every event topic applies (64 KiB). */
    public static final int EVENT_SIZE_CAP = 64 * 1024;

    public enum CleanupPolicy {
        DELETE, COMPACT;

        /** The value of Kafka's {@code cleanup.policy} topic setting. */
        public String kafkaValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Key type of every topic: the application id. */
    public Class<String> keyType() {
        return String.class;
    }

    /** The value of Kafka's {@code retention.ms} topic setting. */
    public long retentionMs() {
        return retention == null ? -1 : retention.toMillis();
    }
}
