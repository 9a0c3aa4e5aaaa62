package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.VANTAGES;
import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.answer;
import static io.mrm.decision.domain.CoreHarness.command;
import static io.mrm.decision.domain.CoreHarness.of;
import static io.mrm.decision.domain.CoreHarness.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The scenarios a review found unsafe, each as the reviewer ran it. Every one of them failed on the
 * core as it was before these rules (see each test's comment for what it did then).
 */
class SafetyScenariosTest {

    CoreHarness h = new CoreHarness(CoreHarness.policy());

    /** Monitors keep reporting both regions up every 5 s for {@code total}. */
    void keepWatching(java.time.Duration total) {
        for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plusSeconds(5)) {
            h.tick(Duration.ofSeconds(5));
            h.report("us10", HealthStatus.UP, 1, VANTAGES);
            h.report("eu10", HealthStatus.UP, 1, VANTAGES);
        }
    }

    // ---- 1: requests on the wrong partition are refused by the engine (WrongPartitionIT) ----

    // ---- 2 ------------------------------------------------------------------------------------

    /**
     * Before: the decoder took times up to 5 min ahead and the core ordered reports by them, so two
     * monitors' UP stamped +4 min made every later, correctly stamped DOWN of the standby "older" and
     * dropped: the engine failed over into a region all three saw down.
     */
    @Test
    void scenario2_monitorStampsAheadCannotMakeLaterFailuresOfTheStandbyLookOlder() {
        h.bothUp();
        for (String vantage : List.of("vantage-1", "vantage-2")) {
            List<MrmEvent> out = h.feed(h.obs(vantage, "us10", "app", HealthStatus.UP, h.now.plusSeconds(240)));
            assertThat(h.lastRefusal).isNotNull();
            assertThat(h.lastRefusal.reason()).isEqualTo(InputRefusal.Reason.CLOCK_SKEW);
            assertThat(alertCodes(out)).containsExactly("MONITOR_CLOCK_SKEW");
        }
        h.report("us10", HealthStatus.DOWN);
        List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);

        assertThat(of(h.all, FailoverDecision.class))
                .as("no failover into a region all three see down")
                .isEmpty();
        assertThat(alertCodes(out)).contains("BOTH_REGIONS_DOWN");
    }

    /**
     * Before: a report counted as fresh from its own stamp, so monitors stamping ahead stayed "fresh"
     * after they fell silent, and BLIND came minutes late. Now a report counts from the earlier of its
     * stamp and the engine's clock.
     */
    @Test
    void scenario2_monitorsStampingAheadStillGoStaleWhenTheyFallSilent() {
        h.bothUp();
        for (String vantage : VANTAGES) {
            for (String region : List.of("eu10", "us10")) {
                h.feed(h.obs(vantage, region, "app", HealthStatus.UP, h.now.plusSeconds(4)));
                assertThat(h.lastRefusal)
                        .as("4 s ahead is within the allowed skew")
                        .isNull();
            }
        }
        List<MrmEvent> out = h.tick(Duration.ofSeconds(31));

        assertThat(alertCodes(out)).contains("BLIND");
    }

    // ---- 3 ------------------------------------------------------------------------------------

    /**
     * Before: a vantage whose latest probes of the standby failed, fewer times than the failure
     * threshold, counted as UP; when both regions started failing together the engine failed over into
     * the failing one.
     */
    @Test
    void scenario3_aStandbyFailingBelowTheThresholdIsNotAHealthyTarget() {
        h.bothUp();
        h.report("us10", HealthStatus.DOWN, 1, VANTAGES);
        List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);

        assertThat(of(h.all, FailoverDecision.class)).isEmpty();
        Alert blocked = of(out, Alert.class).stream()
                .filter(a -> a.rule() != null)
                .findFirst()
                .orElseThrow();
        assertThat(blocked.rule()).isEqualTo(SafetyRule.STANDBY_HEALTHY);
        // once us10's latest reports are up again (hysteresis never set its counters down), it is a target
        assertThat(of(h.report("us10", HealthStatus.UP, 1, VANTAGES), FailoverDecision.class))
                .hasSize(1);
    }

    // ---- 4 ------------------------------------------------------------------------------------

    @Nested
    class Scenario4AbortAfterATargetSideStep {

        /**
         * Before: an abort after DNS_ROUTE was acknowledged left the engine saying eu10 was active, at
         * the same epoch; a failback was refused as "already active" and an outage of us10, which
         * served the traffic, produced nothing.
         */
        @Test
        void abortAfterEverythingMovedFencesAndSaysTheTargetIsActive() {
            FailoverDecision decision = h.failOver();
            long epoch = h.state.epoch();
            for (StepAction action :
                    List.of(StepAction.DATA_PROMOTE, StepAction.EVENTS_SET_ACTIVE, StepAction.DNS_ROUTE)) {
                h.ack(command(h.all, action), AckOutcome.SUCCEEDED);
            }
            h.ack(command(h.all, StepAction.DATA_FENCE), AckOutcome.SUCCEEDED);
            h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
            List<MrmEvent> out = h.feed(abort(decision));

            assertThat(answer(out).accepted()).isTrue();
            assertThat(h.state.epoch()).as("abort fences with a new epoch").isGreaterThan(epoch);
            assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
            assertThat(h.state.activeRegion()).isEqualTo("us10");
            assertThat(alertCodes(out)).containsExactly("PLAN_ABORTED");
            assertThat(one(out, TopologyState.class).activeRegion()).isEqualTo("us10");
            // us10 serves now: its outage is acted on (here blocked by hold-down, and said so)
            h.report("eu10", HealthStatus.UP);
            assertThat(alertCodes(h.report("us10", HealthStatus.DOWN))).contains("SAFETY_RULE_BLOCKED");
        }

        /** A graceful switch aborted with the data promoted but DNS not yet routed: split, and said so. */
        @Test
        void abortWithDataMovedButNotDnsIsDivergedAndAnOutageOfTheServingRegionIsAlerted() {
            FailoverDecision decision = gracefulSwitchAbortedAfterThePromote();

            assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
            assertThat(h.state.activeRegion())
                    .as("traffic still goes where DNS points")
                    .isEqualTo("eu10");
            assertThat(h.published.placement().dns()).isEqualTo("eu10");
            assertThat(h.published.placement().data()).isEqualTo("us10");
            assertThat(h.published.placement().events())
                    .as("us10's broker was being set active")
                    .isNull();
            Alert diverged = of(h.all, Alert.class).stream()
                    .filter(a -> a.code().equals("DIVERGED"))
                    .findFirst()
                    .orElseThrow();
            assertThat(diverged.message())
                    .contains("DNS in eu10")
                    .contains("data in us10")
                    .contains("resume " + decision.id());
            assertThat(alertCodes(h.report("eu10", HealthStatus.DOWN))).containsExactly("OUTAGE_WHILE_DIVERGED");
            assertThat(of(h.all, FailoverDecision.class)).hasSize(1);
        }

        @Test
        void theWayOutByResumeFinishesTheSwitchUnderANewEpoch() {
            FailoverDecision decision = gracefulSwitchAbortedAfterThePromote();
            long fenced = h.state.epoch();
            List<MrmEvent> out = h.feed(new ResumeRequest("res-1", "orders", h.now, 1, "bob", decision.id(), null));

            assertThat(answer(out).accepted()).isTrue();
            assertThat(of(out, StepCommand.class))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.step().epoch()).isGreaterThan(fenced));
            h.completePlan();
            assertThat(h.state.activeRegion()).isEqualTo("us10");
            assertThat(h.state.placement()).isNull();
            assertThat(alertCodes(h.all)).contains("CONVERGED");
        }

        @Test
        void theWayOutByFailbackRunsTheWholePlanToThePrimary() {
            gracefulSwitchAbortedAfterThePromote();
            List<MrmEvent> out = h.feed(new FailbackRequest(
                    "fb-1", "orders", h.now, 1, "bob", FailoverMode.GRACEFUL, List.of(), "back to one region"));

            assertThat(answer(out).accepted()).as(answer(out).reason()).isTrue();
            FailoverDecision failback = one(out, FailoverDecision.class);
            assertThat(failback.kind()).isEqualTo(DecisionKind.FAILBACK);
            assertThat(failback.fromRegion()).isEqualTo("us10");
            assertThat(failback.toRegion()).isEqualTo("eu10");
            h.completePlan();
            assertThat(h.state.activeRegion()).isEqualTo("eu10");
            assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        }

        /**
         * Found by the property test: a manual switch away from eu10, paused and then aborted while eu10 was
         * down, was followed in the very same step by an automatic failover doing what the operator had just
         * stopped. An aborted switch of any kind suppresses the automatic one until the region recovers.
         */
        @Test
        void anAbortedManualSwitchIsNotRedoneAutomaticallyUntilTheRegionRecovers() {
            h.bothUp();
            FailoverDecision manual = one(h.feed(manualFailover("alice")), FailoverDecision.class);
            h.ack(command(h.all, StepAction.EVENTS_SET_STANDBY), AckOutcome.FAILED_FATAL);
            assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
            h.report("eu10", HealthStatus.DOWN);
            assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);

            List<MrmEvent> out = h.feed(abort(manual));
            assertThat(h.state.activeRegion()).isEqualTo("eu10");
            assertThat(of(out, FailoverDecision.class))
                    .as("no automatic redo of what was aborted")
                    .isEmpty();
            assertThat(of(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class))
                    .isEmpty();

            // once eu10 recovers, a new outage is a new episode
            h.bothUp();
            assertThat(one(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class)
                            .kind())
                    .isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
        }

        private FailoverDecision gracefulSwitchAbortedAfterThePromote() {
            h.bothUp();
            List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                    "m-1",
                    "orders",
                    h.now,
                    1,
                    "alice",
                    "us10",
                    FailoverMode.GRACEFUL,
                    List.of(),
                    "planned switchover"));
            FailoverDecision decision = one(out, FailoverDecision.class);
            for (StepAction action :
                    List.of(StepAction.EVENTS_SET_STANDBY, StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE)) {
                h.ack(command(h.all, action), AckOutcome.SUCCEEDED);
            }
            command(h.all, StepAction.EVENTS_SET_ACTIVE); // sent, not answered
            assertThat(answer(h.feed(abort(decision))).accepted()).isTrue();
            return decision;
        }
    }

    // ---- 5 ------------------------------------------------------------------------------------

    @Nested
    class Scenario5PendingProposals {

        /**
         * Before: with the two-person rule an unapproved proposal kept the application out of STEADY
         * for good; an hour later a real outage seen by all three monitors produced nothing.
         */
        @Test
        void aProposalNobodyDecidesExpiresAndALaterOutageFailsOver() {
            h.use(CoreHarness.policy().withTwoPersonRule(true));
            h.bothUp();
            RequestOutcome proposed = answer(h.feed(manualFailover("alice")));
            assertThat(proposed.reason()).startsWith("proposed");
            keepWatching(Duration.ofMinutes(31));

            assertThat(alertCodes(h.all)).contains("PROPOSAL_EXPIRED");
            assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
            keepWatching(Duration.ofMinutes(30));
            FailoverDecision automatic = one(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class);
            assertThat(automatic.kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
        }

        @Test
        void anOutageWhileAProposalWaitsSupersedesItWithAnAutomaticFailover() {
            h.use(CoreHarness.policy().withTwoPersonRule(true));
            h.bothUp();
            h.feed(manualFailover("alice"));
            keepWatching(Duration.ofMinutes(10));
            List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);

            assertThat(alertCodes(out)).contains("PROPOSAL_SUPERSEDED");
            FailoverDecision automatic = one(out, FailoverDecision.class);
            assertThat(automatic.requestedBy()).isEqualTo(FailoverDecision.ENGINE);
            assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        }

        @Test
        void inManualModeAnOutageWhileAProposalWaitsIsAlertedNotSilent() {
            ApplicationPolicy manual = CoreHarness.policy().withTwoPersonRule(true);
            h.use(new ApplicationPolicy(
                    manual.applicationId(),
                    manual.primaryRegion(),
                    manual.standbyRegion(),
                    manual.healthComponents(),
                    manual.alertComponents(),
                    manual.quorum(),
                    manual.failureThreshold(),
                    manual.recoveryThreshold(),
                    manual.staleAfter(),
                    DecisionMode.MANUAL,
                    manual.holdDown(),
                    manual.maxFailoversPerWindow(),
                    manual.failoverWindow(),
                    manual.plan(),
                    manual.reprotectPlan(),
                    manual.stepTimeout(),
                    manual.stepMaxAttempts(),
                    manual.retryBackoff(),
                    manual.parallelSteps(),
                    true,
                    manual.vantages(),
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
            h.bothUp();
            h.feed(manualFailover("alice"));
            List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);

            assertThat(alertCodes(out)).containsExactly("OUTAGE_DURING_PROPOSAL");
            assertThat(h.state.phase()).isEqualTo(Phase.PROPOSED);
        }
    }

    // ---- 6 ------------------------------------------------------------------------------------

    /**
     * Before: hold-down ran from the decision, so a plan paused for two hours, resumed and completed
     * was followed seconds later by an automatic flip back.
     */
    @Test
    void scenario6_holdDownCountsFromThePlansCompletion() {
        FailoverDecision decision = h.failOver();
        h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.FAILED_FATAL);
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        keepWatching(Duration.ofHours(2));
        h.feed(new ResumeRequest("res-1", "orders", h.now, 1, "bob", decision.id(), null));
        h.completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("us10");

        List<MrmEvent> out = h.report("us10", HealthStatus.DOWN);

        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(of(out, Alert.class)).extracting(Alert::rule).contains(SafetyRule.HOLD_DOWN);
    }

    // ---- 7 ------------------------------------------------------------------------------------

    /** Before: the same key under two ids (or ids differing only in case) met the two-person rule alone. */
    @Test
    void scenario7_oneKeyOrOneCaseFoldedIdForTwoOperatorsIsRefusedAtStartUp() throws Exception {
        String key = OperatorKeys.oneLine(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        String other = OperatorKeys.oneLine(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());

        assertThatThrownBy(() -> RequestAuthority.signed(List.of(
                        new Operator("alice", Set.of(OperatorRole.OPERATOR), key),
                        new Operator("mallory", Set.of(OperatorRole.APPROVER), key))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice and mallory have the same public key");
        assertThatThrownBy(() -> RequestAuthority.signed(List.of(
                        new Operator("alice", Set.of(OperatorRole.OPERATOR), key),
                        new Operator("Alice", Set.of(OperatorRole.APPROVER), other))))
                .hasMessageContaining("alice and Alice differ only in case");
    }

    // ---- 8 ------------------------------------------------------------------------------------

    /** Before: a FORCED manual switch with a healthy source dropped the drain and demotion unrecorded. */
    @Test
    void scenario8_aForcedSwitchAwayFromAHealthySourceNeedsBreakGlass() {
        h.bothUp();
        RequestOutcome refused = answer(h.feed(new ManualFailoverRequest(
                "m-1", "orders", h.now, 1, "alice", "us10", FailoverMode.FORCED, List.of(), "quick")));
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("SOURCE_DOWN").contains("GRACEFUL");

        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                "m-2",
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.FORCED,
                List.of(SafetyRule.SOURCE_DOWN),
                "eu10's database is corrupt"));
        assertThat(answer(out).accepted()).isTrue();
        assertThat(one(out, FailoverDecision.class).overriddenRules()).containsExactly(SafetyRule.SOURCE_DOWN);
        h.completePlan();

        RequestOutcome failback = answer(h.feed(
                new FailbackRequest("fb-1", "orders", h.now, 1, "alice", FailoverMode.FORCED, List.of(), "back")));
        assertThat(failback.accepted()).isFalse();
        assertThat(failback.reason()).contains("SOURCE_DOWN");
    }

    // ---- 9 ------------------------------------------------------------------------------------

    @Nested
    class Scenario9Epochs {

        /** Before: resume after a stale refusal re-sent the same epoch, refused forever. */
        @Test
        void resumeAfterAStaleRefusalReissuesAboveTheActuatorsFence() {
            FailoverDecision decision = h.failOver();
            List<MrmEvent> out = h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.REJECTED_STALE, 7L);
            // (eu10, the active region, is down while the plan is paused: that is alerted too)
            assertThat(alertCodes(out)).containsExactlyInAnyOrder("STALE_EPOCH", "OUTAGE_WHILE_PAUSED");
            Alert stale = of(out, Alert.class).stream()
                    .filter(a -> a.code().equals("STALE_EPOCH"))
                    .findFirst()
                    .orElseThrow();
            assertThat(stale.code()).isEqualTo("STALE_EPOCH");
            assertThat(stale.message()).contains("epoch 7");

            out = h.feed(new ResumeRequest("res-1", "orders", h.now, 1, "bob", decision.id(), null));
            StepCommand again = one(out, StepCommand.class);
            assertThat(again.step().epoch()).isEqualTo(8);
            h.ack(again, AckOutcome.SUCCEEDED);
            assertThat(h.state.run().steps().get(0).status()).isEqualTo(io.mrm.events.topology.StepStatus.SUCCEEDED);
        }

        /**
         * Before: after a reset of the engine's state the epochs restarted at 0 while the actuators
         * kept their fences, so every command was refused. The engine now restores from the topology
         * it last published, and the next failover's epoch is above every earlier one.
         */
        @Test
        void afterTheStateIsLostTheEngineRestoresFromItsTopologyAndStillFailsOver() {
            h.failOver();
            h.completePlan();
            long issued = h.state.epoch();
            TopologyState last = h.published;

            h.state = null;
            List<MrmEvent> out = h.feed(last);
            assertThat(alertCodes(out)).contains("STATE_RESTORED");
            assertThat(h.state.activeRegion()).isEqualTo("us10");
            h.feed(new AcknowledgeHoldDownRequest("ack-1", "orders", h.now, 1, "bob", "checked"));
            h.bothUp();
            FailoverDecision back = one(h.report("us10", HealthStatus.DOWN), FailoverDecision.class);

            assertThat(back.epoch()).isGreaterThan(issued);
            assertThat(back.toRegion()).isEqualTo("eu10");
        }

        /** Without even a topology to restore from, the fence an actuator reports lifts the floor. */
        @Test
        void aReportedFenceEpochIsNeverIssuedAgain() {
            FailoverDecision decision = h.failOver();
            assertThat(decision.epoch()).isEqualTo(1);
            h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.REJECTED_STALE, 41L);
            h.feed(abort(decision));

            assertThat(h.state.epoch()).isEqualTo(42);
            assertThat(h.state.highestEpochSeen()).isEqualTo(42);
        }
    }

    // ---- 10 -----------------------------------------------------------------------------------

    /** Before: with 2 of 3 monitors silent no failover was possible any more, and nothing said so. */
    @Test
    void scenario10_losingTheQuorumOfWatchingVantagesIsAlerted() {
        h.bothUp();
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.addAll(h.tick(Duration.ofSeconds(5)));
            h.report("eu10", HealthStatus.UP, 1, List.of("vantage-1"));
            h.report("us10", HealthStatus.UP, 1, List.of("vantage-1"));
        }
        assertThat(alertCodes(out)).contains("QUORUM_LOST").doesNotContain("BLIND");
        assertThat(of(out, Alert.class).stream()
                        .filter(a -> a.code().equals("QUORUM_LOST"))
                        .map(Alert::message))
                .anyMatch(m -> m.contains("eu10"))
                .anyMatch(m -> m.contains("us10"));

        List<MrmEvent> back = h.report("eu10", HealthStatus.UP, 1, VANTAGES);
        assertThat(alertCodes(back)).contains("QUORUM_RESTORED");
    }

    // ---- 11 -----------------------------------------------------------------------------------

    @Nested
    class Scenario11FencingTheRegionLeft {

        /**
         * Before: the forced plan skipped the demotion of the region it left, so its event broker
         * stayed active beside the new one (split brain of events) and its database writable.
         */
        @Test
        void aForcedFailoverFencesTheOldRegionBesideThePlanAndRetriesWhatFailedUntilItSucceeds() {
            FailoverDecision decision = h.failOver();
            assertThat(decision.plan())
                    .filteredOn(p -> Boolean.TRUE.equals(p.bestEffort()))
                    .extracting(PlanStep::action, PlanStep::region)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(StepAction.DATA_FENCE, "eu10"),
                            org.assertj.core.groups.Tuple.tuple(StepAction.EVENTS_SET_STANDBY, "eu10"));
            assertThat(decision.plan())
                    .filteredOn(p -> Boolean.TRUE.equals(p.bestEffort()))
                    .allSatisfy(p -> assertThat(p.timeoutMs()).isEqualTo(10_000));
            // eu10 is unreachable: the data fence fails, the broker's demotion is never answered
            h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.SUCCEEDED);
            h.ack(command(h.all, StepAction.DATA_FENCE), AckOutcome.FAILED_RETRIABLE);
            h.ack(command(h.all, StepAction.EVENTS_SET_ACTIVE), AckOutcome.SUCCEEDED);
            h.ack(command(h.all, StepAction.DNS_ROUTE), AckOutcome.SUCCEEDED);
            h.tick(Duration.ofSeconds(11)); // the demotion's short deadline passes: the plan goes on regardless
            h.ack(command(h.all, StepAction.DNS_VERIFY), AckOutcome.SUCCEEDED);

            assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
            assertThat(h.state.activeRegion()).isEqualTo("us10");
            assertThat(h.published.fenceDuties())
                    .extracting(FenceDuty::action)
                    .containsExactlyInAnyOrder(StepAction.DATA_FENCE, StepAction.EVENTS_SET_STANDBY);
            assertThat(alertCodes(h.all)).contains("FENCE_PENDING");

            // retried on its interval while eu10 stays down
            List<MrmEvent> retried = h.tick(Duration.ofSeconds(30));
            assertThat(of(retried, StepCommand.class))
                    .extracting(StepCommand::action)
                    .containsExactlyInAnyOrder(StepAction.DATA_FENCE, StepAction.EVENTS_SET_STANDBY);
            for (StepCommand c : of(retried, StepCommand.class)) {
                h.ack(c, AckOutcome.FAILED_RETRIABLE);
            }
            // as soon as eu10 answers again, at once, not at the next interval
            List<MrmEvent> whenBack = h.report("eu10", HealthStatus.UP);
            List<StepCommand> fences = of(whenBack, StepCommand.class);
            assertThat(fences)
                    .extracting(StepCommand::action)
                    .containsExactlyInAnyOrder(StepAction.DATA_FENCE, StepAction.EVENTS_SET_STANDBY);
            for (StepCommand c : fences) {
                h.ack(c, AckOutcome.SUCCEEDED);
            }
            assertThat(h.state.fences()).isEmpty();
            assertThat(h.published.fenceDuties()).isEmpty();
            assertThat(alertCodes(h.all)).contains("FENCE_COMPLETED");
        }

        @Test
        void aFailbackBeforeTheFenceSucceededFencesTheOldRegionFirst() {
            h.failOverLeavingBothFencesPending();
            h.feed(new AcknowledgeHoldDownRequest("ack-1", "orders", h.now, 1, "bob", "checked"));
            h.report("eu10", HealthStatus.UP); // (the fences are retried here too; leave them unanswered)

            List<MrmEvent> out = h.feed(new FailbackRequest(
                    "fb-1", "orders", h.now, 1, "bob", FailoverMode.GRACEFUL, List.of(), "eu10 is back"));
            FailoverDecision failback = one(out, FailoverDecision.class);

            assertThat(failback.plan().subList(0, 2))
                    .extracting(PlanStep::action, PlanStep::region)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(StepAction.EVENTS_SET_STANDBY, "eu10"),
                            org.assertj.core.groups.Tuple.tuple(StepAction.DATA_FENCE, "eu10"));
            assertThat(failback.plan().get(2).action()).isEqualTo(StepAction.DATA_REPROTECT);
            assertThat(h.state.fences()).as("now steps of the failback").isEmpty();
        }

        /**
         * A forced failover back to the region still owed a fence does not fence it first: it makes
         * that region primary and active, and fencing it would need the region now down.
         */
        @Test
        void aForcedFailoverBackToTheUnfencedRegionSupersedesItsFences() {
            h.failOverLeavingBothFencesPending();
            h.feed(new AcknowledgeHoldDownRequest("ack-1", "orders", h.now, 1, "bob", "checked"));
            h.report("eu10", HealthStatus.UP);

            FailoverDecision back = one(h.report("us10", HealthStatus.DOWN), FailoverDecision.class);

            assertThat(back.toRegion()).isEqualTo("eu10");
            assertThat(back.plan().get(0).action()).isEqualTo(StepAction.DATA_PROMOTE);
            assertThat(h.state.fences())
                    .as("still owed until the switch back completes")
                    .hasSize(2);
            h.completePlan();
            assertThat(h.state.activeRegion()).isEqualTo("eu10");
            assertThat(h.state.fences())
                    .as("superseded: eu10 holds both roles now")
                    .isEmpty();
            assertThat(back.plan())
                    .filteredOn(p -> Boolean.TRUE.equals(p.bestEffort()))
                    .extracting(PlanStep::region)
                    .containsOnly("us10");
        }
    }

    // ---- 12 -----------------------------------------------------------------------------------

    /** Before: counters were created for any vantage or component name: state grew without bound. */
    @Test
    void scenario12_observationsFromUndeclaredSourcesAreRefusedAndKeepNoState() {
        h.bothUp();
        int counters = h.state.counters().size();
        List<String> alerts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            alerts.addAll(alertCodes(h.feed(h.obs("intruder-" + i, "eu10", "app", HealthStatus.DOWN, h.now))));
            assertThat(h.lastRefusal.reason()).isEqualTo(InputRefusal.Reason.UNKNOWN_SOURCE);
            h.feed(h.obs("vantage-1", "eu10", "component-" + i, HealthStatus.DOWN, h.now));
            assertThat(h.lastRefusal.reason()).isEqualTo(InputRefusal.Reason.UNKNOWN_SOURCE);
            h.feed(h.obs("vantage-1", "region-" + i, "app", HealthStatus.DOWN, h.now));
            assertThat(h.lastRefusal.reason()).isEqualTo(InputRefusal.Reason.UNKNOWN_SOURCE);
        }
        assertThat(h.state.counters()).hasSize(counters);
        assertThat(alerts).as("alerted, but not once per record").containsExactly("UNKNOWN_SOURCE");
    }

    // ---- 13 -----------------------------------------------------------------------------------

    /** Decided: freeze, unfreeze and acknowledge-hold-down switch nothing, so they are taken at any time. */
    @Test
    void scenario13_whileAPlanRunsFreezeUnfreezeAndHoldDownAreTakenASwitchIsNot() {
        h.failOver();
        assertThat(answer(h.feed(new FreezeRequest("f-1", "orders", h.now, 1, "bob", "change")))
                        .accepted())
                .isTrue();
        assertThat(h.state.frozen()).isTrue();
        assertThat(h.state.phase()).as("a freeze does not stop a running plan").isEqualTo(Phase.SWITCHING);
        assertThat(answer(h.feed(new UnfreezeRequest("u-1", "orders", h.now, 1, "bob", null)))
                        .accepted())
                .isTrue();
        assertThat(answer(h.feed(new AcknowledgeHoldDownRequest("a-1", "orders", h.now, 1, "bob", "ok")))
                        .accepted())
                .isTrue();
        RequestOutcome refused = answer(h.feed(manualFailover("bob")));
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.reason()).contains("SWITCHING").contains("freeze, unfreeze and acknowledge-hold-down");
    }

    // ---- helpers ------------------------------------------------------------------------------

    ManualFailoverRequest manualFailover(String operator) {
        return new ManualFailoverRequest(
                "m-" + ++h.seq, "orders", h.now, 1, operator, "us10", FailoverMode.GRACEFUL, List.of(), "planned");
    }

    AbortRequest abort(FailoverDecision decision) {
        return new AbortRequest("ab-" + ++h.seq, "orders", h.now, 1, "bob", decision.id(), "stop");
    }
}
