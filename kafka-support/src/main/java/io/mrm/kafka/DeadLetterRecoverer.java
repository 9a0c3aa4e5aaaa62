package io.mrm.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.events.codec.DeadLetters;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * The last stop of a record the consumer gave up on: publish a {@link DeadLetter} with the
 * original bytes and the reason, and wait for the broker's acknowledgement. If that publish fails,
 * this throws, the error handler does not commit, and the record is delivered again: nothing is lost.
 */
public class DeadLetterRecoverer implements ConsumerRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecoverer.class);

    private final EventPublisher publisher;
    private final String consumer;
    private final Clock clock;
    private final MeterRegistry meters;

    public DeadLetterRecoverer(EventPublisher publisher, String consumer, Clock clock, MeterRegistry meters) {
        this.publisher = publisher;
        this.consumer = consumer;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        DeadLetter deadLetter = deadLetterFor(record, exception);
        publisher.publishAndWait(deadLetter);
        meters.counter(
                        "mrm.dead.letters",
                        "topic",
                        record.topic(),
                        "category",
                        deadLetter.category().name())
                .increment();
        if (deadLetter.category() == io.mrm.events.deadletter.DeadLetterReason.UNAUTHENTICATED) {
            // a forged command, or a service writing with the wrong key: an attack or a broken deployment
            // (alert on mrm_dead_letters_total{category="UNAUTHENTICATED"})
            log.error(
                    "REFUSED an unauthenticated record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    deadLetter.reason());
        } else {
            log.warn(
                    "dead-lettered {}-{}@{} as {}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    deadLetter.category(),
                    deadLetter.reason());
        }
    }

    private DeadLetter deadLetterFor(ConsumerRecord<?, ?> record, Exception exception) {
        Throwable cause = exception;
        while (cause instanceof ListenerExecutionFailedException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RejectedRecordException rejected) {
            return rejected.deadLetter();
        }
        RawRecord raw = new RawRecord(
                record.topic(),
                record.partition(),
                record.offset(),
                bytes(record.key()),
                record.headers(),
                bytes(record.value()));
        return DeadLetters.of(
                raw,
                consumer,
                DeadLetterReason.PROCESSING_FAILED,
                "processing failed after retries: " + cause,
                clock.instant());
    }

    private static byte[] bytes(Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        return value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
