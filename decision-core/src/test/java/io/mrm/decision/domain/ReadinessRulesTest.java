package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.Backtest.ReplayReport;
import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The actuators' readiness reports in the core: an automatic failover towards a standby a check says it
 * cannot switch to is not decided (and is, once the standby is ready again), stale checks count as
 * UNKNOWN, a step on the region being left never blocks, and a manual switch needs the TARGET_READY override.
 */
class ReadinessRulesTest {

    final CoreHarness h = new CoreHarness(CoreHarness.policy());
    int reports;

    /** Every check of one actuator towards one region, with the status given for {@code action}. */
    private ReadinessReport report(Actuator actuator, String region, StepAction action, ReadinessStatus status) {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (StepAction a : StepAction.values()) {
            if (a.actuator() == actuator && a != StepAction.DATA_FENCE) {
                ReadinessStatus s = a == action ? status : ReadinessStatus.READY;
                String reason = s == ReadinessStatus.READY ? "seen fine" : "AccessDenied: cannot read hosted zone Z1";
                checks.add(new ReadinessCheck(
                        region, a, "check-" + a.name().toLowerCase().replace('_', '-'), s, reason, h.now, 3));
            }
        }
        return new ReadinessReport(
                "rr-" + ++reports,
                h.policy.applicationId(),
                h.now,
                ReadinessReport.SCHEMA_VERSION,
                actuator,
                60_000,
                checks);
    }

    /** Every actuator of the plan reports us10 READY except {@code action}, which has {@code status}. */
    private List<MrmEvent> standby(StepAction action, ReadinessStatus status) {
        List<MrmEvent> out = new ArrayList<>();
        for (Actuator actuator : List.of(Actuator.AEM, Actuator.HANA, Actuator.DNS)) {
            out.addAll(h.feed(report(actuator, "us10", action, status)));
        }
        return out;
    }

    private ManualFailoverRequest manual(List<SafetyRule> overrides) {
        return new ManualFailoverRequest(
                UUID.randomUUID().toString(),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                overrides,
                "planned maintenance");
    }

    @Test
    void anAutomaticFailoverTowardsANotReadyStandbyWaitsUntilItIsReady() {
        h.bothUp();
        standby(StepAction.DNS_ROUTE, ReadinessStatus.NOT_READY);

        List<MrmEvent> outage = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.of(outage, FailoverDecision.class)).isEmpty();
        Alert blocked = CoreHarness.one(outage, Alert.class);
        assertThat(blocked.code()).isEqualTo("TARGET_NOT_READY");
        assertThat(blocked.rule()).isEqualTo(SafetyRule.TARGET_READY);
        assertThat(blocked.message()).contains("DNS_ROUTE", "check-dns-route", "AccessDenied: cannot read hosted zone");

