package io.mrm.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.integration.kafka.support.KafkaIntegrationHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.SendResult;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Writes through the service's Spring Cloud Stream output binding ({@value #BINDING}, Kafka binder). The record the
 * codec made travels whole: its value as the payload (native encoding), its key, its topic (the binding takes the
 * topic from the message) and its headers, which {@link RecordHeadersMapper} puts on the Kafka record byte for byte
 * (the signature covers them). The binding's producer hands each send's future to a channel, keyed by a token this
 * sender puts on the message; that is how a caller learns of the broker's acknowledgement of its own record.
 */
public final class StreamRecordSender implements RecordSender {

    /** The output binding every MRM service writes through. */
    public static final String BINDING = "events-out-0";

    private static final Logger log = LoggerFactory.getLogger(StreamRecordSender.class);

    private final Supplier<MessageChannel> output;
    private final AtomicLong tokens = new AtomicLong();
    private final BooleanSupplier bound;
    private final Duration maxWaitForBinding;
    private final Map<String, CompletableFuture<RecordMetadata>> waiting = new ConcurrentHashMap<>();

    /**
     * @param output             the binding's channel, whose subscriber is the binder's producer once it is bound
     * @param bound              whether the binding is bound now (a service started while Kafka could not be reached
     *                           binds it later, trying again every {@code spring.cloud.stream.binding-retry-interval})
     * @param maxWaitForBinding  how long a write waits for that, as a Kafka producer waits for a topic's metadata: an
     *                           actuator whose command input was bound first must not lose the acknowledgement of a
     *                           command it carried out to the few seconds until its output is bound too
     */
    public StreamRecordSender(Supplier<MessageChannel> output, BooleanSupplier bound, Duration maxWaitForBinding) {
        this.output = output;
        this.bound = bound;
        this.maxWaitForBinding = maxWaitForBinding;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        if (!awaitBound()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the output binding " + BINDING
                    + " is not bound (Kafka has not been reachable since the service started) after waiting "
                    + maxWaitForBinding.toMillis() + " ms"));
        }
        String token = Long.toString(tokens.incrementAndGet());
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        waiting.put(token, acknowledged);
        MessageBuilder<byte[]> message = MessageBuilder.withPayload(record.value())
                .setHeader(KafkaHeaders.TOPIC, record.topic())
                .setHeader(RecordHeadersMapper.RECORD_HEADERS, record.headers())
                .setHeader(KafkaIntegrationHeaders.FUTURE_TOKEN, token);
        if (record.key() != null) {
            message.setHeader(KafkaHeaders.KEY, record.key().getBytes(StandardCharsets.UTF_8));
        }
        if (record.partition() != null) {
            message.setHeader(KafkaHeaders.PARTITION, record.partition());
        }
        if (record.timestamp() != null) {
            message.setHeader(KafkaHeaders.TIMESTAMP, record.timestamp());
        }
        try {
            // straight to the bound channel: the codec's bytes need neither the bridge's function lookup nor its
            // conversion step
            if (!output.get().send(message.build())) {
                throw new IllegalStateException("the output binding " + BINDING + " refused the record");
            }
        } catch (RuntimeException e) {
            if (waiting.remove(token) != null) {
                // not bound yet (the broker was unreachable when the service started), or the producer refused it
                acknowledged.completeExceptionally(e);
            } else {
                // thrown after the producer took the record: its send future, not this, tells whether the broker
                // has it (reporting it failed would have an actuator run a command again that it acknowledged)
                log.warn(
                        "the output binding {} threw after taking a record for {}: {}",
                        BINDING,
                        record.topic(),
                        NestedExceptionUtils.getMostSpecificCause(e).toString());
            }
        } finally {
            if (waiting.remove(token) != null && !acknowledged.isDone()) {
                acknowledged.completeExceptionally(new IllegalStateException(
                        "the output binding " + BINDING + " took the record but gave no send future: is "
                                + "spring.cloud.stream.kafka.bindings." + BINDING + ".producer.sync on?"));
            }
        }
        return acknowledged;
    }

    private boolean awaitBound() {
        long deadline = System.nanoTime() + maxWaitForBinding.toNanos();
        while (!bound.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return true;
    }

    /**
     * Receives each send's future from the binding's producer (its futures channel; called in the sending thread,
     * before the channel's send returns) and completes the waiting caller's future from it.
     */
    MessageHandler futures() {
        return this::sendFuture;
    }

    @SuppressWarnings("unchecked")
    private void sendFuture(Message<?> message) {
        Object token = message.getHeaders().get(KafkaIntegrationHeaders.FUTURE_TOKEN);
        CompletableFuture<RecordMetadata> acknowledged = token == null ? null : waiting.remove(token.toString());
        if (acknowledged == null) {
            return;
        }
        if (!(message.getPayload() instanceof CompletableFuture<?> future)) {
            acknowledged.completeExceptionally(new IllegalStateException("the output binding " + BINDING
                    + " handed back " + message.getPayload().getClass().getName() + " instead of a send future"));
            return;
        }
        ((CompletableFuture<SendResult<?, ?>>) future).whenComplete((result, failure) -> {
            if (failure != null) {
                acknowledged.completeExceptionally(failure);
            } else {
                acknowledged.complete(result.getRecordMetadata());
            }
        });
    }
}
