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
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.ContainerProperties;

/**
 * Builds the listener containers services consume with. Each record is decoded and validated by
 * the shared {@link InboundDecoder}; a record that fails goes to the dead-letter topic at once, a
 * handler that throws is retried (bounded) and then dead-lettered; either way the consumer carries
 * on with the next record. Declare the result as a {@code @Bean} so Spring starts and stops it.
 */
public class EventListeners {

    /** Kafka's default {@code max.poll.interval.ms}. */
    private static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final ConsumerFactory<byte[], byte[]> consumerFactory;
    private final CommonErrorHandler errorHandler;
    private final InboundDecoder decoder;
    private final TopicNames topicNames;
    private final String groupId;
    private final CommandLaneListener.Settings commandSettings;

    /**
     * @param errorHandler the error handler of {@link #container}s
     * @param recoverer    dead-letters what a {@link #commandContainer} gives up on, after
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
     * handler that may block (a command waiting on a backend) takes {@link #commandContainer}.
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

    /** {@link #commandContainer(Topic, Consumer, ConsumerAwareRebalanceListener)} without a listener of the service's own. */
    public <E extends StepCommand> ConcurrentMessageListenerContainer<byte[], byte[]> commandContainer(
            Topic<E> topic, Consumer<? super E> handler) {
        return commandContainer(topic, handler, null);
    }

    /**
     * A container for an actuator's command topic, where a command may block for minutes. The
     * consumer thread never runs a command: each application's commands run on a lane of their own,
     * in order and one at a time, and lanes of different applications run in parallel, so a hung
     * backend holds up its own application only and the consumer never overruns
     * {@code max.poll.interval.ms}. A drill's steps (rehearsals, which change nothing) run on a lane of
     * their own beside the application's, so a hung rehearsal never delays a real failover's command. An offset is committed once its command and every one before it
     * on the partition have completed. A partition leaving this instance is handed over only once the
     * commands running for it have ended (waited for until their {@link io.mrm.events.command.StepRef#deadline()
     * deadline}, then interrupted; bounded by {@code mrm.kafka.commands.max-revocation-wait}), so its
     * new owner does not start them while they run here. A handler that throws is retried and then
     * dead-lettered, as with {@link #container}. The group rebalances cooperatively (only the
     * partitions that move are revoked), unless the consumer settings choose otherwise.
     *
     * @param serviceListener the service's own rebalance listener, or null: told of a revocation once
     *                        the hand-over is done (do not set another on the container: it would
     *                        replace the hand-over, and the container refuses to start)
     */
    public <E extends StepCommand> ConcurrentMessageListenerContainer<byte[], byte[]> commandContainer(
            Topic<E> topic, Consumer<? super E> handler, ConsumerAwareRebalanceListener serviceListener) {
        checkRevocationWaitFitsPollInterval();
        String name = groupId + "-" + topic.logicalName();
        CommandLaneListener<E> listener = new CommandLaneListener<>(
                topic, handler, command -> command.step().deadline(), decoder, commandSettings, serviceListener, name);
        ContainerProperties props = new ContainerProperties(topicNames.of(topic));
        props.setGroupId(groupId);
        props.setAckMode(ContainerProperties.AckMode.MANUAL);
        props.setMessageListener(listener);
        props.setConsumerRebalanceListener(listener);
        props.setKafkaConsumerProperties(cooperativeUnlessConfigured());
        // a command's offset is committed at the loop after its lane acknowledged it: within a second
        props.setPollTimeout(COMMIT_EVERY.toMillis());
        // a commit the coordinator does not answer must not stop the loop for long (Kafka's default wait is
        // a minute): what it would have committed is run again elsewhere, which commands allow
        props.setSyncCommitTimeout(COMMIT_TIMEOUT);
        ConcurrentMessageListenerContainer<byte[], byte[]> container =
                new ConcurrentMessageListenerContainer<>(consumerFactory, props) {
                    @Override
                    protected void doStart() {
                        if (getContainerProperties().getConsumerRebalanceListener() != listener) {
                            throw new IllegalStateException("the rebalance listener of " + name + " was replaced, "
                                    + "which would start its commands on two instances at once during a rebalance: "
                                    + "pass the service's own to EventListeners.commandContainer(topic, handler, "
                                    + "listener) instead");
                        }
                        super.doStart();
                    }
                };
        // the listener does not throw: its handlers' failures are retried and dead-lettered on their lane.
        // Spring's default handler would seek back and deliver again records already running on a lane
        container.setCommonErrorHandler(new CommonLoggingErrorHandler());
        container.setBeanName(name);
        return container;
    }

    private void checkRevocationWaitFitsPollInterval() {
        Object configured =
                consumerFactory.getConfigurationProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        Duration maxPollInterval = configured == null
                ? DEFAULT_MAX_POLL_INTERVAL
                : Duration.ofMillis(Long.parseLong(configured.toString().trim()));
        if (commandSettings.maxRevocationWait().compareTo(maxPollInterval) >= 0) {
            throw new IllegalStateException(
                    "mrm.kafka.commands.max-revocation-wait ("
                            + commandSettings.maxRevocationWait().toMillis() + "ms) must be below the consumer's "
                            + "max.poll.interval.ms (" + maxPollInterval.toMillis()
                            + "ms): a member that waits longer in a "
                            + "rebalance is evicted from the group, and its partitions move while it still runs their commands");
        }
    }

    /**
     * The cooperative assignor: a rebalance revokes only the partitions that move, so the commands of
     * the others are not held up while those are handed over. Kafka's default list ends with it, so
     * instances switch over in one rolling restart. Left alone when the consumer settings name an
     * assignor or the broker-side protocol ({@code group.protocol=consumer}).
     */
    private Properties cooperativeUnlessConfigured() {
        Properties overrides = new Properties();
        var config = consumerFactory.getConfigurationProperties();
        Object protocol = config.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        boolean brokerSide = protocol != null
                && "consumer".equalsIgnoreCase(protocol.toString().trim());
        if (!brokerSide && !config.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
            overrides.setProperty(
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        return overrides;
    }
}
