package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mrm.decision.domain.AlertCode;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the engine counts and times from the outputs it publishes. */
class EngineMetricsTest {

    static final String APP = "orders";
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EngineMetrics metrics = new EngineMetrics(registry, Set.of(APP));

    @Test
    void anAutomaticFailoverIsCountedWithItsDetectionStepsPlanDurationAndRto() {
        FailoverDecision decision = decision("d1", DecisionKind.AUTOMATIC_FAILOVER, DecisionStatus.EXECUTING, "engine");
        metrics.published(decision);
        metrics.published(topology(T0, Phase.SWITCHING, "d1", running(0, T0), pending(1)));
        Instant stepDone = T0.plusSeconds(3);
        metrics.published(topology(stepDone, Phase.SWITCHING, "d1", done(0, T0, stepDone), running(1, stepDone)));
        Instant planDone = T0.plusSeconds(5);
        metrics.published(topology(planDone, Phase.STEADY, "d1", done(0, T0, stepDone), done(1, stepDone, planDone)));

        assertThat(registry.get("mrm.decisions")
                        .tags(
                                "application",
                                APP,
                                "kind",
                                "AUTOMATIC_FAILOVER",
                                "mode",
                                "FORCED",
                                "trigger",
                                "automatic")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(seconds(registry.get("mrm.detection").tag("application", APP).timer()))
                .as("earliest DOWN evidence 4 s before the decision")
                .isEqualTo(4.0);
        Timer steps = registry.get("mrm.step.duration")
                .tags("application", APP, "action", "DNS_ROUTE", "outcome", "succeeded")
                .timer();
        assertThat(steps.count())
                .as("each finished step timed once, though it stays in later topologies")
                .isEqualTo(1);
        assertThat(seconds(steps)).isEqualTo(3.0);
        assertThat(registry.get("mrm.plan.duration")
                        .tags("application", APP, "kind", "AUTOMATIC_FAILOVER", "outcome", "completed")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(seconds(registry.get("mrm.rto").tag("application", APP).timer()))
                .isEqualTo(5.0);
    }

    @Test
    void outputsPublishedAgainByARetriedTransactionAreCountedOnce() {
        FailoverDecision decision = decision("d1", DecisionKind.AUTOMATIC_FAILOVER, DecisionStatus.EXECUTING, "engine");
        Alert paused = alert(AlertCode.PLAN_PAUSED, "d1", T0);

        // a transaction aborts after the outputs were forwarded; Kafka Streams rolls the state back and processes
        // the same input again: the deterministic core gives the same outputs, with the same ids
        for (int attempt = 0; attempt < 2; attempt++) {
            metrics.published(decision);
            metrics.published(paused);
        }

        assertThat(registry.get("mrm.decisions")
                        .tags("kind", "AUTOMATIC_FAILOVER", "trigger", "automatic")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.alerts")
                        .tags("code", "PLAN_PAUSED")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.detection").timer().count()).isEqualTo(1);
    }

    @Test
    void anAbortedManualPlanIsTimedAsAbortedAndGivesNoRto() {
        metrics.published(decision("d2", DecisionKind.MANUAL_FAILOVER, DecisionStatus.EXECUTING, "alice"));
        metrics.published(alert(AlertCode.PLAN_ABORTED, "d2", T0.plusSeconds(2)));
        metrics.published(topology(T0.plusSeconds(2), Phase.STEADY, "d2", running(0, T0), pending(1)));

        assertThat(registry.get("mrm.decisions")
                        .tags("kind", "MANUAL_FAILOVER", "mode", "FORCED", "trigger", "manual")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.plan.duration")
                        .tag("outcome", "aborted")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("mrm.rto").timers()).isEmpty();
        assertThat(registry.get("mrm.alerts")
                        .tags("application", APP, "code", "PLAN_ABORTED", "severity", "WARNING")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aPlanEndingSplitIsDivergedAndOneAPreflightHookStoppedIsVetoed() {
        metrics.published(decision("d4", DecisionKind.FAILBACK, DecisionStatus.EXECUTING, "alice"));
        metrics.published(alert(AlertCode.PLAN_ABORTED, "d4", T0.plusSeconds(1)));
        metrics.published(topology(T0.plusSeconds(1), Phase.DIVERGED, "d4", done(0, T0, T0.plusSeconds(1))));
        metrics.published(decision("d5", DecisionKind.AUTOMATIC_FAILOVER, DecisionStatus.EXECUTING, "engine"));
        metrics.published(alert(AlertCode.PREFLIGHT_VETOED, "d5", T0.plusSeconds(2)));
        metrics.published(topology(T0.plusSeconds(2), Phase.STEADY, "d5", pending(0)));

        assertThat(registry.get("mrm.plan.duration")
                        .tags("kind", "FAILBACK", "outcome", "diverged")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.plan.duration")
                        .tags("kind", "AUTOMATIC_FAILOVER", "outcome", "vetoed")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.find("mrm.rto").timers())
                .as("only a completed automatic failover")
                .isEmpty();
    }

    @Test
    void theRecordsTheEngineDeadLettersAreCountedLikeTheListenersOnes() {
        metrics.published(io.mrm.events.codec.DeadLetters.of(
                new io.mrm.events.codec.DeadLetters.RawRecord(
                        "mrm.health.observations",
                        0,
                        7,
                        APP.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        new org.apache.kafka.common.header.internals.RecordHeaders(),
                        new byte[] {1}),
                "decision-engine",
                io.mrm.events.deadletter.DeadLetterReason.CLOCK_SKEW,
                "ahead",
                T0));

        assertThat(registry.get("mrm.dead.letters")
                        .tags("topic", "mrm.health.observations", "category", "CLOCK_SKEW")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void triggerTellsProposalsDrillsApprovalsAndOperatorsApart() {
        assertThat(EngineMetrics.trigger(
                        decision("a", DecisionKind.AUTOMATIC_FAILOVER, DecisionStatus.PROPOSED, "engine")))
                .isEqualTo("proposal");
        assertThat(EngineMetrics.trigger(decision("b", DecisionKind.DRILL, DecisionStatus.EXECUTING, "alice")))
                .isEqualTo("drill");
        assertThat(EngineMetrics.trigger(
                        decision("c", DecisionKind.AUTOMATIC_FAILOVER, DecisionStatus.EXECUTING, "bob")))
                .isEqualTo("approved");
        assertThat(EngineMetrics.trigger(decision("d", DecisionKind.FAILBACK, DecisionStatus.EXECUTING, "alice")))
                .isEqualTo("manual");
    }

    @Test
    void aDrillIsTimedFromItsDecisionToItsEndAlert() {
        metrics.published(decision("d3", DecisionKind.DRILL, DecisionStatus.EXECUTING, "alice"));
        metrics.published(alert(AlertCode.DRILL_FAILED, "d3", T0.plusSeconds(7)));

        Timer drill = registry.get("mrm.plan.duration")
                .tags("kind", "DRILL", "outcome", "failed")
                .timer();
        assertThat(seconds(drill)).isEqualTo(7.0);
    }

    @Test
    void tagsStayBoundedForUnknownApplicationsCodesAndRequestTypes() {
        metrics.published(new Alert(
                "a1",
                "someone-elses-key",
                T0,
                Alert.SCHEMA_VERSION,
                io.mrm.events.decision.AlertSeverity.CRITICAL,
                "NOT_A_CORE_CODE",
                "text",
                null,
                null));
        metrics.published(new RequestOutcome(
                "o1",
                APP,
                T0,
                RequestOutcome.SCHEMA_VERSION,
                "r1",
                "io.mrm.operator.manual-failover.v1",
                "alice",
                false,
                "refused",
                null));
        metrics.published(new RequestOutcome(
                "o2", APP, T0, RequestOutcome.SCHEMA_VERSION, "r2", "com.example.whatever", "alice", true, "ok", null));

        assertThat(registry.get("mrm.alerts")
                        .tags("application", "other", "code", "OTHER")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.requests")
                        .tags("type", "manual-failover", "outcome", "refused")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mrm.requests")
                        .tags("type", "other", "outcome", "accepted")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void everyAlertAndDecisionSeriesOfAConfiguredApplicationStartsAtZero() {
        // increase() cannot see a series' first sample: a BLIND raised once must still be an increase
        assertThat(registry.get("mrm.alerts")
                        .tags("application", APP, "code", "BLIND", "severity", "CRITICAL")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get("mrm.decisions")
                        .tags(
                                "application",
                                APP,
                                "kind",
                                "AUTOMATIC_FAILOVER",
                                "mode",
                                "GRACEFUL",
                                "trigger",
                                "automatic")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.find("mrm.alerts").tag("application", "other").counters())
                .as("nothing made up for applications not configured")
                .isEmpty();
    }

    @Test
    void processingLagIsTheEngineClockMinusTheRecordTimestamp() {
        metrics.received(T0.toEpochMilli(), T0.plusMillis(250));
        metrics.received(T0.plusSeconds(10).toEpochMilli(), T0); // a producer clock ahead: no negative lag

        Timer lag = registry.get("mrm.processing.lag").timer();
        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    }

    private static double seconds(Timer timer) {
        return timer.totalTime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    static FailoverDecision decision(String id, DecisionKind kind, DecisionStatus status, String requestedBy) {
        return new FailoverDecision(
                id,
                APP,
                T0,
                FailoverDecision.SCHEMA_VERSION,
                1,
                kind,
                FailoverMode.FORCED,
                status,
                "eu10",
                "us10",
                "eu10 is down",
                requestedBy,
                null,
                List.of(),
                List.of(
                        new Evidence("o-1", "eu10", "app", "vantage-1", HealthStatus.DOWN, T0.minusSeconds(2), null),
                        new Evidence("o-2", "eu10", "app", "vantage-2", HealthStatus.DOWN, T0.minusSeconds(4), null),
                        new Evidence("o-3", "us10", "app", "vantage-2", HealthStatus.UP, T0.minusSeconds(9), null)),
                List.of(
                        new PlanStep(0, StepAction.DNS_ROUTE, "us10", "eu10", 1000, 1, null),
                        new PlanStep(1, StepAction.DNS_VERIFY, "us10", "eu10", 1000, 1, null)));
    }

    static Alert alert(AlertCode code, String decisionId, Instant at) {
        return new Alert(
                "al-" + code, APP, at, Alert.SCHEMA_VERSION, code.severity(), code.name(), "text", null, decisionId);
    }

    static TopologyState topology(Instant at, Phase phase, String decisionId, StepProgress... steps) {
        return new TopologyState(
                "t-" + at.toEpochMilli(),
                APP,
                at,
                TopologyState.SCHEMA_VERSION,
                1,
                phase == Phase.STEADY ? "us10" : "eu10",
                phase == Phase.STEADY ? "eu10" : "us10",
                phase,
                false,
                null,
                decisionId,
                List.of(steps),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());
    }

    static StepProgress pending(int index) {
        return new StepProgress(index, action(index), "us10", StepStatus.PENDING, 0, null, null, null);
    }

    static StepProgress running(int index, Instant started) {
        return new StepProgress(index, action(index), "us10", StepStatus.RUNNING, 1, started, null, null);
    }

    static StepProgress done(int index, Instant started, Instant finished) {
        return new StepProgress(index, action(index), "us10", StepStatus.SUCCEEDED, 1, started, finished, "ok");
    }

    private static StepAction action(int index) {
        return index == 0 ? StepAction.DNS_ROUTE : StepAction.DNS_VERIFY;
    }
}
