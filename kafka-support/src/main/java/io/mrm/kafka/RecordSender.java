package io.mrm.kafka;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Hands a record, exactly as the codec made it (topic, key, value, headers), to an idempotent {@code acks=all}
 * producer. The returned future completes with the broker's acknowledgement. The call returns once the producer has
 * appended the record to its partition's batch, in the calling thread (the health monitor's numbering relies on it).
 */
@FunctionalInterface
public interface RecordSender {

    CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record);

    /** Through a Kafka template (services without Spring Cloud Stream, and tests that write as another service). */
    static RecordSender of(KafkaTemplate<String, byte[]> template) {
        return record -> template.send(record).thenApply(SendResult::getRecordMetadata);
    }
}