        // once per episode: the outage goes on, the alert is not repeated
        List<MrmEvent> more = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.alertCodes(more)).doesNotContain("TARGET_NOT_READY");
        assertThat(CoreHarness.of(more, FailoverDecision.class)).isEmpty();

        List<MrmEvent> fixed = h.feed(report(Actuator.DNS, "us10", StepAction.DNS_ROUTE, ReadinessStatus.READY));
        FailoverDecision decision = CoreHarness.one(fixed, FailoverDecision.class);
        assertThat(decision.toRegion()).isEqualTo("us10");
        assertThat(decision.reason()).contains("target us10 readiness READY");
        assertThat(CoreHarness.one(fixed, ReadinessState.class).region("us10").status())
                .isEqualTo(ReadinessStatus.READY);
    }

    @Test
    void aStaleReadyCountsAsUnknownWhichProceedsUnlessUnknownBlocks() {
        standby(StepAction.DNS_ROUTE, ReadinessStatus.READY);
        List<MrmEvent> later = h.tick(Duration.ofMinutes(6));
        ReadinessState stale = CoreHarness.one(later, ReadinessState.class);
        assertThat(stale.region("us10").status()).isEqualTo(ReadinessStatus.UNKNOWN);
        assertThat(stale.region("us10").checks()).allMatch(c -> c.reason().startsWith("stale: last checked"));

        h.bothUp();
        FailoverDecision decision = CoreHarness.one(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class);
        assertThat(decision.reason()).contains("target us10 readiness UNKNOWN", "readiness.unknown-blocks is off");
    }

    @Test
    void anActuatorWhoseClockRunsAheadCannotKeepItsChecksFreshPastTheMaxAge() {
        h.use(CoreHarness.policy().withReadiness(new ReadinessPolicy(true, Duration.ofMinutes(5), true)));
        // every check stamped an hour ahead of the engine's clock: READY "until" long after 5 minutes
        for (Actuator actuator : List.of(Actuator.AEM, Actuator.HANA, Actuator.DNS)) {
            ReadinessReport honest = report(actuator, "us10", StepAction.DNS_ROUTE, ReadinessStatus.READY);
            h.feed(new ReadinessReport(
                    honest.id(),
                    honest.applicationId(),
                    honest.time(),
                    honest.schemaVersion(),
                    honest.actuator(),
                    honest.intervalMs(),
                    honest.checks().stream()
                            .map(c -> new ReadinessCheck(
                                    c.region(),
                                    c.action(),
                                    c.check(),
                                    c.status(),
                                    c.reason(),
                                    c.checkedAt().plus(Duration.ofHours(1)),
                                    c.durationMs()))
                            .toList()));
        }
        ReadinessState stale = CoreHarness.one(h.tick(Duration.ofMinutes(6)), ReadinessState.class);
        assertThat(stale.region("us10").status()).isEqualTo(ReadinessStatus.UNKNOWN);

        h.bothUp();
        List<MrmEvent> outage = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.of(outage, FailoverDecision.class)).isEmpty();
    }

    @Test
    void aStaleReadyBlocksWhenUnknownBlocks() {
        h.use(CoreHarness.policy().withReadiness(new ReadinessPolicy(true, Duration.ofMinutes(5), true)));
        standby(StepAction.DNS_ROUTE, ReadinessStatus.READY);
        h.tick(Duration.ofMinutes(6));
        h.bothUp();

        List<MrmEvent> outage = h.report("eu10", HealthStatus.DOWN);
        assertThat(CoreHarness.of(outage, FailoverDecision.class)).isEmpty();
        assertThat(CoreHarness.one(outage, Alert.class).message()).contains("us10 is UNKNOWN", "stale");

        // a fresh READY report lets it through while the outage lasts
        assertThat(CoreHarness.of(standby(StepAction.DNS_ROUTE, ReadinessStatus.READY), FailoverDecision.class))
                .hasSize(1);
    }

    @Test
    void aStepOnTheRegionBeingLeftThatCannotRunDoesNotBlockButIsShown() {
        h.bothUp();
        List<MrmEvent> seen = standby(StepAction.DATA_DRAIN, ReadinessStatus.NOT_READY);
        ReadinessState view = CoreHarness.of(seen, ReadinessState.class).get(2);
        assertThat(view.region("us10").status()).isEqualTo(ReadinessStatus.READY);
        assertThat(view.region("us10").checks())
                .anyMatch(c -> c.action() == StepAction.DATA_DRAIN && c.status() == ReadinessStatus.NOT_READY);

        assertThat(CoreHarness.of(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .hasSize(1);
    }

    @Test
    void aManualSwitchTowardsANotReadyTargetNeedsTheOverrideWhichIsRecorded() {
        h.bothUp();
        standby(StepAction.EVENTS_SET_ACTIVE, ReadinessStatus.NOT_READY);

        RequestOutcome refused = CoreHarness.answer(h.feed(manual(List.of())));
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("us10 is NOT_READY", "EVENTS_SET_ACTIVE", "override TARGET_READY");
        assertThat(h.state.run()).isNull();

        List<MrmEvent> out = h.feed(manual(List.of(SafetyRule.TARGET_READY)));
        assertThat(CoreHarness.answer(out).accepted()).isTrue();
        assertThat(CoreHarness.one(out, FailoverDecision.class).overriddenRules())
                .containsExactly(SafetyRule.TARGET_READY);
    }

    @Test
    void anApprovedProposalIsHeldToTheRuleWhenTheStandbyStoppedBeingReady() {
        h.use(manualMode(CoreHarness.policy()));
        h.bothUp();
        standby(StepAction.DNS_ROUTE, ReadinessStatus.READY);
        FailoverDecision proposal = CoreHarness.one(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class);
        h.feed(report(Actuator.DNS, "us10", StepAction.DNS_ROUTE, ReadinessStatus.NOT_READY));

        RequestOutcome refused = CoreHarness.answer(h.feed(new io.mrm.events.operator.ApproveRequest(
                UUID.randomUUID().toString(), "orders", h.now, 1, "bob", proposal.id(), "go")));
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("us10 is NOT_READY", "DNS_ROUTE", "not executing the proposal");

        h.feed(report(Actuator.DNS, "us10", StepAction.DNS_ROUTE, ReadinessStatus.READY));
        RequestOutcome approved = CoreHarness.answer(h.feed(new io.mrm.events.operator.ApproveRequest(
                UUID.randomUUID().toString(), "orders", h.now, 1, "bob", proposal.id(), "go")));
        assertThat(approved.accepted()).as(approved.reason()).isTrue();
    }

    @Test
    void theRuleTurnedOffOnlyShowsReadiness() {
        h.use(CoreHarness.policy().withReadiness(new ReadinessPolicy(false, Duration.ofMinutes(5), false)));
        h.bothUp();
        standby(StepAction.DNS_ROUTE, ReadinessStatus.NOT_READY);
        assertThat(CoreHarness.of(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .hasSize(1);
    }

    @Test
    void theViewIsPublishedWhenItChangesNotOnEveryReport() {
        List<MrmEvent> first = standby(StepAction.DNS_ROUTE, ReadinessStatus.READY);
        // one per report while actuators are still missing, the last one READY
        assertThat(CoreHarness.of(first, ReadinessState.class)).hasSize(3);
        assertThat(CoreHarness.of(first, ReadinessState.class).get(2).missing()).isEmpty();

        h.tick(Duration.ofMinutes(1));
        assertThat(CoreHarness.of(standby(StepAction.DNS_ROUTE, ReadinessStatus.READY), ReadinessState.class))
                .as("renewed timestamps only")
                .isEmpty();
        assertThat(CoreHarness.of(standby(StepAction.DNS_ROUTE, ReadinessStatus.NOT_READY), ReadinessState.class))
                .hasSize(1);
    }

    @Test
    void anOlderReportArrivingLateDoesNotReplaceANewerOne() {
        ReadinessReport old = report(Actuator.DNS, "us10", StepAction.DNS_ROUTE, ReadinessStatus.NOT_READY);
        h.now = h.now.plusSeconds(30);
        h.feed(report(Actuator.DNS, "us10", StepAction.DNS_ROUTE, ReadinessStatus.READY));
        h.feed(old);
        assertThat(h.state.readinessReports().get(Actuator.DNS).checks())
                .allMatch(c -> c.status() == ReadinessStatus.READY);
    }

    @Test
    void replayOfAJournalWithReadinessReportsReproducesEveryOutput() {
        BacktestTest.Engine engine = new BacktestTest.Engine();
        Instant t0 = BacktestTest.T0;
        BacktestTest.report(engine, "us10", HealthStatus.UP, 2, t0);
        BacktestTest.report(engine, "eu10", HealthStatus.UP, 2, t0);
        engine.input(dnsReport("rr-1", t0.plusSeconds(1), ReadinessStatus.NOT_READY), t0.plusSeconds(1));
        for (int i = 1; i <= 3; i++) {
            BacktestTest.report(engine, "eu10", HealthStatus.DOWN, 1, t0.plusSeconds(10L * i));
        }
        assertThat(engine.outputs).noneMatch(FailoverDecision.class::isInstance);
        engine.input(dnsReport("rr-2", t0.plusSeconds(35), ReadinessStatus.READY), t0.plusSeconds(35));
        assertThat(engine.outputs)
                .filteredOn(FailoverDecision.class::isInstance)
                .hasSize(1);
        assertThat(engine.outputs).filteredOn(ReadinessState.class::isInstance).hasSize(2);

        ReplayReport replay = Backtest.replay(engine.recording(), Map.of());

        assertThat(replay.divergences()).isEmpty();
        assertThat(replay.exact()).isTrue();
        assertThat(replay.decisions()).isEqualTo(1);
    }

    private static ApplicationPolicy manualMode(ApplicationPolicy p) {
        return new ApplicationPolicy(
                p.applicationId(),
                p.primaryRegion(),
                p.standbyRegion(),
                p.healthComponents(),
                p.alertComponents(),
                p.quorum(),
                p.failureThreshold(),
                p.recoveryThreshold(),
                p.staleAfter(),
                DecisionMode.MANUAL,
                p.holdDown(),
                p.maxFailoversPerWindow(),
                p.failoverWindow(),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeout(),
                p.stepMaxAttempts(),
                p.retryBackoff(),
                p.parallelSteps(),
                p.twoPersonRule(),
                p.vantages(),
                p.maxObservationSkew(),
                p.proposalTimeout(),
                p.fenceTimeout(),
                p.fenceRetryInterval(),
                p.failoverDrainWithin(),
                p.degradedNotATarget(),
                p.maxAlertWitnesses(),
                p.failoverDrainMaxBacklogBytes(),
                p.readiness(),
                null,
                null);
    }

    private static ReadinessReport dnsReport(String id, Instant at, ReadinessStatus route) {
        return new ReadinessReport(
                id,
                "orders",
                at,
                ReadinessReport.SCHEMA_VERSION,
                Actuator.DNS,
                60_000,
                List.of(
                        new ReadinessCheck("us10", StepAction.DNS_ROUTE, "hosted-zone", route, "zone Z1", at, 4),
                        new ReadinessCheck(
                                "us10", StepAction.DNS_VERIFY, "resolver", ReadinessStatus.READY, "answers", at, 2)));
    }
}
