package io.mrm.sandbox;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.journal.JournalEvent;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Prints what crosses the topics as a readable timeline, relative to a start time. Observations are
 * printed only when a vantage point's view of a component changes, so the steady stream of probes
 * does not drown the decision.
 */
final class Timeline {

    private final PrintStream out;
    private final Instant start;
    private final Map<String, HealthStatus> lastStatus = new ConcurrentHashMap<>();

    Timeline(PrintStream out, Instant start) {
        this.out = out;
        this.start = start;
    }

    void print(Recorded recorded) {
        if (recorded.event() == null) {
            line(Instant.now(), "unreadable", recorded.topic() + ": " + recorded.rejection());
            return;
        }
        String text = describe(recorded.event());
        if (text != null) {
            line(recorded.event().time(), kind(recorded.event()), text);
        }
    }

    void note(String text) {
        line(Instant.now(), "sandbox", text);
    }

    private synchronized void line(Instant at, String kind, String text) {
        long ms = Duration.between(start, at).toMillis();
        out.printf("%+9.3fs  %-12s %s%n", ms / 1000.0, kind, text);
    }

    private static String kind(MrmEvent event) {
        if (event instanceof HealthObservation) {
            return "observation";
        } else if (event instanceof FailoverDecision) {
            return "DECISION";
        } else if (event instanceof StepCommand) {
            return "command";
        } else if (event instanceof CommandAck) {
            return "ack";
        } else if (event instanceof TopologyState) {
            return "topology";
        } else if (event instanceof Alert) {
            return "ALERT";
        } else if (event instanceof DeadLetter) {
            return "dead-letter";
        }
        return "event";
    }

    private String describe(MrmEvent event) {
        if (event instanceof JournalEvent) {
            return null; // the engine's journal (steps and the policy they ran under): for replay, not for reading
        }
        if (event instanceof HealthObservation o) {
            HealthStatus previous = lastStatus.put(o.region() + "/" + o.component() + "/" + o.vantage(), o.status());
            if (previous == o.status()) {
                return null;
            }
            return o.region() + " " + o.component() + " " + o.status() + " seen from " + o.vantage()
                    + (o.detail() == null ? "" : " (" + o.detail() + ")");
        } else if (event instanceof FailoverDecision d) {
            return "epoch " + d.epoch() + " " + d.kind() + " " + d.mode() + " " + d.fromRegion() + " -> "
                    + d.toRegion() + ": " + d.reason() + "; plan: "
                    + d.plan().stream().map(Timeline::step).collect(Collectors.joining(", "));
        } else if (event instanceof StepCommand c) {
            return c.action().actuator() + " " + c.action() + " (step "
                    + c.step().stepIndex() + ", attempt " + c.step().attempt() + ", epoch "
                    + c.step().epoch() + ")";
        } else if (event instanceof CommandAck a) {
            return a.actuator() + " " + a.action() + " step " + a.step().stepIndex() + " " + a.outcome() + " in "
                    + a.durationMs() + " ms" + (a.detail() == null ? "" : ": " + a.detail());
        } else if (event instanceof TopologyState t) {
            return "active " + t.activeRegion() + ", " + t.phase() + ", epoch " + t.epoch()
                    + (t.planSteps().isEmpty()
                            ? ""
                            : ", steps "
                                    + t.planSteps().stream()
                                            .map(Timeline::progress)
                                            .collect(Collectors.joining(" ")));
        } else if (event instanceof Alert a) {
            return a.severity() + " " + a.code() + ": " + a.message();
        } else if (event instanceof RequestOutcome r) {
            return (r.accepted() ? "accepted " : "rejected ") + r.requestType() + " by " + r.operator() + ": "
                    + r.reason();
        } else if (event instanceof DeadLetter d) {
            return d.sourceTopic() + "@" + d.offset() + " " + d.category() + ": " + d.reason();
        }
        return event.getClass().getSimpleName() + " " + event.id();
    }

    private static String step(PlanStep step) {
        return step.action() + " " + step.region();
    }

    private static String progress(StepProgress step) {
        return step.index() + ":" + step.status();
    }
}
