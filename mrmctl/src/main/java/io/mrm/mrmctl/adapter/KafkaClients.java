package io.mrm.mrmctl.adapter;

import io.mrm.mrmctl.adapter.MrmKafka.KafkaUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** How mrmctl's readers make a consumer and keep every call within a command's deadline. */
final class KafkaClients {

    private KafkaClients() {}

    /** A consumer of committed records only (the engine writes transactionally), no group, bounded by the deadline. */
    static KafkaConsumer<byte[], byte[]> consumer(KafkaConnection connection, Instant deadline) {
        String bootstrapServers = connection.bootstrapServers();
        Properties props = connection.properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                Math.max(1, remaining(deadline).toMillis()));
        try {
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            // e.g. a bootstrap address that does not resolve
            throw new KafkaUnavailableException("cannot use --bootstrap-servers '" + bootstrapServers + "': "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    static KafkaUnavailableException didNotAnswer(
            String bootstrapServers, org.apache.kafka.common.errors.TimeoutException e) {
        return new KafkaUnavailableException(
                "Kafka at " + bootstrapServers + " did not answer in time (" + e.getMessage() + ")");
    }

    /** What is left of the deadline, at least 1 ms (Kafka's clients refuse zero). */
    static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    /** One poll: 200 ms, or less when the deadline is nearer. */
    static Duration pollTime(Instant deadline) {
        Duration left = remaining(deadline);
        return left.compareTo(Duration.ofMillis(200)) < 0 ? left : Duration.ofMillis(200);
    }
}
