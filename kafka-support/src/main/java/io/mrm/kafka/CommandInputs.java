package io.mrm.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.command.StepCommand;
import java.time.Clock;
import java.util.function.Consumer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;

/**
 * Makes an actuator's command input ({@link #commandInput}). Each record is decoded and validated by the shared
 * {@link InboundDecoder}; a record that fails goes to the dead-letter topic in its application's order, a handler
 * that throws is retried (bounded) and then dead-lettered; either way the application's next command runs.
 */
public class CommandInputs {

    private final InboundDecoder decoder;
    private final TopicNames topicNames;
    private final String groupId;
    private final CommandLaneListener.Settings commandSettings;

    /**
     * @param recoverer    dead-letters what a {@link #commandInput} gives up on, after
     *                     {@code kafka.processingRetries()} retries {@code kafka.retryBackoff()} apart
     * @param observations gives each command a span (continuing the trace the command carries) and the timer
     *                     {@code mrm.command.duration}
     * @param meters       holds the command counters ({@code mrm.command.retries}, {@code mrm.fence.refusals})
     * @param backend      names the backend a command acts on, for the metrics' {@code backend} tag
     */
    public CommandInputs(
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
