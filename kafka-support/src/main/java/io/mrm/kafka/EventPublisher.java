package io.mrm.kafka;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.TraceParent;
import io.mrm.kafka.tracing.BusTracing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes events as CloudEvents on the topic their type belongs to (idempotent, acks=all). A record carries the
 * trace context of the span current on the publishing thread (an actuator's acknowledgement: its command's span).
 */
public class EventPublisher {

    private final RecordSender sender;
    private final EventCodec codec;
    private final Duration sendTimeout;
    private final BusTracing tracing;

    public EventPublisher(KafkaTemplate<String, byte[]> template, EventCodec codec, Duration sendTimeout) {
        this(template, codec, sendTimeout, BusTracing.off());
    }

    public EventPublisher(
            KafkaTemplate<String, byte[]> template, EventCodec codec, Duration sendTimeout, BusTracing tracing) {
        this(RecordSender.of(template), codec, sendTimeout, tracing);
    }

    public EventPublisher(RecordSender sender, EventCodec codec, Duration sendTimeout, BusTracing tracing) {
        this.sender = sender;
        this.codec = codec;
        this.sendTimeout = sendTimeout;
        this.tracing = tracing;
    }

    public CompletableFuture<RecordMetadata> publish(MrmEvent event) {
        return publish(event, tracing.current());
    }

    /** Publishes {@code event} carrying {@code trace} (null: none) rather than the current span's context. */
    public CompletableFuture<RecordMetadata> publish(MrmEvent event, TraceParent trace) {
        if (event instanceof CommandAck ack) {
            CommandTelemetry.acknowledging(ack);
        }
        return sender.send(codec.toRecord(event, trace));
    }

    /** The tracing this publisher's records carry the context of. */
    public BusTracing tracing() {
        return tracing;
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
