package io.mrm.events;

import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event type MRM knows, with its CloudEvents type. The {@code .vN} suffix is the major version. */
public final class EventTypes {

    public static final String TYPE_PREFIX = "io.mrm.";

    public static final List<EventType<?>> ALL = List.of(
            new EventType<>("io.mrm.health.observation.v1", HealthObservation.class, Topics.OBSERVATIONS),
            new EventType<>(
                    "io.mrm.operator.manual-failover.v1", ManualFailoverRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.failback.v1", FailbackRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.approve.v1", ApproveRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.reject.v1", RejectRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.freeze.v1", FreezeRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.unfreeze.v1", UnfreezeRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>(
                    "io.mrm.operator.acknowledge-hold-down.v1",
                    AcknowledgeHoldDownRequest.class,
                    Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.resume.v1", ResumeRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.skip-step.v1", SkipStepRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.operator.abort.v1", AbortRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>(
                    "io.mrm.operator.drill.v1", io.mrm.events.operator.DrillRequest.class, Topics.OPERATOR_REQUESTS),
            new EventType<>("io.mrm.decision.failover.v1", FailoverDecision.class, Topics.DECISIONS),
            new EventType<>("io.mrm.decision.request-outcome.v1", RequestOutcome.class, Topics.DECISIONS),
            new EventType<>("io.mrm.decision.alert.v1", Alert.class, Topics.DECISIONS),
            new EventType<>("io.mrm.command.dns.route.v1", DnsRouteCommand.class, Topics.DNS_COMMANDS),
            new EventType<>("io.mrm.command.dns.verify.v1", DnsVerifyCommand.class, Topics.DNS_COMMANDS),
            new EventType<>("io.mrm.command.data.drain.v1", DataDrainCommand.class, Topics.DATA_COMMANDS),
            new EventType<>("io.mrm.command.data.promote.v1", DataPromoteCommand.class, Topics.DATA_COMMANDS),
            new EventType<>("io.mrm.command.data.reprotect.v1", DataReprotectCommand.class, Topics.DATA_COMMANDS),
            new EventType<>(
                    "io.mrm.command.data.fence.v1", io.mrm.events.command.DataFenceCommand.class, Topics.DATA_COMMANDS),
            new EventType<>("io.mrm.command.events.set-role.v1", EventsSetRoleCommand.class, Topics.EVENTS_COMMANDS),
            new EventType<>("io.mrm.command.events.drain.v1", EventsDrainCommand.class, Topics.EVENTS_COMMANDS),
            new EventType<>("io.mrm.command.events.verify.v1", EventsVerifyCommand.class, Topics.EVENTS_COMMANDS),
            new EventType<>(
                    "io.mrm.command.hook.run.v1", io.mrm.events.command.HookRunCommand.class, Topics.HOOK_COMMANDS),
            new EventType<>("io.mrm.ack.command.v1", CommandAck.class, Topics.COMMAND_ACKS),
            new EventType<>("io.mrm.topology.state.v1", io.mrm.events.topology.TopologyState.class, Topics.TOPOLOGY),
            new EventType<>(
                    "io.mrm.journal.engine-step.v1", io.mrm.events.journal.EngineStep.class, Topics.ENGINE_JOURNAL),
            new EventType<>(
                    "io.mrm.journal.policy.v1", io.mrm.events.journal.PolicyRecord.class, Topics.ENGINE_JOURNAL),
            new EventType<>(
                    "io.mrm.readiness.report.v1",
                    io.mrm.events.readiness.ReadinessReport.class,
                    Topics.READINESS_REPORTS),
            new EventType<>(
                    "io.mrm.readiness.state.v1", io.mrm.events.readiness.ReadinessState.class, Topics.READINESS),
            new EventType<>("io.mrm.deadletter.v1", DeadLetter.class, Topics.DEAD_LETTERS));

    private static final Map<String, EventType<?>> BY_CE_TYPE =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::ceType, Function.identity()));
    private static final Map<Class<?>, EventType<?>> BY_CLASS =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::javaType, Function.identity()));

    private EventTypes() {}

    /** The type registered under a CloudEvents type, or null. */
    public static EventType<?> forCeType(String ceType) {
        return ceType == null ? null : BY_CE_TYPE.get(ceType);
    }

    @SuppressWarnings("unchecked")
    public static <E extends MrmEvent> EventType<E> forClass(Class<E> javaType) {
        EventType<?> type = BY_CLASS.get(javaType);
        if (type == null) {
            throw new IllegalArgumentException(javaType.getName() + " is not a registered event type");
        }
        return (EventType<E>) type;
    }
}
