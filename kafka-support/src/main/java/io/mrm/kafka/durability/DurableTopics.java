package io.mrm.kafka.durability;

/**
 * Topics beyond the registry's that a service writes and whose durability is checked at start-up,
 * e.g. Kafka Streams' changelogs. A service contributes a bean.
 */
@FunctionalInterface
public interface DurableTopics {

    boolean includes(String topic);
}
