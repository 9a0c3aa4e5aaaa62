package io.mrm.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.command.StepCommand;
import java.time.Clock;
import java.util.function.Consumer;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Builds what services consume with: listener containers for events, and an actuator's command input. Each record is decoded and validated by
 * the shared {@link InboundDecoder}; a record that fails goes to the dead-letter topic at once, a
 * handler that throws is retried (bounded) and then dead-lettered; either way the consumer carries
 * on with the next record. Declare the result as a {@code @Bean} so Spring starts and stops it.
 */
public class EventListeners {

    private final ConsumerFactory<byte[], byte[]> consumerFactory;
    private final CommonErrorHandler errorHandler;
    private final InboundDecoder decoder;
    private final TopicNames topicNames;
    private final String groupId;
    private final CommandLaneListener.Settings commandSettings;

    /**
     * @param errorHandler the error handler of {@link #container}s
     * @param recoverer    dead-letters what a {@link #commandInput} gives up on, after
     *                     {@code kafka.processingRetries()} retries {@code kafka.retryBackoff()} apart
     * @param observations gives each command a span (continuing the trace the command carries) and the timer
     *                     {@code mrm.command.duration}
     * @param meters       holds the command counters ({@code mrm.command.retries}, {@code mrm.fence.refusals})
     * @param backend      names the backend a command acts on, for the metrics' {@code backend} tag
     */
    public EventListeners(
            ConsumerFactory<byte[], byte[]> consumerFactory,
            CommonErrorHandler errorHandler,
            InboundDecoder decoder,
            TopicNames topicNames,
            String groupId,
            ConsumerRecordRecoverer recoverer,
            MrmKafkaProperties kafka,
            CommandListenerProperties commands,
            Clock clock,
            ObservationRegistry observations,
            MeterRegistry meters,
            CommandBackend backend) {
        this.consumerFactory = consumerFactory;
        this.errorHandler = errorHandler;
        this.decoder = decoder;
        this.topicNames = topicNames;
        this.groupId = groupId;
        this.commandSettings = new CommandLaneListener.Settings(
                recoverer,
                kafka.processingRetries(),
                kafka.retryBackoff(),
                kafka.sendTimeout(),
                commands.maxRevocationWait(),
                clock,
                new CommandTelemetry(observations, meters, backend));
    }

    /**
     * A container in this service's consumer group that hands each valid event of {@code topic} to
     * {@code handler}, one at a time on the consumer's thread: for handlers that return quickly. A
     * handler that may block (a command waiting on a backend) takes {@link #commandInput}.
     */
    public <E extends MrmEvent> ConcurrentMessageListenerContainer<byte[], byte[]> container(
            Topic<E> topic, Consumer<? super E> handler) {
        ContainerProperties props = new ContainerProperties(topicNames.of(topic));
        props.setGroupId(groupId);
        props.setMessageListener((org.springframework.kafka.listener.MessageListener<byte[], byte[]>) record -> {
            RawRecord raw = new RawRecord(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    record.headers(),
                    record.value());
            Decoded decoded = decoder.decode(raw);
            if (decoded instanceof Decoded.Rejected rejected) {
                throw new RejectedRecordException(rejected.deadLetter());
            }
            handler.accept(topic.valueType().cast(((Decoded.Accepted) decoded).event()));
        });
        ConcurrentMessageListenerContainer<byte[], byte[]> container =
                new ConcurrentMessageListenerContainer<>(consumerFactory, props);
        container.setCommonErrorHandler(errorHandler);
        container.setBeanName(groupId + "-" + topic.logicalName());
        return container;
    }

    /** {@link #commandInput(Topic, Consumer, ConsumerAwareRebalanceListener)} without a listener of the service's own. */
    public <E extends StepCommand> CommandInput<E> commandInput(Topic<E> topic, Consumer<? super E> handler) {
        return commandInput(topic, handler, null);
    }

    /**
     * The input of an actuator's command topic, where a command may block for minutes; declare it as the
     * {@code @Bean} named {@value CommandInput#FUNCTION}, which Spring Cloud Stream binds to the topic. The
     * consumer thread never runs a command: each application's commands run on a lane of their own, in order and
     * one at a time, and lanes of different applications run in parallel, so a hung backend holds up its own
     * application only and the consumer never overruns {@code max.poll.interval.ms}. A drill's steps (rehearsals,
     * which change nothing) run on a lane of their own beside the application's, so a hung rehearsal never delays
     * a real failover's command. An offset is committed once its command and every one before it on the partition
     * have completed. A partition leaving this instance is handed over only once the commands running for it have
     * ended (waited for until their {@link io.mrm.events.command.StepRef#deadline() deadline}, then interrupted;
     * bounded by {@code mrm.kafka.commands.max-revocation-wait}), so its new owner does not start them while they
     * run here. A handler that throws is retried and then dead-lettered. The group rebalances cooperatively (only
     * the partitions that move are revoked), unless the consumer settings choose otherwise.
     *
     * @param serviceListener the service's own rebalance listener, or null: told of a revocation once the
     *                        hand-over is done
     */
    public <E extends StepCommand> CommandInput<E> commandInput(
            Topic<E> topic, Consumer<? super E> handler, ConsumerAwareRebalanceListener serviceListener) {
        String name = groupId + "-" + topic.logicalName();
        CommandLaneListener<E> lanes = new CommandLaneListener<>(
                topic, handler, command -> command.step().deadline(), decoder, commandSettings, serviceListener, name);
        return new CommandInput<>(topic, topicNames.of(topic), lanes, commandSettings.maxRevocationWait());
    }
}
