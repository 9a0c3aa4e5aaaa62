package io.mrm.decision.adapter;

import io.micrometer.tracing.Span;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.kafka.tracing.BusTracing;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The engine's spans of a failover's trace, beside the pure core (which never learns of them): a decision continues
 * the trace of the observation that crossed the threshold (the latest of its evidence the engine saw with a trace
 * context), or of the operator's request; each plan step gets a child span of the decision's, whose context every
 * command of that step carries (an actuator's span is its child); the step's span ends when a final
 * acknowledgement arrives, the decision's when its plan is over. One instance per stream task (one thread).
 *
 * <p>Everything here is bounded and best effort: what is forgotten (evicted, or lost with a task that moved) only
 * starts a new trace, it never changes what the engine decides or writes besides the trace headers.
 */
final class EngineTraces {

    static final int MAX_OBSERVATIONS = 4096;
    static final int MAX_DECISIONS = 256;
    static final int MAX_STEPS = 1024;

    private record StepKey(String decisionId, int stepIndex) {}

    private final BusTracing tracing;
    /** The trace context each recent observation arrived with: a decision's evidence names them. */
    private final Map<String, TraceParent> observations = bounded(MAX_OBSERVATIONS, trace -> {});

    private final Map<String, Span> decisions = bounded(MAX_DECISIONS, Span::end);
    /**
     * Each recent decision's context, kept past its span's end: a command issued after its plan is over (a fence
     * left pending by a forced failover, run once the old region answers) still joins the failover's trace.
     */
    private final Map<String, TraceParent> decisionContexts = bounded(MAX_DECISIONS, trace -> {});

    private final Map<StepKey, Span> steps = bounded(MAX_STEPS, Span::end);
    private MrmEvent input;
    private TraceParent inputTrace;

    EngineTraces(BusTracing tracing) {
        this.tracing = tracing;
    }

    /** The input about to be stepped, with the trace context it carried (null: none, or malformed). */
    void input(MrmEvent event, TraceParent trace) {
        this.input = event;
        this.inputTrace = trace;
        if (event instanceof HealthObservation && trace != null) {
            observations.put(event.id(), trace);
        } else if (event instanceof CommandAck ack) {
            acknowledged(ack);
        }
    }

    /** The input's step is over: outputs from now on (ticks) have no input. */
    void inputDone() {
        input = null;
        inputTrace = null;
    }

    /** The trace context to write on an output record; null for outputs outside a failover's trace. */
    TraceParent output(MrmEvent event) {
        if (event instanceof FailoverDecision decision) {
            TraceParent context =
                    tracing.contextOf(decisions.computeIfAbsent(decision.id(), id -> decisionSpan(decision)));
            if (context != null) {
                decisionContexts.put(decision.id(), context);
            }
            return context;
        }
        if (event instanceof StepCommand command) {
            return tracing.contextOf(steps.computeIfAbsent(
                    new StepKey(command.step().decisionId(), command.step().stepIndex()), key -> stepSpan(command)));
        }
        if (event instanceof TopologyState topology && topology.lastDecisionId() != null) {
            if (topology.phase() == Phase.STEADY || topology.phase() == Phase.DIVERGED) {
                planOver(topology.lastDecisionId(), topology.phase());
            }
        }
        return null;
    }

    private Span decisionSpan(FailoverDecision decision) {
        Span span = tracing.start("decision " + decision.kind(), parentOf(decision));
        span.tag(EngineLog.APPLICATION, decision.applicationId());
        span.tag(EngineLog.DECISION, decision.id());
        span.tag(EngineLog.EPOCH, Long.toString(decision.epoch()));
        span.tag("mrm.from", String.valueOf(decision.fromRegion()));
        span.tag("mrm.to", String.valueOf(decision.toRegion()));
        span.tag("mrm.status", String.valueOf(decision.status()));
        return span;
    }

    /** The operator's request; else the triggering observation, else the latest evidence seen with a trace. */
    private TraceParent parentOf(FailoverDecision decision) {
        if (input instanceof OperatorRequest) {
            return inputTrace;
        }
        List<Evidence> evidence = decision.evidence();
        if (input instanceof HealthObservation && inputTrace != null) {
            boolean trigger = evidence.stream().anyMatch(e -> input.id().equals(e.observationId()));
            if (trigger) {
                return inputTrace;
            }
        }
        for (int i = evidence.size() - 1; i >= 0; i--) {
            TraceParent trace = observations.get(evidence.get(i).observationId());
            if (trace != null) {
                return trace;
            }
        }
        return null;
    }

    private Span stepSpan(StepCommand command) {
        Span span = tracing.start(
                "step " + command.step().stepIndex() + " " + command.action(),
                decisionContexts.get(command.step().decisionId()));
        span.tag(EngineLog.APPLICATION, command.applicationId());
        span.tag(EngineLog.DECISION, command.step().decisionId());
        span.tag(EngineLog.EPOCH, Long.toString(command.step().epoch()));
        span.tag(EngineLog.STEP, Integer.toString(command.step().stepIndex()));
        span.tag("mrm.action", command.action().name());
        span.tag("mrm.rehearsal", Boolean.toString(command.step().rehearsing()));
        return span;
    }

    /** A retriable failure is retried in the same step span; any other outcome ends the step. */
    private void acknowledged(CommandAck ack) {
        StepKey key = new StepKey(ack.step().decisionId(), ack.step().stepIndex());
        Span span = steps.get(key);
        if (span == null) {
            return;
        }
        if (ack.outcome() == AckOutcome.FAILED_RETRIABLE) {
            span.event("attempt " + ack.step().attempt() + " " + ack.outcome()
                    + (ack.errorCode() == null ? "" : " " + ack.errorCode()));
            return;
        }
        span.tag("mrm.outcome", ack.outcome().name());
        span.tag("mrm.attempts", Integer.toString(ack.step().attempt()));
        steps.remove(key);
        span.end();
    }

    private void planOver(String decisionId, Phase phase) {
        steps.entrySet().removeIf(entry -> {
            if (entry.getKey().decisionId().equals(decisionId)) {
                entry.getValue().end();
                return true;
            }
            return false;
        });
        Span decision = decisions.remove(decisionId);
        if (decision != null) {
            decision.tag("mrm.phase", phase.name());
            decision.end();
        }
    }

    /** Insertion-ordered, the oldest dropped (and {@code onEvict}ed) past {@code max}. */
    private static <K, V> Map<K, V> bounded(int max, Consumer<V> onEvict) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() > max) {
                    onEvict.accept(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
    }
}
