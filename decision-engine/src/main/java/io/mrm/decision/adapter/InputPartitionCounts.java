package io.mrm.decision.adapter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition count of each input topic, read from the brokers once per engine instance (before
 * its first task processes a record) and then kept. Read, not configured: {@code mrm.kafka.partitions}
 * only applies to topics the services create, and an existing topic keeps its own count.
 *
 * <p>Kept, not refreshed: the state of an application lives in the task of the partition its records
 * had when the state was built. If partitions are added while the engine runs, records that producers
 * then partition by the new count would reach tasks without their application's state; judged by the
 * count the engine started with, they are refused instead of acted on. The counts of the input
 * topics must be equal (else one application's observations, requests and acks reach different
 * tasks): when they are not, no task starts.
 */
final class InputPartitionCounts {

    private static final Logger log = LoggerFactory.getLogger(InputPartitionCounts.class);
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> topics;
    private final BiFunction<Map<String, Object>, List<String>, Map<String, Integer>> describe;
    private volatile Map<String, Integer> counts;

    InputPartitionCounts(List<String> topics) {
        this(topics, InputPartitionCounts::describe);
    }

    /** @param describe reads the partition counts of the topics, given the Streams configuration */
    InputPartitionCounts(
            List<String> topics, BiFunction<Map<String, Object>, List<String>, Map<String, Integer>> describe) {
        this.topics = List.copyOf(topics);
        this.describe = describe;
    }

    /**
     * Reads the counts unless this instance already has. Throws when they cannot be read or differ:
     * the task then does not start (Kafka Streams retries with a new thread), and nothing is processed
     * unchecked.
     *
     * @param streamsConfig the Streams configuration (bootstrap servers, security), for an Admin client
     */
    synchronized void load(Map<String, Object> streamsConfig) {
        if (counts != null) {
            return;
        }
        Map<String, Integer> read = new TreeMap<>(describe.apply(streamsConfig, topics));
        if (!read.keySet().equals(Set.copyOf(topics))) {
            throw new IllegalStateException("partition counts read for " + read.keySet() + ", expected " + topics);
        }
        if (Set.copyOf(read.values()).size() != 1) {
            throw new IllegalStateException("the decision engine's input topics have different partition counts "
                    + read + ": an application's observations, requests and acks would reach different tasks; "
                    + "give them the same count");
        }
        counts = Map.copyOf(read);
        log.info(
                "input topics have {} partitions each: {}",
                read.values().iterator().next(),
                read.keySet());
    }

    /** The count of an input topic; {@link #load} must have succeeded. */
    int of(String topic) {
        Map<String, Integer> current = counts;
        Integer count = current == null ? null : current.get(topic);
        if (count == null) {
            throw new IllegalStateException("no partition count for " + topic + " (loaded: " + current + ")");
        }
        return count;
    }

    private static Map<String, Integer> describe(Map<String, Object> streamsConfig, List<String> topics) {
        try (Admin admin = Admin.create(adminConfig(streamsConfig))) {
            Map<String, TopicDescription> described = admin.describeTopics(
                            topics, new DescribeTopicsOptions().timeoutMs((int) DESCRIBE_TIMEOUT.toMillis()))
                    .allTopicNames()
                    .get(DESCRIBE_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            Map<String, Integer> counts = new HashMap<>();
            described.forEach((topic, description) ->
                    counts.put(topic, description.partitions().size()));
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the partition counts of " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot read the partition counts of " + topics + ": " + cause, cause);
        }
    }

    /** The Streams configuration's admin settings, as Kafka Streams gives them to its own admin client. */
    static Map<String, Object> adminConfig(Map<String, Object> streamsConfig) {
        Map<String, Object> admin = new HashMap<>();
        Set<String> adminNames = AdminClientConfig.configNames();
        streamsConfig.forEach((name, value) -> {
            if (adminNames.contains(name)) {
                admin.put(name, value);
            }
        });
        streamsConfig.forEach((name, value) -> {
            if (name.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                admin.put(name.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), value);
            }
        });
        admin.put(
                AdminClientConfig.CLIENT_ID_CONFIG,
                streamsConfig.get(StreamsConfig.APPLICATION_ID_CONFIG) + "-partition-counts");
        return admin;
    }
}
