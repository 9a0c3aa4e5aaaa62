package io.mrm.kafka;

import io.mrm.events.Topic;
import io.mrm.events.command.StepCommand;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.CommonLoggingErrorHandler;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * An actuator's command input: the function {@value #FUNCTION} that Spring Cloud Stream binds to the actuator's
 * command topic ({@value #BINDING}) on the Kafka binder. Declare it as a {@code @Bean} named {@value #FUNCTION}
 * ({@link CommandInputs#commandInput}); the binding's settings come from {@code mrm-commands.yml}, which the
 * actuators import.
 *
 * <p>The binder delivers each record as it was written (raw bytes, the record itself in the message) with its
 * acknowledgement. The consumer thread only decodes it and hands it to its application's lane (see
 * {@link CommandLaneListener}); the offset is committed once the command and every one before it on the partition
 * have completed. The binder's consumer and listener container are configured here: the lanes hand revoked
 * partitions over before the commit, the group rebalances cooperatively, and a commit the coordinator does not
 * answer stops the loop for seconds, not a minute.
 */
public final class CommandInput<E extends StepCommand> implements Consumer<Message<byte[]>> {

    /** The name of the function bean, so of its binding. */
    public static final String FUNCTION = "commands";
    /** The binding Spring Cloud Stream makes for it. */
    public static final String BINDING = FUNCTION + "-in-0";

    /** Kafka's default {@code max.poll.interval.ms}. */
    private static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** Time for the consumer to leave its group and close once the hand-over and its commit are done. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    private final Topic<E> topic;
    private final String topicName;
    private final CommandLaneListener<E> lanes;
    private final Duration maxRevocationWait;
    /** The binder's container of this input, once the binder has made it (the latest, should it make another). */
    private volatile AbstractMessageListenerContainer<?, ?> container;

    CommandInput(Topic<E> topic, String topicName, CommandLaneListener<E> lanes, Duration maxRevocationWait) {
        this.topic = topic;
        this.topicName = topicName;
        this.lanes = lanes;
        this.maxRevocationWait = maxRevocationWait;
    }

    /** The command topic this input reads (the registry's entry). */
    public Topic<E> topic() {
        return topic;
    }

    /** Its full name in this deployment: the binding's destination must be this. */
    public String topicName() {
        return topicName;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void accept(Message<byte[]> message) {
        Object raw = message.getHeaders().get(KafkaHeaders.RAW_DATA);
        Object acknowledgment = message.getHeaders().get(KafkaHeaders.ACKNOWLEDGMENT);
        if (!(raw instanceof ConsumerRecord<?, ?>) || !(acknowledgment instanceof Acknowledgment)) {
            // the binding is not configured as mrm-commands.yml configures it; nothing can be committed safely
            throw new IllegalStateException("the binding " + BINDING + " must deliver the record itself and its "
                    + "acknowledgement (consumer converter-bean-name " + MrmStreamAutoConfiguration.RAW_RECORDS
                    + ", ack-mode MANUAL, as in mrm-commands.yml)");
        }
        lanes.onMessage((ConsumerRecord<byte[], byte[]>) raw, (Acknowledgment) acknowledgment);
    }

    /**
     * Sets up the binder's container for the lanes: manual acknowledgements, the lanes' rebalance listener, a
     * poll that returns within a second (a command's offset is committed at the loop after its lane acknowledged
     * it), a bounded commit wait, and a stop that waits for the hand-over.
     */
    void configure(AbstractMessageListenerContainer<?, ?> container) {
        this.container = container;
        ContainerProperties props = container.getContainerProperties();
        props.setAckMode(ContainerProperties.AckMode.MANUAL);
        props.setConsumerRebalanceListener(lanes);
        props.setPollTimeout(COMMIT_EVERY.toMillis());
        // what a commit the coordinator does not answer would have committed is run again elsewhere, which
        // commands allow; Kafka's default wait (a minute) would stop the loop meanwhile
        props.setSyncCommitTimeout(COMMIT_TIMEOUT);
        // stopping the service stops this input first and its output binding only once this returns: the stop
        // waits for the hand-over (the commands running, their acknowledgements written, their offsets committed)
        // rather than the container's ten seconds, after which a command still running could not acknowledge
        props.setShutdownTimeout(
                maxRevocationWait.plus(COMMIT_TIMEOUT).plus(STOP_MARGIN).toMillis());
        // the lanes never throw: their handlers' failures are retried and dead-lettered on the lane. An error
        // handler that seeks back would deliver again records already running on a lane
        container.setCommonErrorHandler(new CommonLoggingErrorHandler());
    }

    /**
     * Completes the binding's consumer settings: the cooperative assignor, so that a rebalance revokes only the
     * partitions that move and the commands of the others are not held up while those are handed over (Kafka's
     * default list ends with it, so instances switch over in one rolling restart; left alone when the settings
     * name an assignor or the broker-side protocol, {@code group.protocol=consumer}). Offsets are only ever
     * committed by the lanes, and only committed commands are read, whatever the consumer settings say. And a
     * check that the hand-over's bound fits in {@code max.poll.interval.ms}.
     */
    void configure(Map<String, Object> consumer) {
        Object configured = consumer.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        Duration maxPollInterval = configured == null
                ? DEFAULT_MAX_POLL_INTERVAL
                : Duration.ofMillis(Long.parseLong(configured.toString().trim()));
        if (maxRevocationWait.compareTo(maxPollInterval) >= 0) {
            throw new IllegalStateException("mrm.kafka.commands.max-revocation-wait (" + maxRevocationWait.toMillis()
                    + "ms) must be below the consumer's max.poll.interval.ms (" + maxPollInterval.toMillis()
                    + "ms): a member that waits longer in a rebalance is evicted from the group, and its partitions "
                    + "move while it still runs their commands");
        }
        // the binder merges spring.kafka.consumer.* and the binding's configuration into these: an auto-commit
        // would commit a command's offset while the command still runs on its lane (lost if the instance dies),
        // and read_uncommitted would run commands of an engine transaction that was aborted
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Object protocol = consumer.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        boolean brokerSide = protocol != null
                && "consumer".equalsIgnoreCase(protocol.toString().trim());
        if (!brokerSide && !consumer.containsKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)) {
            consumer.put(
                    ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
    }

    /** Whether the binder has made this input's consumer and it runs: commands are read only then. */
    boolean running() {
        AbstractMessageListenerContainer<?, ?> made = container;
        return made != null && made.isRunning();
    }

    /** Whether the binder has made this input's consumer yet (it binds again while the broker cannot be reached). */
    boolean bound() {
        return container != null;
    }

    @Override
    public String toString() {
        return "command input of " + topicName;
    }
}
