package io.mrm.kafka;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.command.StepCommand;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The listener of {@link CommandInputs#commandInput}: the consumer thread only decodes a record
 * and hands it to its application's lane, so it never waits for a command. On the lane the handler
 * runs (retried, bounded, then dead-lettered with the reason, as the shared error handler does); a
 * drill's step runs on the application's rehearsal lane, so a hung rehearsal never holds up a real command;
 * a record that cannot be read is dead-lettered there too, in its key's order. The record is
 * acknowledged once it has completed, and offsets are committed up to the first one that has not.
 *
 * <p>As the group's rebalance listener it hands revoked partitions over (see
 * {@link CommandProgress#handOver}) before the service's own listener hears of it, and stops at once
 * what runs for lost ones.
 */
final class CommandLaneListener<E extends MrmEvent>
        implements AcknowledgingMessageListener<byte[], byte[]>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(CommandLaneListener.class);

    /**
     * @param recoverer         publishes the dead letter of a record given up on
     * @param retries           retries of a failed handler before that
     * @param retryBackoff      pause between them (and between tries to publish a dead letter)
     * @param ackGrace          time allowed past a command's deadline for its acknowledgement to be sent
     * @param maxRevocationWait bound on handing partitions over
     */
    record Settings(
            ConsumerRecordRecoverer recoverer,
            int retries,
            Duration retryBackoff,
            Duration ackGrace,
            Duration maxRevocationWait,
            Clock clock,
            CommandTelemetry telemetry) {}

    private final Topic<E> topic;
    private final Consumer<? super E> handler;
    private final Function<? super E, Instant> deadlineOf;
    private final InboundDecoder decoder;
    private final Settings settings;
    private final ConsumerAwareRebalanceListener serviceListener;
    private final ApplicationLanes lanes;
    private final CommandProgress progress;

    CommandLaneListener(
            Topic<E> topic,
            Consumer<? super E> handler,
            Function<? super E, Instant> deadlineOf,
            InboundDecoder decoder,
            Settings settings,
            ConsumerAwareRebalanceListener serviceListener,
            String name) {
        this.topic = topic;
        this.handler = handler;
        this.deadlineOf = deadlineOf;
        this.decoder = decoder;
        this.settings = settings;
        this.serviceListener = serviceListener != null ? serviceListener : new ConsumerAwareRebalanceListener() {};
        this.lanes = new ApplicationLanes(name);
        this.progress = new CommandProgress(settings.clock());
    }

    @Override
    public void onMessage(ConsumerRecord<byte[], byte[]> record, Acknowledgment acknowledgment) {
        Decoded decoded = decoder.decode(new RawRecord(
                record.topic(), record.partition(), record.offset(), record.key(), record.headers(), record.value()));
        E event =
                decoded instanceof Decoded.Accepted accepted ? topic.valueType().cast(accepted.event()) : null;
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        CommandProgress.Entry entry = progress.register(
                record,
                acknowledgment,
                event == null ? null : deadlineOf.apply(event),
                event == null ? where : where + " " + event.id());
        // a record that cannot be read is dead-lettered in its key's order; the key is the application id
        String lane = event != null
                ? event.applicationId()
                : record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        // a drill's step goes to the application's rehearsal lane: however long it hangs, a real command never
        // waits for it
        boolean rehearsal =
                event instanceof StepCommand command && command.step().rehearsing();
        // should the lane's thread not start, this throws and the record stays pending: nothing after it on its
        // partition is committed, and it is delivered again after a rebalance or restart
        lanes.submit(lane, rehearsal, () -> run(entry, record, decoded, event));
    }

    private void run(CommandProgress.Entry entry, ConsumerRecord<byte[], byte[]> record, Decoded decoded, E event) {
        if (!progress.start(entry)) {
            return; // its partition went to another instance before it started: that one runs it
        }
        boolean completed = false;
        try {
            if (decoded instanceof Decoded.Accepted accepted && event instanceof StepCommand command) {
                // one observation per record, however often its handler is tried: one span, one timing, one log line
                try (CommandTelemetry.Run telemetry = settings.telemetry().received(command, accepted.trace())) {
                    completed = handle(entry, record, event);
                }
            } else {
                completed = decoded instanceof Decoded.Rejected rejected
                        ? deadLetter(entry, record, new RejectedRecordException(rejected.deadLetter()))
                        : handle(entry, record, event);
            }
        } finally {
            progress.finish(entry, completed);
        }
    }

    /** True once the handler has succeeded, or the record is dead-lettered; false when it must run elsewhere. */
    private boolean handle(CommandProgress.Entry entry, ConsumerRecord<byte[], byte[]> record, E event) {
        Exception failure = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0 && !progress.pause(entry, settings.retryBackoff())) {
                return false;
            }
            try {
                handler.accept(event);
                return true;
            } catch (RuntimeException | Error e) {
                if (progress.abandoning(entry)) {
                    log.info(
                            "{} stopped as its partition is handed over ({}): its new owner runs it",
                            entry,
                            e.toString());
                    return false;
                }
                failure = e instanceof Exception ex ? ex : new IllegalStateException(e.toString(), e);
                CommandTelemetry.handlerFailed(e);
                log.warn("{} failed (attempt {} of {}): {}", entry, attempt + 1, settings.retries() + 1, e.toString());
            }
        }
        return deadLetter(entry, record, failure);
    }

    /** Publishes the dead letter, trying again until it is taken or the partition leaves. */
    private boolean deadLetter(CommandProgress.Entry entry, ConsumerRecord<byte[], byte[]> record, Exception reason) {
        while (true) {
            try {
                settings.recoverer().accept(record, reason);
                return true;
            } catch (RuntimeException e) {
                log.error("could not dead-letter {}; trying again: {}", entry, e.toString());
                if (!progress.pause(entry, settings.retryBackoff())) {
                    return false;
                }
            }
        }
    }

    @Override
    public void onPartitionsRevokedBeforeCommit(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        try {
            progress.handOver(partitions, settings.maxRevocationWait(), settings.ackGrace());
        } finally {
            serviceListener.onPartitionsRevokedBeforeCommit(consumer, partitions);
        }
    }

    @Override
    public void onPartitionsRevokedAfterCommit(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        serviceListener.onPartitionsRevokedAfterCommit(consumer, partitions);
    }

    @Override
    public void onPartitionsLost(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        try {
            progress.drop(partitions);
        } finally {
            serviceListener.onPartitionsLost(consumer, partitions);
        }
    }

    @Override
    public void onPartitionsAssigned(
            org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        serviceListener.onPartitionsAssigned(consumer, partitions);
    }
}
