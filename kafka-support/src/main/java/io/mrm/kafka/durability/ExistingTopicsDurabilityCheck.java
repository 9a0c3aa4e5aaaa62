package io.mrm.kafka.durability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * At start-up, before any listener or stream runs: the topics this service uses that already exist
 * must be as durable as {@link DurabilityRule} asks. The settings alone prove nothing about them:
 * Kafka keeps a topic's replication factor when the setting changes, and an operator may have made
 * a topic by hand. Reading them is bounded: a broker that does not answer in time, or a principal
 * not allowed to describe a topic, leaves it unverified with a warning — the service still starts
 * (it waits for the broker like any other client), and checks again at its next start.
 */
public final class ExistingTopicsDurabilityCheck implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(ExistingTopicsDurabilityCheck.class);

    private final Map<String, Object> adminConfig;
    private final Predicate<String> checked;
    private final boolean allowWeak;
    private final int replicationFactor;
    private final int minInsyncReplicas;
    private final Duration timeout;

    /**
     * @param adminConfig       how to reach the cluster (bootstrap servers, security)
     * @param checked           the topics to check, by name
     * @param allowWeak         {@code mrm.kafka.allow-weak-durability}: then nothing is checked, a warning is logged
     * @param replicationFactor the configured replication factor, for the warning
     * @param minInsyncReplicas the configured min.insync.replicas, for the warning
     * @param timeout           bound on reading the topics
     */
    public ExistingTopicsDurabilityCheck(
            Map<String, Object> adminConfig,
            Predicate<String> checked,
            boolean allowWeak,
            int replicationFactor,
            int minInsyncReplicas,
            Duration timeout) {
        this.adminConfig = new HashMap<>(adminConfig);
        this.checked = checked;
        this.allowWeak = allowWeak;
        this.replicationFactor = replicationFactor;
        this.minInsyncReplicas = minInsyncReplicas;
        this.timeout = timeout;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (allowWeak) {
            if (DurabilityRule.isWeak(replicationFactor, minInsyncReplicas)) {
                log.warn(
                        "WEAK DURABILITY ALLOWED ({}=true): topics are made with replication factor {} and "
                                + "min.insync.replicas {}, existing topics are not checked. Losing one broker can lose "
                                + "acknowledged events and decisions. For a single-broker development stack only.",
                        DurabilityRule.ALLOW_SETTING,
                        replicationFactor,
                        minInsyncReplicas);
            }
            return;
        }
        List<String> problems = weakTopics();
        if (!problems.isEmpty()) {
            throw new WeakDurabilityException("existing topics are less durable than required: "
                    + String.join("; ", problems) + ". Kafka keeps a topic's replication when the settings change: "
                    + "reassign its partitions (kafka-reassign-partitions.sh, or Strimzi's KafkaTopic spec.replicas) and "
                    + "alter its min.insync.replicas (kafka-configs.sh), or delete it so that it is made again. "
                    + DurabilityRule.HOW_TO_ALLOW);
        }
    }

    /** Each way an existing checked topic falls short; empty when all are durable or could not be read. */
    List<String> weakTopics() {
        long deadline = System.nanoTime() + timeout.toNanos();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        Admin admin = Admin.create(config);
        try {
            Set<String> existing = await(
                    admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs))
                            .names(),
                    deadline);
            List<String> topics = existing.stream().filter(checked).sorted().toList();
            if (topics.isEmpty()) {
                return List.of();
            }
            Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(
                            topics, new DescribeTopicsOptions().timeoutMs(timeoutMs))
                    .topicNameValues();
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(
                            topics.stream()
                                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                                    .toList(),
                            new DescribeConfigsOptions().timeoutMs(timeoutMs))
                    .values();
            List<String> problems = new ArrayList<>();
            List<String> unverified = new ArrayList<>();
            for (String topic : topics) {
                try {
                    TopicDescription description = await(descriptions.get(topic), deadline);
                    Config topicConfig =
                            await(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic)), deadline);
                    problems.addAll(DurabilityRule.problems(
                            "topic " + topic + ": replication factor",
                            replicas(description),
                            "topic " + topic + ": min.insync.replicas",
                            minInsync(topicConfig)));
                } catch (ExecutionException e) {
                    unverified.add(topic + " (" + e.getCause().getClass().getSimpleName() + ")");
                } catch (TimeoutException e) {
                    // what was found weak so far still stops the service
                    unverified.add(topic + " (no answer in time)");
                }
            }
            if (!unverified.isEmpty()) {
                log.warn("could not read the replication of {}: these topics are not checked", unverified);
            }
            log.info(
                    "checked the replication of {} existing topics: {}",
                    topics.size() - unverified.size(),
                    problems.isEmpty() ? "durable" : problems.size() + " problems");
            return problems;
        } catch (TimeoutException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn(
                    "could not read the replication of the existing topics within {} ms ({}): starting without "
                            + "checking them (the settings are durable; they are checked again at the next start)",
                    timeout.toMillis(),
                    cause.getClass().getSimpleName());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the topics' replication", e);
        } finally {
            admin.close(Duration.ofSeconds(2));
        }
    }

    /** The fewest replicas any partition has. */
    private static int replicas(TopicDescription description) {
        return description.partitions().stream()
                .mapToInt(p -> p.replicas().size())
                .min()
                .orElse(0);
    }

    private static int minInsync(Config config) {
        ConfigEntry entry = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        // absent only from a broker that does not report it: Kafka's own default is 1
        return entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
    }

    private static <T> T await(KafkaFuture<T> future, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
