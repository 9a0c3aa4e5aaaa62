package io.mrm.events;

import io.mrm.events.ack.AckEvent;
import io.mrm.events.command.DataCommand;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.EventsCommand;
import io.mrm.events.command.HookCommand;
import io.mrm.events.deadletter.DeadLetterEvent;
import io.mrm.events.decision.DecisionEvent;
import io.mrm.events.journal.JournalEvent;
import io.mrm.events.observation.ObservationEvent;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.readiness.ReadinessEvent;
import io.mrm.events.readiness.ReadinessReportEvent;
import io.mrm.events.topology.TopologyEvent;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The topic registry: the only place a topic name is written. Resolve a full name with
 * {@link TopicNames}, which adds the deployment's prefix (default {@code mrm.}).
 */
public final class Topics {

    private static final Duration AUDIT_RETENTION = Duration.ofDays(400);
    private static final Set<MrmService> ENGINE = Set.of(MrmService.DECISION_ENGINE);
    private static final Set<MrmService> ACTUATORS =
            Set.of(MrmService.DNS_ACTUATOR, MrmService.HANA_SYNC, MrmService.AEM_SYNC, MrmService.HOOK_ACTUATOR);
    /** Every service that consumes a topic and may have to dead-letter a record: the engine and the actuators. */
    private static final Set<MrmService> CONSUMERS = Set.of(
            MrmService.DECISION_ENGINE,
            MrmService.DNS_ACTUATOR,
            MrmService.HANA_SYNC,
            MrmService.AEM_SYNC,
            MrmService.HOOK_ACTUATOR);

    public static final Topic<ObservationEvent> OBSERVATIONS = new Topic<>(
            "health.observations",
            ObservationEvent.class,
            Topic.CleanupPolicy.DELETE,
            Duration.ofDays(7),
            Topic.EVENT_SIZE_CAP,
            Set.of(MrmService.HEALTH_MONITOR));
    public static final Topic<OperatorRequest> OPERATOR_REQUESTS = new Topic<>(
            "operator.requests",
            OperatorRequest.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            Set.of(MrmService.MRMCTL));
    public static final Topic<DecisionEvent> DECISIONS = new Topic<>(
            "decisions",
            DecisionEvent.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    public static final Topic<TopologyEvent> TOPOLOGY = new Topic<>(
            "topology", TopologyEvent.class, Topic.CleanupPolicy.COMPACT, null, Topic.EVENT_SIZE_CAP, ENGINE);
    public static final Topic<DnsCommand> DNS_COMMANDS = new Topic<>(
            "commands.dns",
            DnsCommand.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    public static final Topic<DataCommand> DATA_COMMANDS = new Topic<>(
            "commands.hana",
            DataCommand.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    public static final Topic<EventsCommand> EVENTS_COMMANDS = new Topic<>(
            "commands.aem",
            EventsCommand.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    public static final Topic<HookCommand> HOOK_COMMANDS = new Topic<>(
            "commands.hook",
            HookCommand.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    public static final Topic<AckEvent> COMMAND_ACKS = new Topic<>(
            "command.acks",
            AckEvent.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ACTUATORS);
    /** What the decision core consumed, in order, with the time it was given: the replay source. */
    public static final Topic<JournalEvent> ENGINE_JOURNAL = new Topic<>(
            "engine.journal",
            JournalEvent.class,
            Topic.CleanupPolicy.DELETE,
            AUDIT_RETENTION,
            Topic.EVENT_SIZE_CAP,
            ENGINE);
    /**
     * The actuators' read-only checks (every interval, per application): input of the engine only, so kept
     * a week, long enough for an engine that was down to catch up.
     */
    public static final Topic<ReadinessReportEvent> READINESS_REPORTS = new Topic<>(
            "readiness.reports",
            ReadinessReportEvent.class,
            Topic.CleanupPolicy.DELETE,
            Duration.ofDays(7),
            Topic.EVENT_SIZE_CAP,
            ACTUATORS);
    /** The engine's view of each application's readiness: compacted, the latest per application. */
    public static final Topic<ReadinessEvent> READINESS = new Topic<>(
            "readiness", ReadinessEvent.class, Topic.CleanupPolicy.COMPACT, null, Topic.EVENT_SIZE_CAP, ENGINE);
    /** Dead letters hold up to 512 KiB of the original record, base64: allow 1 MiB. */
    public static final Topic<DeadLetterEvent> DEAD_LETTERS = new Topic<>(
            "dlq", DeadLetterEvent.class, Topic.CleanupPolicy.DELETE, Duration.ofDays(30), 1024 * 1024, CONSUMERS);

    public static final List<Topic<?>> ALL = List.of(
            OBSERVATIONS,
            OPERATOR_REQUESTS,
            DECISIONS,
            TOPOLOGY,
            DNS_COMMANDS,
            DATA_COMMANDS,
            EVENTS_COMMANDS,
            HOOK_COMMANDS,
            COMMAND_ACKS,
            ENGINE_JOURNAL,
            READINESS_REPORTS,
            READINESS,
            DEAD_LETTERS);

    private Topics() {}
}
