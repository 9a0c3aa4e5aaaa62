package io.mrm.events;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

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
 * @param writers        the services that write it: one, except the acknowledgements (each actuator) and the
 *                       dead letters (every consumer); a service's codec refuses to encode for any other topic
 */
public record Topic<E extends MrmEvent>(
        String logicalName,
        Class<E> valueType,
        CleanupPolicy cleanup,
        Duration retention,
        int maxRecordBytes,
        Set<MrmService> writers) {

    public Topic {
        if (writers.isEmpty()) {
            throw new IllegalArgumentException(logicalName + ": a topic has at least one writer");
        }
        writers = Collections.unmodifiableSet(EnumSet.copyOf(writers));
    }

    /** Whether this service may write the topic. */
    public boolean isWrittenBy(MrmService service) {
        return writers.contains(service);
    }

    /** The record size cap every event topic applies (64 KiB). */
    public static final int EVENT_SIZE_CAP = 64 * 1024;

    public enum CleanupPolicy {
        DELETE,
        COMPACT;

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
