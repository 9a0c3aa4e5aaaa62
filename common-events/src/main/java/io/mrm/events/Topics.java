package io.mrm.events;

import io.mrm.events.ack.AckEvent;
import io.mrm.events.command.DataCommand;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.EventsCommand;
import io.mrm.events.deadletter.DeadLetterEvent;
import io.mrm.events.decision.DecisionEvent;
import io.mrm.events.journal.JournalEvent;
import io.mrm.events.observation.ObservationEvent;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.topology.TopologyEvent;
import java.time.Duration;
import java.util.List;

/**
 * The topic registry: the only place a topic name is written. Resolve a full name with
 * {@link TopicNames}, which adds the deployment's prefix (default {@code mrm.}).
 */
public final class Topics {

    private static final Duration AUDIT_RETENTION = Duration.ofDays(400);

    public static final Topic<ObservationEvent> OBSERVATIONS = new Topic<>("health.observations",
            ObservationEvent.class, Topic.CleanupPolicy.DELETE, Duration.ofDays(7), Topic.EVENT_SIZE_CAP,
            "health-monitor");
    public static final Topic<OperatorRequest> OPERATOR_REQUESTS = new Topic<>("operator.requests",
            OperatorRequest.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP, "mrmctl");
    public static final Topic<DecisionEvent> DECISIONS = new Topic<>("decisions",
            DecisionEvent.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP,
            "decision-engine");
    public static final Topic<TopologyEvent> TOPOLOGY = new Topic<>("topology",
            TopologyEvent.class, Topic.CleanupPolicy.COMPACT, null, Topic.EVENT_SIZE_CAP, "decision-engine");
    public static final Topic<DnsCommand> DNS_COMMANDS = new Topic<>("commands.dns",
            DnsCommand.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP,
            "decision-engine");
    public static final Topic<DataCommand> DATA_COMMANDS = new Topic<>("commands.hana",
            DataCommand.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP,
            "decision-engine");
    public static final Topic<EventsCommand> EVENTS_COMMANDS = new Topic<>("commands.aem",
            EventsCommand.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP,
            "decision-engine");
    public static final Topic<AckEvent> COMMAND_ACKS = new Topic<>("command.acks",
            AckEvent.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP, "actuators");
    /** What the decision core consumed, in order, with the time it was given: the replay source. */
    public static final Topic<JournalEvent> ENGINE_JOURNAL = new Topic<>("engine.journal",
            JournalEvent.class, Topic.CleanupPolicy.DELETE, AUDIT_RETENTION, Topic.EVENT_SIZE_CAP, "decision-engine");
    /** Dead letters hold up to 512 KiB of the original record, base64: allow 1 MiB. */
    public static final Topic<DeadLetterEvent> DEAD_LETTERS = new Topic<>("dlq",
            DeadLetterEvent.class, Topic.CleanupPolicy.DELETE, Duration.ofDays(30), 1024 * 1024, "any consumer");

    public static final List<Topic<?>> ALL = List.of(OBSERVATIONS, OPERATOR_REQUESTS, DECISIONS, TOPOLOGY,
            DNS_COMMANDS, DATA_COMMANDS, EVENTS_COMMANDS, COMMAND_ACKS, ENGINE_JOURNAL, DEAD_LETTERS);

    private Topics() {
    }
}
