package io.mrm.decision.adapter;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One log line for each thing an operator reads the engine's log for: every decision, command, acknowledgement,
 * alert and refused request, at INFO (a critical alert at WARN), with the application, decision, epoch and step
 * in the MDC ({@code mrm.application}, {@code mrm.decision}, {@code mrm.epoch}, {@code mrm.step}) for structured
 * logs. Observations, journal records and state are not logged: they are on the topics.
 */
final class EngineLog {

    static final String APPLICATION = "mrm.application";
    static final String DECISION = "mrm.decision";
    static final String EPOCH = "mrm.epoch";
    static final String STEP = "mrm.step";

    private static final Logger log = LoggerFactory.getLogger(EngineLog.class);

    private EngineLog() {}

    /** An input the engine took: acknowledgements are logged (the rest is too frequent or logged as outputs). */
    static void input(MrmEvent event) {
        if (event instanceof CommandAck ack) {
            with(
                    ack.applicationId(),
                    ack.step().decisionId(),
                    ack.step().epoch(),
                    ack.step().stepIndex(),
                    () -> log.info(
                            "ack {} {} step {} attempt {} {}{} in {} ms{}: {}",
                            ack.actuator(),
                            ack.action(),
                            ack.step().stepIndex(),
                            ack.step().attempt(),
                            ack.outcome(),
                            ack.errorCode() == null ? "" : " " + ack.errorCode(),
                            ack.durationMs(),
                            ack.step().rehearsing() ? " (rehearsal)" : "",
                            ack.detail() == null ? "" : ack.detail()));
        }
    }

    /** An output of the decision core. */
    static void output(MrmEvent event) {
        if (event instanceof FailoverDecision d) {
            with(
                    d.applicationId(),
                    d.id(),
                    d.epoch(),
                    null,
                    () -> log.info(
                            "decision {} {} {} {} {} -> {} epoch {}: {}; plan: {}",
                            d.id(),
                            d.kind(),
                            d.mode(),
                            d.status(),
                            d.fromRegion(),
                            d.toRegion(),
                            d.epoch(),
                            d.reason(),
                            d.plan().stream().map(EngineLog::step).collect(Collectors.joining(", "))));
        } else if (event instanceof StepCommand c) {
            with(
                    c.applicationId(),
                    c.step().decisionId(),
                    c.step().epoch(),
                    c.step().stepIndex(),
                    () -> log.info(
                            "command {} step {} attempt {} deadline {}{}",
                            c.action(),
                            c.step().stepIndex(),
                            c.step().attempt(),
                            c.step().deadline(),
                            c.step().rehearsing() ? " (rehearsal)" : ""));
        } else if (event instanceof Alert a) {
            with(a.applicationId(), a.decisionId(), null, null, () -> {
                if (a.severity() == AlertSeverity.CRITICAL) {
                    log.warn("alert {} {}: {}", a.severity(), a.code(), a.message());
                } else {
                    log.info("alert {} {}: {}", a.severity(), a.code(), a.message());
                }
            });
        } else if (event instanceof RequestOutcome o) {
            with(
                    o.applicationId(),
                    o.decisionId(),
                    null,
                    null,
                    () -> log.info(
                            "request {} {} by {} {}: {}",
                            o.requestType(),
                            o.requestId(),
                            o.operator(),
                            o.accepted() ? "accepted" : "refused",
                            o.reason()));
        }
        // journal, topology, readiness and dead letters are records on their topics, not log lines
    }

    private static String step(PlanStep s) {
        return s.action() + (s.hook() == null ? "" : "[" + s.hook() + "]") + " " + s.region();
    }

    private static void with(String application, String decision, Long epoch, Integer step, Runnable line) {
        try (MDC.MDCCloseable a = MDC.putCloseable(APPLICATION, application);
                MDC.MDCCloseable d = MDC.putCloseable(DECISION, decision);
                MDC.MDCCloseable e = MDC.putCloseable(EPOCH, epoch == null ? null : epoch.toString());
                MDC.MDCCloseable s = MDC.putCloseable(STEP, step == null ? null : step.toString())) {
            line.run();
        }
    }
}
