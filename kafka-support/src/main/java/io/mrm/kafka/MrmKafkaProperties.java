package io.mrm.kafka;

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
 * @param replicationFactor  replicas per partition: 1 locally, 3 in production
 * @param minInsyncReplicas  {@code min.insync.replicas}: 1 locally, 2 in production
 * @param createTopics       create missing topics (and add partitions) at start-up
 * @param maxFutureSkew      inbound events timed further in the future are dead-lettered
 * @param maxAge             inbound events older than this (non-compacted topics) are dead-lettered
 * @param processingRetries  retries of a record whose handler failed, before it is dead-lettered
 * @param retryBackoff       pause between those retries
 * @param sendTimeout        how long to wait for the broker's acknowledgement of a send we must not lose
 */
@Validated
@ConfigurationProperties("mrm.kafka")
public record MrmKafkaProperties(
        @NotNull @Pattern(regexp = "[A-Za-z0-9._-]{0,100}") @DefaultValue("mrm.") String topicPrefix,
        @Min(1) @Max(10000) @DefaultValue("6") int partitions,
        @Min(1) @Max(7) @DefaultValue("1") short replicationFactor,
        @Min(1) @Max(7) @DefaultValue("1") int minInsyncReplicas,
        @DefaultValue("true") boolean createTopics,
        @NotNull @DefaultValue("5m") Duration maxFutureSkew,
        @NotNull @DefaultValue("7d") Duration maxAge,
        @Min(0) @Max(100) @DefaultValue("3") int processingRetries,
        @NotNull @DefaultValue("200ms") Duration retryBackoff,
        @NotNull @DefaultValue("30s") Duration sendTimeout) {

    public MrmKafkaProperties {
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("mrm.kafka.min-insync-replicas (" + minInsyncReplicas
                    + ") must not exceed mrm.kafka.replication-factor (" + replicationFactor + ")");
        }
    }
}
