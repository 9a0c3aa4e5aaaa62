package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The readiness view is rebuilt only when it can have changed — a report arrived, the policy changed, or a
 * held check crossed {@code readiness.max-age} — and that crossing is seen at its moment: by the published
 * view, by the failover rule, and by an engine whose state was restored between the report and its max-age
 * (through the store, and from a state stored before the window existed: ReadinessStateSerdeTest).
 */
class ReadinessViewRebuildTest {

    static final Duration MAX_AGE = ReadinessPolicy.DEFAULT_MAX_AGE;

    final CoreHarness h = new CoreHarness(CoreHarness.policy()
            .withReadiness(new ReadinessPolicy(true, MAX_AGE, true))); // UNKNOWN blocks: the crossing decides
    int reports;
    /** When every check of {@link #allReady()} was made: they all cross the max-age at once. */
    Instant checkedAt;

    @BeforeEach
    void everyActuatorReportsUs10Ready() {
        h.bothUp();
        checkedAt = h.now;
        List<ReadinessReport> ready = new ArrayList<>();
        for (Actuator actuator : List.of(Actuator.AEM, Actuator.HANA, Actuator.DNS)) {
            ready.add(report(actuator, checkedAt));
        }
        ready.forEach(h::feed);
        assertThat(h.state.readinessShown()).contains("us10=READY[]", "missing=[]");
    }

    private ReadinessReport report(Actuator actuator, Instant at) {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (StepAction a : StepAction.values()) {
            if (a.actuator() == actuator && a != StepAction.DATA_FENCE) {
                checks.add(new ReadinessCheck(
                        "us10",
                        a,
                        "check-" + a.name().toLowerCase().replace('_', '-'),
                        ReadinessStatus.READY,
                        "seen fine",
                        at,
                        3));
            }
        }
        return new ReadinessReport(
                "rr-" + ++reports, "orders", at, ReadinessReport.SCHEMA_VERSION, actuator, 60_000, checks);
    }

    private Instant crossing() {
        return checkedAt.plus(MAX_AGE);
    }

    private List<MrmEvent> tickTo(Instant at) {
        return h.tick(Duration.between(h.now, at));
    }

    private static ReadinessStatus us10(List<MrmEvent> out) {
        return CoreHarness.one(out, ReadinessState.class).region("us10").status();
    }

    @Test
    void stepsThatCannotChangeTheViewDoNotRebuildIt() {
        long before = Readiness.viewBuilds();
        for (int i = 0; i < 20; i++) {
            h.tick(Duration.ofSeconds(5));
            h.report("us10", HealthStatus.UP);
        }
        assertThat(Readiness.viewBuilds() - before)
                .as("ticks and observations within the max-age")
                .isZero();

        h.feed(report(Actuator.DNS, h.now));
        assertThat(Readiness.viewBuilds() - before).as("a report arrived").isEqualTo(1);
    }

    @Test
    void theViewTurnsUnknownJustAfterTheMaxAgeAndNotBefore() {
        assertThat(CoreHarness.of(tickTo(crossing()), ReadinessState.class))
                .as("at the max-age a check is still fresh")
                .isEmpty();

        assertThat(us10(tickTo(crossing().plusNanos(1)))).isEqualTo(ReadinessStatus.UNKNOWN);
    }

    @Test
    void theFailoverRuleSeesTheCheckGoStaleAtTheSameMoment() {
        tickTo(crossing());
        assertThat(Readiness.blocking(new WorkingState(h.policy, h.state, crossing()), "us10"))
                .isNull();
        assertThat(Readiness.blocking(
                        new WorkingState(h.policy, h.state, crossing().plusNanos(1)), "us10"))
                .contains("us10 is UNKNOWN", "stale");
    }

    @Test
    void anOutageJustPastTheMaxAgeIsNotFailedOverToAnUnknownStandby() {
        tickTo(crossing().minusSeconds(10));
        h.bothUp(); // the standby is seen healthy: only its readiness can hold the failover back
        h.now = crossing(); // the first outage report lands just after it
        List<MrmEvent> outage = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.of(outage, FailoverDecision.class)).isEmpty();
        assertThat(CoreHarness.alertCodes(outage)).contains("TARGET_NOT_READY");
        assertThat(us10(outage)).isEqualTo(ReadinessStatus.UNKNOWN);
    }

    @Test
    void anEngineRestoredBetweenTheReportAndItsMaxAgeStillSeesTheCrossing() {
        tickTo(crossing().minusSeconds(30));
        CoreHarness restarted = new CoreHarness(h.policy);
        restarted.state = h.state;
        restarted.now = h.now;

        assertThat(us10(restarted.tick(Duration.ofSeconds(31)))).isEqualTo(ReadinessStatus.UNKNOWN);
    }

    @Test
    void aShorterMaxAgeInANewPolicyTakesEffectAtOnce() {
        h.tick(Duration.ofMinutes(2));
        h.use(h.policy.withReadiness(new ReadinessPolicy(true, Duration.ofMinutes(1), true)));

        assertThat(us10(h.tick(Duration.ofSeconds(1)))).isEqualTo(ReadinessStatus.UNKNOWN);
    }

    @Test
    void aClockSteppedBackBeforeTheCrossingShowsTheCheckFreshAgainAsBefore() {
        tickTo(crossing().plusSeconds(1));
        assertThat(h.state.readinessShown()).contains("us10=UNKNOWN");

        assertThat(us10(tickTo(crossing().minusSeconds(1)))).isEqualTo(ReadinessStatus.READY);
    }
}
