package io.mrm.kafka;

import io.mrm.events.MrmEvent;
import io.mrm.events.codec.EventCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes events as CloudEvents on the topic their type belongs to (idempotent, acks=all). */
public class EventPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final EventCodec codec;
    private final Duration sendTimeout;

    public EventPublisher(KafkaTemplate<String, byte[]> template, EventCodec codec, Duration sendTimeout) {
        this.template = template;
        this.codec = codec;
        this.sendTimeout = sendTimeout;
    }

    public CompletableFuture<RecordMetadata> publish(MrmEvent event) {
        return template.send(codec.toRecord(event)).thenApply(result -> result.getRecordMetadata());
    }

    /** Publishes and waits for the broker's acknowledgement; throws if it does not come in time. */
    public RecordMetadata publishAndWait(MrmEvent event) {
        try {
            return publish(event).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + event.id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "could not publish " + event.getClass().getSimpleName() + " " + event.id() + ": " + e.getMessage(),
                    e);
        }
    }

    public EventCodec codec() {
        return codec;
    }
}
