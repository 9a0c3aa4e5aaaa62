package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionCoreTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2", "vantage-3");

    ApplicationPolicy policy = policy(DecisionMode.AUTOMATIC);
    DecisionCore core = new DecisionCore(Map.of("orders", policy));
    ApplicationState state;
    Instant now = T0;
    int seq;
    final List<MrmEvent> all = new ArrayList<>();

    static ApplicationPolicy policy(DecisionMode mode) {
        return new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of("hana"),
                2,
                3,
                3,
                Duration.ofSeconds(30),
                mode,
                Duration.ofHours(1),
                2,
                Duration.ofHours(24),
                List.of(StepAction.DATA_DRAIN, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY),
                List.of(StepAction.DATA_REPROTECT),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                Set.of(),
                false,
                Set.copyOf(VANTAGES),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
    }

    void usePolicy(ApplicationPolicy p) {
        policy = p;
        core = new DecisionCore(Map.of("orders", p));
    }

    List<MrmEvent> feed(MrmEvent input) {
        now = now.plusMillis(100);
        StepResult result = core.step(state, input, now);
        state = result.state();
        all.addAll(result.outputs());
        return result.outputs();
    }

    List<MrmEvent> tick(Duration later) {
        now = now.plus(later);
        StepResult result = core.tick(state, now);
        state = result.state();
        all.addAll(result.outputs());
        return result.outputs();
    }

    HealthObservation obs(String vantage, String region, String component, HealthStatus status) {
        return new HealthObservation(
                "obs-" + ++seq,
                "orders",
                now,
                1,
                region,
                component,
                ProbeKind.HTTP,
                vantage,
                status,
                3L,
                status == HealthStatus.DOWN ? "HTTP 503" : null);
    }

    /** Every vantage reports {@code status} for the region's app, {@code rounds} times. */
    List<MrmEvent> report(String region, HealthStatus status, int rounds, List<String> vantages) {
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (String vantage : vantages) {
                out.addAll(feed(obs(vantage, region, "app", status)));
            }
        }
        return out;
    }

    List<MrmEvent> report(String region, HealthStatus status) {
        return report(region, status, 3, VANTAGES);
    }

    <T> List<T> of(List<MrmEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T> T one(List<MrmEvent> events, Class<T> type) {
        List<T> found = of(events, type);
        assertThat(found).as(type.getSimpleName() + " in " + events).hasSize(1);
        return found.get(0);
    }

    /** Both regions healthy, then eu10 down: returns the first command of the forced plan. */
    StepCommand failOver() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        return one(out, StepCommand.class);
    }

    List<MrmEvent> ack(StepCommand command, AckOutcome outcome) {
        return feed(
                Acks.of(command, outcome, outcome == AckOutcome.SUCCEEDED ? null : "X", "detail", 5, Map.of(), now));
    }

    OperatorRequest request(String type, String decisionId) {
        String id = "req-" + ++seq;
        return switch (type) {
            case "freeze" -> new FreezeRequest(id, "orders", now, 1, "alice", "maintenance");
            case "unfreeze" -> new UnfreezeRequest(id, "orders", now, 1, "alice", null);
            case "ack-hold-down" -> new AcknowledgeHoldDownRequest(id, "orders", now, 1, "alice", "checked");
            case "approve" -> new ApproveRequest(id, "orders", now, 1, "bob", decisionId, null);
            case "reject" -> new RejectRequest(id, "orders", now, 1, "bob", decisionId, "false alarm");
            case "resume" -> new ResumeRequest(id, "orders", now, 1, "bob", decisionId, null);
            case "abort" -> new AbortRequest(id, "orders", now, 1, "bob", decisionId, "stop");
            default -> throw new IllegalArgumentException(type);
        };
    }

    RequestOutcome answer(List<MrmEvent> out) {
        return one(out, RequestOutcome.class);
    }

    // ---- health ---------------------------------------------------------------------------

    @Test
    void quorumOfConsecutiveFailuresDecidesAForcedFailoverThatSkipsStepsNeedingTheOldRegion() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN, 3, List.of("vantage-1", "vantage-2"));

        FailoverDecision decision = one(out, FailoverDecision.class);
        assertThat(decision.epoch()).isEqualTo(1);
        assertThat(decision.kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
        assertThat(decision.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(decision.plan())
                .extracting(p -> p.action())
                .containsExactly(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        assertThat(decision.evidence())
                .extracting(e -> e.vantage())
                .containsExactlyInAnyOrder("vantage-1", "vantage-2");
        StepCommand command = one(out, StepCommand.class);
        assertThat(command).isInstanceOf(DnsRouteCommand.class);
        assertThat(command.step().epoch()).isEqualTo(1);
        assertThat(command.step().deadline()).isEqualTo(now.plusSeconds(30));
        // the topology is published at each change of the health view too: the last one is the decision's
        List<TopologyState> topologies = of(out, TopologyState.class);
        assertThat(topologies.get(topologies.size() - 1).phase()).isEqualTo(Phase.SWITCHING);
        // More DOWN observations while switching do not decide again.
        assertThat(of(report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .isEmpty();
    }

    @Test
    void aSingleVantagePointSeeingTheRegionDownIsAPartitionNotAnOutage() {
        report("us10", HealthStatus.UP);
        for (int i = 0; i < 20; i++) {
            feed(obs("vantage-1", "eu10", "app", HealthStatus.DOWN));
            feed(obs("vantage-2", "eu10", "app", HealthStatus.UP));
            feed(obs("vantage-3", "eu10", "app", HealthStatus.UP));
        }
        assertThat(of(all, FailoverDecision.class)).isEmpty();
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void flappingEveryProbeForAThousandCyclesNeverFailsOver() {
        report("us10", HealthStatus.UP);
        for (int i = 0; i < 1000; i++) {
            report("eu10", i % 2 == 0 ? HealthStatus.DOWN : HealthStatus.UP, 1, VANTAGES);
            if (i % 50 == 0) {
                report("us10", HealthStatus.UP, 1, VANTAGES);
            }
        }
        assertThat(of(all, FailoverDecision.class)).isEmpty();
    }

    /**
     * The test policy with another hold-down and no practical cap on failovers per window, so that
     * hold-down is the only safety rule that can withhold a switch from a healthy standby.
     */
    static ApplicationPolicy flappingPolicy(Duration holdDown) {
        return new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of("hana"),
                2,
                3,
                3,
                Duration.ofSeconds(30),
                DecisionMode.AUTOMATIC,
                holdDown,
                100_000,
                Duration.ofHours(24),
                List.of(StepAction.DATA_DRAIN, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY),
                List.of(StepAction.DATA_REPROTECT),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                Set.of(),
                false,
                Set.copyOf(VANTAGES),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
    }

    /** A fresh core with {@code p} and no history, for a second run in the same test. */
    void startOver(ApplicationPolicy p) {
        usePolicy(p);
        state = null;
        now = T0;
        seq = 0;
        all.clear();
    }

    /** Acknowledges every command in {@code outputs}, and every command those answers lead to, as the actuators would. */
    void actuatorsAnswer(List<MrmEvent> outputs) {
        java.util.ArrayDeque<StepCommand> open = new java.util.ArrayDeque<>(of(outputs, StepCommand.class));
        while (!open.isEmpty()) {
            open.addAll(of(ack(open.poll(), AckOutcome.SUCCEEDED), StepCommand.class));
        }
    }

    /**
     * One flap of whichever region is active: every vantage sees it fail {@code failures} probes in a
     * row, then succeed recovery-threshold times; the standby is up throughout. Every command is answered.
     */
    void flap(int failures) {
        String active = state.activeRegion();
        String standby = state.standbyRegion();
        actuatorsAnswer(report(standby, HealthStatus.UP, policy.recoveryThreshold(), VANTAGES));
        actuatorsAnswer(report(active, HealthStatus.DOWN, failures, VANTAGES));
        actuatorsAnswer(report(active, HealthStatus.UP, policy.recoveryThreshold(), VANTAGES));
    }

    /** Flaps alternately one failure short of the threshold and exactly at it, until {@code until}; returns how many reached it. */
    int flapUntil(Instant until) {
        int outages = 0;
        for (int i = 0; now.isBefore(until); i++) {
            boolean reachesThreshold = i % 2 == 1;
            flap(reachesThreshold ? policy.failureThreshold() : policy.failureThreshold() - 1);
            outages += reachesThreshold ? 1 : 0;
        }
        return outages;
    }

    List<Alert> holdDownAlerts() {
        return of(all, Alert.class).stream()
                .filter(a -> a.rule() == SafetyRule.HOLD_DOWN)
                .toList();
    }

    @Test
    void flappingAroundTheThresholdFailsOverAtMostOncePerHoldDown() {
        Duration holdDown = Duration.ofMinutes(20);
        usePolicy(flappingPolicy(holdDown));
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);

        // Given the active region flapping around the failure threshold, each plan answered to the end
        flap(policy.failureThreshold());
        FailoverDecision first = one(all, FailoverDecision.class);
        assertThat(state.activeRegion()).as("the first plan finished").isEqualTo("us10");
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        Instant holdDownEnds = now.plus(holdDown); // the plan finished a moment ago

        // When it keeps flapping for as long as the hold-down lasts (stopping short of its end)
        int outagesDuringHoldDown = flapUntil(holdDownEnds.minus(Duration.ofSeconds(10)));

        // Then no second switch, and each outage that reached the threshold was withheld by hold-down, said so
        assertThat(outagesDuringHoldDown)
                .as("outages that reached the threshold within hold-down")
                .isGreaterThan(200);
        assertThat(of(all, FailoverDecision.class)).containsExactly(first);
        assertThat(state.activeRegion()).isEqualTo("us10");
        assertThat(holdDownAlerts())
                .as("one HOLD_DOWN alert per withheld outage")
                .hasSize(outagesDuringHoldDown)
                .allSatisfy(alert -> {
                    assertThat(alert.code()).isEqualTo("SAFETY_RULE_BLOCKED");
                    assertThat(alert.time()).isBefore(holdDownEnds);
                });
        assertThat(of(all, Alert.class))
                .filteredOn(a -> a.rule() != null)
                .as("no other rule withheld a switch")
                .allSatisfy(alert -> assertThat(alert.rule()).isEqualTo(SafetyRule.HOLD_DOWN));

        // And after the hold-down a genuine outage of the active region fails over again, and that plan finishes
        now = holdDownEnds.plusSeconds(1);
        report("eu10", HealthStatus.UP);
        report("us10", HealthStatus.UP);
        List<MrmEvent> out = report("us10", HealthStatus.DOWN);
        FailoverDecision second = one(out, FailoverDecision.class);
        assertThat(second.fromRegion()).isEqualTo("us10");
        assertThat(second.toRegion()).isEqualTo("eu10");
        assertThat(second.epoch()).isGreaterThan(first.epoch());
        actuatorsAnswer(out);
        assertThat(state.activeRegion()).isEqualTo("eu10");
        // ... which starts a hold-down of its own: the flapping that follows is withheld again
        int alertsBefore = holdDownAlerts().size();
        int outagesAfter = flapUntil(now.plus(Duration.ofMinutes(5)));
        assertThat(of(all, FailoverDecision.class)).containsExactly(first, second);
        assertThat(holdDownAlerts()).hasSize(alertsBefore + outagesAfter);

        // Control: the same flapping without hold-down switches on every outage that reaches the threshold
        startOver(flappingPolicy(Duration.ZERO));
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        int outagesWithout = flapUntil(now.plus(Duration.ofMinutes(10)));
        assertThat(outagesWithout).isGreaterThan(100);
        assertThat(of(all, FailoverDecision.class))
                .as("failovers without hold-down")
                .hasSize(outagesWithout);
        assertThat(holdDownAlerts()).isEmpty();
    }

    @Test
    void recoveryNeedsRecoveryThresholdSuccessesInARow() {
        report("eu10", HealthStatus.UP);
        report("us10", HealthStatus.DOWN);
        report("us10", HealthStatus.UP, 2, VANTAGES);
        // Two successes in a row are not enough: us10 still counts as down, so losing eu10 now is
        // "both regions down", not a reason to fail over.
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(of(out, Alert.class)).extracting(Alert::code).containsExactly("BOTH_REGIONS_DOWN");
        // The third success in a row brings us10 back, and the pending outage of eu10 is acted on.
        out = report("us10", HealthStatus.UP, 1, VANTAGES);
        assertThat(one(out, FailoverDecision.class).toRegion()).isEqualTo("us10");
    }

    @Test
    void silentMonitorsRaiseOneBlindAlertAndNoFailover() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.DOWN, 2, VANTAGES);
        List<MrmEvent> out = new ArrayList<>(tick(Duration.ofSeconds(31)));
        out.addAll(tick(Duration.ofSeconds(10)));
        assertThat(of(out, Alert.class)).extracting(Alert::code).containsExactly("BLIND");
        assertThat(of(all, FailoverDecision.class)).isEmpty();
        // A stale DOWN view followed by one more failure does not decide on old evidence.
        assertThat(of(report("eu10", HealthStatus.DOWN, 1, VANTAGES), FailoverDecision.class))
                .isEmpty();
        assertThat(of(all, Alert.class)).extracting(Alert::code).contains("SIGHT_RESTORED");
    }

    @Test
    void anEngineWorkingThroughTheBacklogLeftWhileItWasAwayRaisesNoBlindOrQuorumAlert() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        Instant away = now;
        // the engine is away 45 s (killed; its standby takes over after the session timeout) while the monitors go on
        // reporting every second; then it reads what they wrote, in order, each as it comes
        Instant processing = away.plusSeconds(45);
        List<MrmEvent> out = new ArrayList<>();
        for (int second = 1; second <= 45; second++) {
            for (String vantage : VANTAGES) {
                for (String region : List.of("us10", "eu10")) {
                    processing = processing.plusMillis(2);
                    HealthObservation taken = new HealthObservation(
                            "obs-" + ++seq,
                            "orders",
                            away.plusSeconds(second),
                            1,
                            region,
                            "app",
                            ProbeKind.HTTP,
                            vantage,
                            HealthStatus.UP,
                            3L,
                            null);
                    StepResult result = core.step(state, taken, processing);
                    state = result.state();
                    out.addAll(result.outputs());
                }
            }
        }
        assertThat(of(out, Alert.class))
                .as("the counters of observations still queued look stale, and are not")
                .extracting(Alert::code)
                .doesNotContain("BLIND", "QUORUM_LOST");
        // caught up, it judges as ever: monitors silent for longer than stale-after are a blind spot
        now = processing;
        assertThat(of(tick(Duration.ofSeconds(31)), Alert.class))
                .extracting(Alert::code)
                .contains("BLIND");
    }

    @Test
    void staleStandbyObservationsDoNotCountAsHealthy() {
        report("us10", HealthStatus.UP);
        now = now.plusSeconds(40);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        assertThat(of(out, FailoverDecision.class)).isEmpty();
        // the stale standby is also a region no quorum watches any more
        assertThat(of(out, Alert.class)).extracting(Alert::code).contains("QUORUM_LOST");
        Alert alert = one(
                of(out, Alert.class).stream()
                        .filter(a -> a.rule() != null)
                        .map(MrmEvent.class::cast)
                        .toList(),
                Alert.class);
        assertThat(alert.rule()).isEqualTo(SafetyRule.STANDBY_HEALTHY);
    }

    @Test
    void bothRegionsDownRaisesOneAlertInsteadOfFailingOver() {
        report("us10", HealthStatus.DOWN);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        out.addAll(report("eu10", HealthStatus.DOWN));
        assertThat(of(out, Alert.class)).singleElement().satisfies(alert -> {
            assertThat(alert.code()).isEqualTo("BOTH_REGIONS_DOWN");
            assertThat(alert.rule()).isEqualTo(SafetyRule.NOT_BOTH_DOWN);
        });
        assertThat(state.epoch()).isZero();
    }

    @Test
    void anAlertOnlyComponentDownRaisesAnAlertButNoFailover() {
        report("us10", HealthStatus.UP);
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (String vantage : VANTAGES) {
                out.addAll(feed(obs(vantage, "eu10", "hana", HealthStatus.DOWN)));
            }
        }
        assertThat(of(out, Alert.class)).extracting(Alert::code).containsExactly("COMPONENT_DOWN");
        assertThat(of(all, FailoverDecision.class)).isEmpty();
    }

    // ---- safety rules -----------------------------------------------------------------------

    @Test
    void frozenApplicationAlertsInsteadOfFailingOverAndUnfreezeLetsItGo() {
        List<MrmEvent> frozen = feed(request("freeze", null));
        assertThat(answer(frozen).accepted()).isTrue();
        assertThat(one(frozen, TopologyState.class).frozen()).isTrue();
        report("us10", HealthStatus.UP);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(one(out, Alert.class).rule()).isEqualTo(SafetyRule.NOT_FROZEN);

        out = feed(request("unfreeze", null));
        assertThat(one(out, FailoverDecision.class).epoch()).isEqualTo(1);
    }

    @Test
    void holdDownBlocksTheNextAutomaticFailoverUntilAcknowledged() {
        completeFailover();
        // eu10 comes back, the operator fails back, then us10 fails: still within hold-down.
        report("eu10", HealthStatus.UP);
        List<MrmEvent> out = feed(new FailbackRequest(
                "fb-1", "orders", now, 1, "alice", FailoverMode.GRACEFUL, List.of(), "eu10 is back"));
        FailoverDecision failback = one(out, FailoverDecision.class);
        assertThat(failback.kind()).isEqualTo(DecisionKind.FAILBACK);
        assertThat(failback.plan())
                .extracting(p -> p.action())
                .containsExactly(
                        StepAction.DATA_REPROTECT, StepAction.DATA_DRAIN, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        runToCompletion(one(out, StepCommand.class));
        assertThat(state.activeRegion()).isEqualTo("eu10");

        report("eu10", HealthStatus.UP);
        report("us10", HealthStatus.UP);
        out = report("eu10", HealthStatus.DOWN);
        assertThat(one(out, Alert.class).rule()).isEqualTo(SafetyRule.HOLD_DOWN);
        assertThat(of(out, FailoverDecision.class)).isEmpty();

        out = feed(request("ack-hold-down", null));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(one(out, FailoverDecision.class).epoch()).isEqualTo(3);
    }

    @Test
    void atMostNAutomaticFailoversPerWindow() {
        usePolicy(new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of(),
                2,
                3,
                3,
                Duration.ofSeconds(30),
                DecisionMode.AUTOMATIC,
                Duration.ZERO,
                1,
                Duration.ofHours(24),
                List.of(StepAction.DNS_ROUTE),
                List.of(),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                Set.of(),
                false,
                Set.copyOf(VANTAGES),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null));
        completeFailover();
        report("eu10", HealthStatus.UP);
        report("us10", HealthStatus.UP);
        List<MrmEvent> out = report("us10", HealthStatus.DOWN);
        assertThat(one(out, Alert.class).rule()).isEqualTo(SafetyRule.MAX_FAILOVERS_PER_WINDOW);
    }

    // ---- manual mode and requests -------------------------------------------------------------

    @Test
    void manualModeProposesAndExecutesOnlyOnApproval() {
        usePolicy(policy(DecisionMode.MANUAL));
        report("us10", HealthStatus.UP);
        List<MrmEvent> out = report("eu10", HealthStatus.DOWN);
        FailoverDecision proposal = one(out, FailoverDecision.class);
        assertThat(proposal.status()).isEqualTo(DecisionStatus.PROPOSED);
        assertThat(of(out, StepCommand.class)).isEmpty();
        assertThat(state.phase()).isEqualTo(Phase.PROPOSED);

        out = feed(request("approve", proposal.id()));
        assertThat(answer(out).accepted()).isTrue();
        FailoverDecision executing = one(out, FailoverDecision.class);
        assertThat(executing.status()).isEqualTo(DecisionStatus.EXECUTING);
        assertThat(executing.requestedBy()).isEqualTo("bob");
        assertThat(executing.epoch()).isGreaterThan(proposal.epoch());
        assertThat(one(out, StepCommand.class).step().epoch()).isEqualTo(executing.epoch());
    }

    @Test
    void rejectedProposalIsNotProposedAgainUntilTheRegionRecovers() {
        usePolicy(policy(DecisionMode.MANUAL));
        report("us10", HealthStatus.UP);
        FailoverDecision proposal = one(report("eu10", HealthStatus.DOWN), FailoverDecision.class);
        List<MrmEvent> out = feed(request("reject", proposal.id()));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(of(report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .isEmpty();
        report("eu10", HealthStatus.UP);
        report("us10", HealthStatus.UP);
        assertThat(of(report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .hasSize(1);
    }

    @Test
    void aProposalIsWithdrawnWhenTheRegionRecoversBeforeAnyoneApproves() {
        usePolicy(policy(DecisionMode.MANUAL));
        report("us10", HealthStatus.UP);
        FailoverDecision proposal = one(report("eu10", HealthStatus.DOWN), FailoverDecision.class);
        List<MrmEvent> out = report("eu10", HealthStatus.UP);
        assertThat(of(out, Alert.class)).extracting(Alert::code).containsExactly("PROPOSAL_WITHDRAWN");
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(answer(feed(request("approve", proposal.id()))).accepted()).isFalse();
    }

    @Test
    void aManualSwitchAlsoStartsAHoldDown() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        List<MrmEvent> out = feed(new ManualFailoverRequest(
                "m-1", "orders", now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned switchover"));
        runToCompletion(one(out, StepCommand.class));
        report("eu10", HealthStatus.UP);
        assertThat(one(report("us10", HealthStatus.DOWN), Alert.class).rule()).isEqualTo(SafetyRule.HOLD_DOWN);
    }

    @Test
    void approvingSomethingThatIsNotTheCurrentProposalIsRejected() {
        RequestOutcome outcome = answer(feed(request("approve", "no-such-decision")));
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).contains("not the current decision");
    }

    @Test
    void manualFailoverToAnUnhealthyRegionNeedsBreakGlassAndRecordsIt() {
        ManualFailoverRequest plain = new ManualFailoverRequest(
                "m-1", "orders", now, 1, "alice", "us10", FailoverMode.FORCED, List.of(), "drill");
        RequestOutcome refused = answer(feed(plain));
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("STANDBY_HEALTHY");

        ManualFailoverRequest breakGlass = new ManualFailoverRequest(
                "m-2",
                "orders",
                now,
                1,
                "alice",
                "us10",
                FailoverMode.FORCED,
                List.of(SafetyRule.STANDBY_HEALTHY, SafetyRule.SOURCE_DOWN),
                "monitors are blind, us10 is fine");
        List<MrmEvent> out = feed(breakGlass);
        assertThat(answer(out).accepted()).isTrue();
        FailoverDecision decision = one(out, FailoverDecision.class);
        assertThat(decision.kind()).isEqualTo(DecisionKind.MANUAL_FAILOVER);
        assertThat(decision.overriddenRules()).containsExactly(SafetyRule.STANDBY_HEALTHY, SafetyRule.SOURCE_DOWN);
        assertThat(decision.requestedBy()).isEqualTo("alice");
        assertThat(decision.requestId()).isEqualTo("m-2");
    }

    @Test
    void aManualFailoverWhileAPlanRunsIsRejected() {
        failOver();
        RequestOutcome outcome = answer(feed(new ManualFailoverRequest(
                "m-1", "orders", now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "again")));
        assertThat(outcome.accepted()).isFalse();
        assertThat(outcome.reason()).contains("SWITCHING");
    }

    // ---- plans -------------------------------------------------------------------------------

    @Test
    void acksAdvanceThePlanAndTheLastOneSwitchesTheActiveRegion() {
        StepCommand route = failOver();
        StepCommand verify = one(ack(route, AckOutcome.SUCCEEDED), StepCommand.class);
        assertThat(verify).isInstanceOf(DnsVerifyCommand.class);
        assertThat(verify.step().stepIndex()).isEqualTo(1);
        // A duplicate of the first ack changes nothing.
        assertThat(ack(route, AckOutcome.SUCCEEDED)).isEmpty();

        TopologyState topology = one(ack(verify, AckOutcome.SUCCEEDED), TopologyState.class);
        assertThat(topology.phase()).isEqualTo(Phase.STEADY);
        assertThat(topology.activeRegion()).isEqualTo("us10");
        assertThat(topology.standbyRegion()).isEqualTo("eu10");
        assertThat(topology.holdDownUntil()).isNotNull();
        assertThat(topology.planSteps())
                .extracting(s -> s.status())
                .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
    }

    @Test
    void retriableFailureIsRetriedAfterBackoffThenThePlanPausesAndResumeRetries() {
        StepCommand route = failOver();
        assertThat(ack(route, AckOutcome.FAILED_RETRIABLE))
                .filteredOn(StepCommand.class::isInstance)
                .isEmpty();
        assertThat(tick(Duration.ofMillis(500)))
                .filteredOn(StepCommand.class::isInstance)
                .isEmpty();
        StepCommand retry = one(tick(Duration.ofSeconds(2)), StepCommand.class);
        assertThat(retry.step().attempt()).isEqualTo(2);
        assertThat(retry.id()).isNotEqualTo(route.id());

        List<MrmEvent> out = ack(retry, AckOutcome.FAILED_RETRIABLE);
        assertThat(state.phase()).isEqualTo(Phase.PAUSED);
        // eu10, still active, is down: the pause does not silence that
        assertThat(of(out, Alert.class))
                .extracting(Alert::code)
                .containsExactlyInAnyOrder("PLAN_PAUSED", "OUTAGE_WHILE_PAUSED");
        assertThat(state.activeRegion()).isEqualTo("eu10");

        out = feed(request("resume", state.lastDecisionId()));
        assertThat(answer(out).accepted()).isTrue();
        StepCommand third = one(out, StepCommand.class);
        assertThat(third.step().attempt()).isEqualTo(3);
        ack(third, AckOutcome.SUCCEEDED);
        assertThat(state.phase()).isEqualTo(Phase.SWITCHING);
    }

    @Test
    void aStepWithoutAckBeforeItsDeadlineCountsAsAFailedAttempt() {
        failOver();
        assertThat(tick(Duration.ofSeconds(29)))
                .filteredOn(StepCommand.class::isInstance)
                .isEmpty();
        tick(Duration.ofSeconds(2));
        StepCommand retry = one(tick(Duration.ofSeconds(2)), StepCommand.class);
        assertThat(retry.step().attempt()).isEqualTo(2);
    }

    @Test
    void fatalFailurePausesAndSkipContinuesWithTheNextStep() {
        StepCommand route = failOver();
        ack(route, AckOutcome.FAILED_FATAL);
        assertThat(state.phase()).isEqualTo(Phase.PAUSED);
        List<MrmEvent> out = feed(new SkipStepRequest(
                "s-1", "orders", now, 1, "alice", state.lastDecisionId(), 0, "DNS changed by hand"));
        assertThat(answer(out).accepted()).isTrue();
        StepCommand verify = one(out, StepCommand.class);
        assertThat(verify.step().stepIndex()).isEqualTo(1);
        assertThat(state.run().steps().get(0).status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void abortAfterARouteWasAnsweredWithAFailureLeavesEverythingInTheOldRegion() {
        StepCommand route = failOver();
        ack(route, AckOutcome.FAILED_FATAL);
        List<MrmEvent> out = feed(request("abort", state.lastDecisionId()));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(one(out, Alert.class).code()).isEqualTo("PLAN_ABORTED");
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(state.epoch()).as("abort fences with a new epoch").isEqualTo(2);
        assertThat(state.activeRegion()).isEqualTo("eu10");
        // The region is still down, but the operator aborted: no new decision until it recovers.
        assertThat(of(report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                .isEmpty();
    }

    @Test
    void abortWhileTheRouteRunsIsDivergedUntilALateAnswerSaysWhereDnsIs() {
        StepCommand route = failOver();
        List<MrmEvent> out = feed(request("abort", state.lastDecisionId()));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(of(out, Alert.class)).extracting(Alert::code).contains("DIVERGED");
        assertThat(state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(state.epoch()).isEqualTo(2);
        // the answer to the aborted attempt still tells what happened: DNS did move
        out = ack(route, AckOutcome.SUCCEEDED);
        assertThat(of(out, StepCommand.class)).isEmpty();
        assertThat(of(out, Alert.class)).extracting(Alert::code).contains("CONVERGED");
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(state.activeRegion()).isEqualTo("us10");
    }

    @Test
    void ackWithAnotherEpochOrForAnotherDecisionIsIgnored() {
        StepCommand route = failOver();
        StepCommand foreign = new DnsRouteCommand(
                "other",
                "orders",
                now,
                1,
                new io.mrm.events.command.StepRef(
                        "another-decision", route.step().epoch(), 0, 1, now),
                "us10");
        assertThat(ack(foreign, AckOutcome.SUCCEEDED)).isEmpty();
        StepCommand old = new DnsRouteCommand(
                "old",
                "orders",
                now,
                1,
                new io.mrm.events.command.StepRef(
                        route.step().decisionId(), route.step().epoch() + 1, 0, 1, now),
                "us10");
        // it moves nothing, but its epoch is never issued again (and the topology says so)
        List<MrmEvent> out = ack(old, AckOutcome.SUCCEEDED);
        assertThat(out).allMatch(TopologyState.class::isInstance);
        assertThat(one(out, TopologyState.class).highestEpoch())
                .isEqualTo(route.step().epoch() + 1);
        assertThat(state.run().steps().get(0).status()).isEqualTo(StepStatus.RUNNING);
    }

    // ---- parallel steps ------------------------------------------------------------------------

    void useParallelPolicy() {
        usePolicy(new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of(),
                2,
                3,
                3,
                Duration.ofSeconds(30),
                DecisionMode.AUTOMATIC,
                Duration.ofHours(1),
                2,
                Duration.ofHours(24),
                List.of(
                        StepAction.DATA_PROMOTE,
                        StepAction.EVENTS_SET_ACTIVE,
                        StepAction.DNS_ROUTE,
                        StepAction.DNS_VERIFY),
                List.of(),
                Duration.ofSeconds(30),
                2,
                Duration.ofSeconds(2),
                Set.of(StepAction.EVENTS_SET_ACTIVE, StepAction.DNS_ROUTE),
                false,
                Set.copyOf(VANTAGES),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null));
    }

    List<StepCommand> startParallelPlan() {
        useParallelPolicy();
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        return of(report("eu10", HealthStatus.DOWN), StepCommand.class);
    }

    @Test
    void parallelStepsStartTogetherAndThePlanMovesOnWhenAllAreDone() {
        List<StepCommand> group = startParallelPlan();
        // the forced plan fences eu10's database beside it, once us10's is promoted
        FailoverDecision decision = one(all, FailoverDecision.class);
        assertThat(decision.plan())
                .extracting(p -> p.action())
                .containsExactly(
                        StepAction.DATA_PROMOTE,
                        StepAction.DATA_FENCE,
                        StepAction.EVENTS_SET_ACTIVE,
                        StepAction.DNS_ROUTE,
                        StepAction.DNS_VERIFY);
        assertThat(decision.plan()).extracting(p -> p.parallel()).containsExactly(false, false, true, true, false);
        assertThat(decision.plan()).extracting(p -> p.bestEffort()).containsExactly(false, true, false, false, false);
        assertThat(group).extracting(c -> c.step().stepIndex()).containsExactly(0, 2, 3);

        assertThat(of(ack(group.get(1), AckOutcome.SUCCEEDED), StepCommand.class))
                .isEmpty();
        StepCommand fence = one(ack(group.get(0), AckOutcome.SUCCEEDED), StepCommand.class);
        assertThat(fence.action()).isEqualTo(StepAction.DATA_FENCE);
        assertThat(((io.mrm.events.command.DataFenceCommand) fence).region()).isEqualTo("eu10");
        StepCommand verify = one(ack(group.get(2), AckOutcome.SUCCEEDED), StepCommand.class);
        assertThat(verify.step().stepIndex()).isEqualTo(4);
    }

    @Test
    void aFailureInAGroupPausesRecordsTheSiblingsAndResumeReissuesTheUnfinishedStepUnderANewEpoch() {
        List<StepCommand> group = startParallelPlan();
        ack(group.get(1), AckOutcome.FAILED_FATAL);
        assertThat(state.phase()).isEqualTo(Phase.PAUSED);
        // The siblings' answers still count while paused.
        ack(group.get(0), AckOutcome.SUCCEEDED);
        ack(group.get(2), AckOutcome.SUCCEEDED);
        assertThat(state.run().steps())
                .extracting(st -> st.status())
                .containsExactly(
                        StepStatus.SUCCEEDED,
                        StepStatus.PENDING,
                        StepStatus.FAILED,
                        StepStatus.SUCCEEDED,
                        StepStatus.PENDING);

        List<MrmEvent> out = feed(request("resume", state.lastDecisionId()));
        List<StepCommand> sent = of(out, StepCommand.class);
        assertThat(sent).extracting(c -> c.step().stepIndex()).containsExactly(2, 1);
        StepCommand again = sent.get(0);
        assertThat(again.step().attempt()).isEqualTo(2);
        assertThat(again.step().epoch()).isEqualTo(2);
        assertThat(state.epoch()).isEqualTo(2);
        assertThat(one(ack(again, AckOutcome.SUCCEEDED), StepCommand.class)
                        .step()
                        .stepIndex())
                .isEqualTo(4);
    }

    @Test
    void skippingAFailedStepWaitsForItsRunningSiblingsAndDoesNotFenceBehindASkippedPromote() {
        List<StepCommand> group = startParallelPlan();
        ack(group.get(0), AckOutcome.FAILED_FATAL);
        List<MrmEvent> out = feed(
                new SkipStepRequest("s-1", "orders", now, 1, "alice", state.lastDecisionId(), 0, "promoted by hand"));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(of(out, StepCommand.class)).isEmpty();
        assertThat(state.phase()).isEqualTo(Phase.SWITCHING);
        ack(group.get(1), AckOutcome.SUCCEEDED);
        assertThat(one(ack(group.get(2), AckOutcome.SUCCEEDED), StepCommand.class)
                        .step()
                        .stepIndex())
                .isEqualTo(4);
        assertThat(state.run().step(1).status()).isEqualTo(StepStatus.PENDING);
    }

    // ---- determinism ---------------------------------------------------------------------------

    @Test
    void replayingTheSameInputsAtTheSameTimesGivesTheSameOutputs() {
        List<MrmEvent> inputs = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        Instant t = T0;
        for (String region : List.of("us10", "eu10")) {
            for (int i = 0; i < 3; i++) {
                for (String vantage : VANTAGES) {
                    t = t.plusMillis(100);
                    inputs.add(new HealthObservation(
                            "o" + inputs.size(),
                            "orders",
                            t,
                            1,
                            region,
                            "app",
                            ProbeKind.HTTP,
                            vantage,
                            HealthStatus.UP,
                            1L,
                            null));
                    times.add(t);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            for (String vantage : VANTAGES) {
                t = t.plusMillis(100);
                inputs.add(new HealthObservation(
                        "d" + inputs.size(),
                        "orders",
                        t,
                        1,
                        "eu10",
                        "app",
                        ProbeKind.HTTP,
                        vantage,
                        HealthStatus.DOWN,
                        1L,
                        null));
                times.add(t);
            }
        }
        List<MrmEvent> first = run(inputs, times);
        List<MrmEvent> second = run(inputs, times);
        assertThat(first).isNotEmpty().isEqualTo(second);
        assertThat(of(first, FailoverDecision.class)).hasSize(1);
    }

    @Test
    void unknownApplicationIsRefused() {
        HealthObservation other = new HealthObservation(
                "x", "billing", now, 1, "eu10", "app", ProbeKind.HTTP, "vantage-1", HealthStatus.DOWN, null, null);
        assertThatThrownBy(() -> core.step(null, other, now))
                .isInstanceOf(UnknownApplicationException.class)
                .hasMessageContaining("billing");
    }

    private List<MrmEvent> run(List<MrmEvent> inputs, List<Instant> times) {
        ApplicationState s = null;
        List<MrmEvent> outputs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            StepResult result = core.step(s, inputs.get(i), times.get(i));
            s = result.state();
            outputs.addAll(result.outputs());
        }
        return outputs;
    }

    private void completeFailover() {
        runToCompletion(failOver());
        assertThat(state.activeRegion()).isEqualTo("us10");
    }

    private void runToCompletion(StepCommand first) {
        StepCommand command = first;
        while (command != null) {
            List<StepCommand> next = of(ack(command, AckOutcome.SUCCEEDED), StepCommand.class);
            command = next.isEmpty() ? null : next.get(0);
        }
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }
}
