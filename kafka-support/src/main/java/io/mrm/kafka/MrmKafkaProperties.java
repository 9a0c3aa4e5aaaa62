package io.mrm.kafka;

import io.mrm.kafka.durability.DurabilityRule;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How an MRM service uses Kafka (prefix {@code mrm.kafka}). Connection settings (bootstrap servers,
 * TLS, SASL) are Spring Boot's {@code spring.kafka.*}, read from the environment.
 *
 * @param topicPrefix        prefix of every topic name, so deployments can share a cluster
 * @param partitions         partitions of every topic; equal everywhere so one engine task owns an application
 * @param replicationFactor  replicas per partition: at least 3 (one per site); 1 only on a single-broker
 *                           development stack, with {@code allowWeakDurability}
 * @param minInsyncReplicas  {@code min.insync.replicas}: at least 2; 1 only with {@code allowWeakDurability}
 * @param createTopics       create missing topics (and add partitions) at start-up: only on a development stack
 *                           (the profile {@code local} sets it); elsewhere an admin step creates them
 *                           (Strimzi's topic operator, or {@code deploy/kafka-acls.sh}) and a service's
 *                           principal may not
 * @param maxFutureSkew      inbound events timed further in the future are dead-lettered
 * @param maxAge             inbound events older than this (non-compacted topics) are dead-lettered
 * @param processingRetries  retries of a record whose handler failed, before it is dead-lettered
 * @param retryBackoff       pause between those retries
 * @param sendTimeout        how long to wait for the broker's acknowledgement of a send we must not lose
 * @param allowWeakDurability accept a replication factor or min.insync.replicas below {@link DurabilityRule}'s
 *                           minimum (with a loud warning), and do not check the existing topics: for a
 *                           single-broker development stack only; the profile {@code local} sets it
 * @param durabilityCheckTimeout bound on reading the existing topics' replication at start-up; past it
 *                           the service starts with a warning, unchecked
 */
@Validated
@ConfigurationProperties("mrm.kafka")
public record MrmKafkaProperties(
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{0,100}") @DefaultValue("mrm.")
        String topicPrefix,

        @Min(1) @Max(10000) @DefaultValue("6") int partitions,
        @Min(1) @Max(7) @DefaultValue("3") short replicationFactor,
        @Min(1) @Max(7) @DefaultValue("2") int minInsyncReplicas,
        @DefaultValue("false") boolean createTopics,
        @NotNull @DefaultValue("5m") Duration maxFutureSkew,
        @NotNull @DefaultValue("7d") Duration maxAge,
        @Min(0) @Max(100) @DefaultValue("3") int processingRetries,
        @NotNull @DefaultValue("200ms") Duration retryBackoff,
        @NotNull @DefaultValue("30s") Duration sendTimeout,
        @DefaultValue("false") boolean allowWeakDurability,
        @NotNull @DefaultValue("15s") Duration durabilityCheckTimeout) {

    /**
     * The settings a service has when it sets only its topic prefix and partition count (every other value is its
     * {@code @DefaultValue}: production durability): for tools that make the topics as a deployment would.
     */
    public static MrmKafkaProperties defaults(String topicPrefix, int partitions) {
        return new MrmKafkaProperties(
                topicPrefix,
                partitions,
                (short) 3,
                2,
                false,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                3,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                false,
                Duration.ofSeconds(15));
    }

    public MrmKafkaProperties {
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("mrm.kafka.min-insync-replicas (" + minInsyncReplicas
                    + ") must not exceed mrm.kafka.replication-factor (" + replicationFactor + ")");
        }
        DurabilityRule.require(
                allowWeakDurability,
                "mrm.kafka.replication-factor",
                replicationFactor,
                "mrm.kafka.min-insync-replicas",
                minInsyncReplicas);
    }
}
