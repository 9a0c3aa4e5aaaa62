package io.mrm.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.command.StepCommand;
import io.mrm.kafka.tracing.BusTracing;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the shared command path tells about each command an actuator runs, whichever actuator it is: one
 * Micrometer {@link Observation} around its execution, which is both the span (a child of the engine's step span,
 * whose context the command carries) and the timer {@code mrm.command.duration}; the counters
 * {@code mrm.command.retries} (an attempt after the first) and {@code mrm.fence.refusals} (refused as stale); and
 * one log line when the command arrives and one when its acknowledgement is sent, with the application, decision,
 * epoch and step in the MDC under the keys the engine's log uses. The MDC stays set while the command runs, so the
 * actuator's own lines carry it too.
 *
 * <p>Tags come from the command and the configuration only (actuator, action, backend, outcome, rehearsal), never
 * ids: their values are few.
 */
final class CommandTelemetry {

    static final String APPLICATION = "mrm.application";
    static final String DECISION = "mrm.decision";
    static final String EPOCH = "mrm.epoch";
    static final String STEP = "mrm.step";

    static final String DURATION = "mrm.command.duration";
    static final String RETRIES = "mrm.command.retries";
    static final String FENCE_REFUSALS = "mrm.fence.refusals";

    /** The outcome tag of a command that ended without an acknowledgement (dead-lettered, or handed over). */
    static final String NO_ACK = "none";

    private static final Logger log = LoggerFactory.getLogger(CommandTelemetry.class);
    private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

    private final ObservationRegistry observations;
    private final MeterRegistry meters;
    private final CommandBackend backend;

    CommandTelemetry(ObservationRegistry observations, MeterRegistry meters, CommandBackend backend) {
        this.observations = observations;
        this.meters = meters;
        this.backend = backend;
    }

    /**
     * A command taken from its topic, about to run on this thread: starts its observation (continuing
     * {@code trace}, the context the command carried; null: a trace of its own), sets the MDC, logs it. Close the
     * result on the same thread once the command has ended.
     */
    Run received(StepCommand command, TraceParent trace) {
        return new Run(command, trace);
    }

    /**
     * An acknowledgement being sent on this thread: when it answers the command running here, its outcome tags
     * the command's metrics and it is logged (a refusal as such). Elsewhere (a test's publisher) it does nothing.
     */
    static void acknowledging(CommandAck ack) {
        Run run = CURRENT.get();
        if (run != null && run.command.id().equals(ack.commandId())) {
            run.acknowledged(ack);
        }
    }

    /**
     * The handler of the command running on this thread failed: should the command end without an
     * acknowledgement, its timer's {@code error} tag and its span say why. Elsewhere it does nothing.
     */
    static void handlerFailed(Throwable failure) {
        Run run = CURRENT.get();
        if (run != null) {
            run.failure = failure;
        }
    }

    /** One command's observation, from its arrival to its end. */
    final class Run implements AutoCloseable {
        private final StepCommand command;
        private final String actuator;
        private final Observation observation;
        private final Observation.Scope scope;
        private final MDC.MDCCloseable[] mdc;
        private CommandAck ack;
        private Throwable failure;

        private Run(StepCommand command, TraceParent trace) {
            this.command = command;
            this.actuator = command.action().actuator().name().toLowerCase(Locale.ROOT);
            this.mdc = new MDC.MDCCloseable[] {
                MDC.putCloseable(APPLICATION, command.applicationId()),
                MDC.putCloseable(DECISION, command.step().decisionId()),
                MDC.putCloseable(EPOCH, Long.toString(command.step().epoch())),
                MDC.putCloseable(STEP, Integer.toString(command.step().stepIndex()))
            };
            boolean rehearsal = command.step().rehearsing();
            ReceiverContext<Map<String, String>> context = new ReceiverContext<>(Map::get);
            context.setCarrier(BusTracing.carrier(trace));
            context.setRemoteServiceName("kafka");
            this.observation = Observation.createNotStarted(DURATION, () -> context, observations)
                    .contextualName("execute " + command.action())
                    .lowCardinalityKeyValue("actuator", actuator)
                    .lowCardinalityKeyValue("action", command.action().name())
                    .lowCardinalityKeyValue("backend", backend.of(command))
                    .lowCardinalityKeyValue("rehearsal", Boolean.toString(rehearsal))
                    .highCardinalityKeyValue(APPLICATION, command.applicationId())
                    .highCardinalityKeyValue(DECISION, command.step().decisionId())
                    .highCardinalityKeyValue(EPOCH, Long.toString(command.step().epoch()))
                    .highCardinalityKeyValue(
                            STEP, Integer.toString(command.step().stepIndex()))
                    .highCardinalityKeyValue(
                            "mrm.attempt", Integer.toString(command.step().attempt()))
                    .start();
            this.scope = observation.openScope();
            CURRENT.set(this);
            if (command.step().attempt() > 1) {
                Counter.builder(RETRIES)
                        .description("Commands received for a step's second or later attempt")
                        .tag("actuator", actuator)
                        .tag("action", command.action().name())
                        .register(meters)
                        .increment();
            }
            log.info(
                    "received {} {} step {} attempt {} epoch {} deadline {}{}",
                    command.action(),
                    command.id(),
                    command.step().stepIndex(),
                    command.step().attempt(),
                    command.step().epoch(),
                    command.step().deadline(),
                    rehearsal ? " (rehearsal)" : "");
        }

        private void acknowledged(CommandAck ack) {
            boolean first = this.ack == null;
            this.ack = ack;
            if (!first) {
                return; // sent again after its publishing failed and the handler was retried: logged and counted once
            }
            if (ack.outcome() == AckOutcome.REJECTED_STALE) {
                Counter.builder(FENCE_REFUSALS)
                        .description("Commands refused as stale: their epoch is below one the actuator holds")
                        .tag("actuator", actuator)
                        .register(meters)
                        .increment();
                log.info(
                        "refused {} {} step {} attempt {}: {} {} (fence epoch {})",
                        command.action(),
                        command.id(),
                        command.step().stepIndex(),
                        command.step().attempt(),
                        ack.errorCode(),
                        ack.detail(),
                        ack.fenceEpoch());
                return;
            }
            log.info(
                    "ack {} {} step {} attempt {} {}{} in {} ms: {}",
                    command.action(),
                    command.id(),
                    command.step().stepIndex(),
                    command.step().attempt(),
                    ack.outcome(),
                    ack.errorCode() == null ? "" : " " + ack.errorCode(),
                    ack.durationMs(),
                    ack.detail() == null ? "" : ack.detail());
        }

        @Override
        public void close() {
            try {
                observation.lowCardinalityKeyValue(
                        "outcome", ack == null ? NO_ACK : ack.outcome().name());
                if (ack == null && failure != null) {
                    observation.error(failure);
                }
                scope.close();
                observation.stop();
            } finally {
                CURRENT.remove();
                for (int i = mdc.length - 1; i >= 0; i--) {
                    mdc[i].close();
                }
            }
        }
    }
}
