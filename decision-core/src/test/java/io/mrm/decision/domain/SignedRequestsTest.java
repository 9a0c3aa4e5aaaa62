package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.RequestSignature;
import io.mrm.events.operator.RequestSigning;
import io.mrm.events.topology.Phase;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of signed requests: each kind of bad request is refused with an answer and an
 * alert and changes nothing; good ones pass; the two-person rule holds.
 */
class SignedRequestsTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final KeyPair ALICE = OperatorKeys.generate();
    static final KeyPair BOB = OperatorKeys.generate();
    static final KeyPair CAROL = OperatorKeys.generate();
    static final KeyPair VICTOR = OperatorKeys.generate();
    static final KeyPair MALLORY = OperatorKeys.generate();

    /** Kafka cluster ids: the engine under test runs in production. */
    static final String PRODUCTION = "MkU3OEVBNTcwNTJENDM2Qg";

    static final String STAGING = "q1Sh-9_ZSmKdPZ8lrfyh6w";

    static final RequestAuthority AUTHORITY = RequestAuthority.signed(List.of(
                    operator("alice", ALICE, OperatorRole.OPERATOR),
                    operator("bob", BOB, OperatorRole.APPROVER),
                    operator("carol", CAROL, OperatorRole.OPERATOR, OperatorRole.APPROVER),
                    operator("victor", VICTOR, OperatorRole.VIEWER)))
            .inCluster(PRODUCTION);

    ApplicationPolicy policy = DecisionCoreTest.policy(DecisionMode.AUTOMATIC);
    DecisionCore core = new DecisionCore(Map.of("orders", policy), AUTHORITY);
    ApplicationState state;
    Instant now = T0;
    int seq;

    static Operator operator(String id, KeyPair keys, OperatorRole... roles) {
        return new Operator(id, Set.of(roles), OperatorKeys.oneLine(keys.getPublic()));
    }

    @BeforeEach
    void bothRegionsUp() {
        for (int round = 0; round < 3; round++) {
            for (String vantage : DecisionCoreTest.VANTAGES) {
                for (String region : List.of("eu10", "us10")) {
                    feed(new HealthObservation(
                            "obs-" + ++seq,
                            "orders",
                            now,
                            1,
                            region,
                            "app",
                            ProbeKind.HTTP,
                            vantage,
                            HealthStatus.UP,
                            3L,
                            null));
                }
            }
        }
    }

    List<MrmEvent> feed(MrmEvent input) {
        now = now.plusMillis(100);
        StepResult result = core.step(state, input, now);
        state = result.state();
        return result.outputs();
    }

    FreezeRequest freeze(String operator, Instant issued) {
        return new FreezeRequest("req-" + ++seq, "orders", issued, 1, operator, "change window");
    }

    ManualFailoverRequest failover(String operator) {
        return new ManualFailoverRequest(
                "req-" + ++seq,
                "orders",
                now,
                1,
                operator,
                "us10",
                FailoverMode.GRACEFUL,
                List.of(),
                "planned switchover CHG-7");
    }

    static OperatorRequest signed(OperatorRequest request, KeyPair keys) {
        return RequestSigning.sign(request, keys.getPrivate(), PRODUCTION);
    }

    /** Asserts the request was refused with this alert code, and returns the answer's reason. */
    String refused(List<MrmEvent> outputs, String code) {
        Alert alert = outputs.stream()
                .filter(Alert.class::isInstance)
                .map(Alert.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert in " + outputs));
        assertThat(alert.code()).isEqualTo(code);
        assertThat(alert.severity()).isEqualTo(AlertSeverity.CRITICAL);
        RequestOutcome outcome = outcome(outputs);
        assertThat(outcome.accepted()).isFalse();
        assertThat(outputs).as("nothing but the alert and the answer").hasSize(2);
        return outcome.reason();
    }

    static RequestOutcome outcome(List<MrmEvent> outputs) {
        return outputs.stream()
                .filter(RequestOutcome.class::isInstance)
                .map(RequestOutcome.class::cast)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no answer in " + outputs));
    }

    @Test
    void aSignedRequestFromAnOperatorIsAccepted() {
        List<MrmEvent> out = feed(signed(freeze("alice", now), ALICE));

        assertThat(outcome(out).accepted()).isTrue();
        assertThat(state.frozen()).isTrue();
        assertThat(state.seenNonces()).hasSize(1);
    }

    @Test
    void anUnsignedRequestIsRefused() {
        String reason = refused(feed(freeze("alice", now)), "REQUEST_UNSIGNED");

        assertThat(reason).contains("unsigned");
        assertThat(state.frozen()).isFalse();
    }

    @Test
    void aRequestSignedWithAnotherKeyIsRefusedAsForged() {
        String reason = refused(feed(signed(freeze("alice", now), MALLORY)), "REQUEST_FORGED");

        assertThat(reason).contains("does not verify").contains("alice");
        assertThat(state.frozen()).isFalse();
    }

    @Test
    void aRequestAlteredAfterSigningIsRefusedAsForged() {
        ManualFailoverRequest good = (ManualFailoverRequest) signed(failover("alice"), ALICE);
        ManualFailoverRequest altered = new ManualFailoverRequest(
                good.id(),
                "orders",
                good.time(),
                1,
                "alice",
                "us10",
                FailoverMode.FORCED,
                good.overrideRules(),
                good.reason(),
                good.signature());

        refused(feed(altered), "REQUEST_FORGED");
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void anUnknownOperatorIsRefused() {
        String reason = refused(feed(signed(freeze("mallory", now), MALLORY)), "REQUEST_FORGED");

        assertThat(reason).contains("'mallory' is not a known operator");
    }

    @Test
    void aRequestOlderThanFiveMinutesIsRefusedAsExpired() {
        OperatorRequest old =
                signed(freeze("alice", now.minus(Duration.ofMinutes(5)).minusSeconds(1)), ALICE);

        String reason = refused(feed(old), "REQUEST_EXPIRED");

        assertThat(reason).contains("s old; at most 300 s");
        assertThat(state.frozen()).isFalse();
    }

    @Test
    void aRequestExactlyFiveMinutesOldIsRefused() {
        // feed() adds 100 ms to now before the step: this request is exactly max-age old when it is checked
        OperatorRequest old =
                signed(freeze("alice", now.minus(Duration.ofMinutes(5)).plusMillis(100)), ALICE);

        refused(feed(old), "REQUEST_EXPIRED");
    }

    @Test
    void aFloodFromOneOperatorDoesNotLockAnotherOut() {
        List<SeenNonce> seen = new java.util.ArrayList<>();
        for (int i = 0; i < RequestAuthority.MAX_REMEMBERED_NONCES; i++) {
            seen.add(new SeenNonce("alice", "n-" + i, now.plusSeconds(300)));
        }
        Map<String, java.security.PublicKey> keys = Map.of("alice", ALICE.getPublic(), "carol", CAROL.getPublic());

        RequestAuthority.Refusal alice = AUTHORITY.check(signed(freeze("alice", now), ALICE), now, seen, keys);
        assertThat(alice).isNotNull();
        assertThat(alice.code()).isEqualTo(AlertCode.REQUEST_FLOOD);
        assertThat(AUTHORITY.check(signed(failover("carol"), CAROL), now, seen, keys))
                .as("carol is not alice")
                .isNull();
    }

    @Test
    void aRequestJustUnderFiveMinutesOldIsAccepted() {
        // feed() adds 100 ms to now before the step
        OperatorRequest old =
                signed(freeze("alice", now.minus(Duration.ofMinutes(5)).plusMillis(101)), ALICE);

        assertThat(outcome(feed(old)).accepted()).isTrue();
    }

    @Test
    void aRequestFromTheFutureBeyondTheClockSkewIsRefused() {
        String reason = refused(feed(signed(freeze("alice", now.plusSeconds(60)), ALICE)), "REQUEST_EXPIRED");

        assertThat(reason).contains("in the future");
    }

    @Test
    void theSameSignedRequestTwiceIsRefusedTheSecondTimeAsReplayed() {
        OperatorRequest once = signed(freeze("alice", now), ALICE);
        assertThat(outcome(feed(once)).accepted()).isTrue();

        String reason = refused(feed(once), "REQUEST_REPLAYED");

        assertThat(reason).contains("already used");
    }

    @Test
    void aReplayedNonceIsRefusedEvenInADifferentRequest() {
        OperatorRequest first = signed(freeze("alice", now), ALICE);
        feed(first);
        OperatorRequest second = RequestSigning.sign(
                freeze("alice", now),
                ALICE.getPrivate(),
                PRODUCTION,
                first.signature().nonce());

        refused(feed(second), "REQUEST_REPLAYED");
    }

    @Test
    void noncesAreForgottenOnceTheirRequestsCouldNoLongerBeAccepted() {
        OperatorRequest first = signed(freeze("alice", now), ALICE);
        feed(first);
        now = now.plus(Duration.ofMinutes(5));
        OperatorRequest within = signed(
                new io.mrm.events.operator.UnfreezeRequest("req-w", "orders", now.plusMillis(100), 1, "alice", null),
                ALICE);
        feed(within);
        assertThat(state.seenNonces())
                .as("kept for max-age plus the allowed skew")
                .extracting(SeenNonce::nonce)
                .contains(first.signature().nonce());
        now = now.plus(AUTHORITY.maxClockSkew());

        OperatorRequest second = signed(
                new io.mrm.events.operator.UnfreezeRequest("req-x", "orders", now.plusMillis(100), 1, "alice", null),
                ALICE);
        feed(second);

        assertThat(state.seenNonces())
                .extracting(SeenNonce::nonce)
                .doesNotContain(first.signature().nonce())
                .contains(second.signature().nonce());
        // and the forgotten one could not come back: it is expired by now
        refused(feed(first), "REQUEST_EXPIRED");
    }

    @Test
    void aViewerMayNotAskAnything() {
        String reason = refused(feed(signed(freeze("victor", now), VICTOR)), "REQUEST_NOT_PERMITTED");

        assertThat(reason).contains("'victor' has roles [viewer]").contains("needs one of [operator]");
    }

    @Test
    void anApproverWithoutTheOperatorRoleMayNotFailOver() {
        refused(feed(signed(failover("bob"), BOB)), "REQUEST_NOT_PERMITTED");

        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }

    io.mrm.events.operator.DrillRequest drill(String operator) {
        return new io.mrm.events.operator.DrillRequest(
                "req-" + ++seq, "orders", now, 1, operator, null, FailoverMode.GRACEFUL, "quarterly drill");
    }

    @Test
    void aDrillIsAuthorisedLikeAFailoverAndUnderTheTwoPersonRuleAnotherApproverStartsIt() {
        refused(feed(signed(drill("bob"), BOB)), "REQUEST_NOT_PERMITTED");
        assertThat(state.drill()).isNull();

        core = new DecisionCore(Map.of("orders", policy.withTwoPersonRule(true)), AUTHORITY);
        FailoverDecision proposal = one(feed(signed(drill("carol"), CAROL)), FailoverDecision.class);
        assertThat(proposal.status()).isEqualTo(io.mrm.events.decision.DecisionStatus.PROPOSED);

        List<MrmEvent> approved =
                feed(signed(new ApproveRequest("req-b", "orders", now, 1, "bob", proposal.id(), null), BOB));
        assertThat(outcome(approved).accepted()).isTrue();
        assertThat(one(approved, FailoverDecision.class).kind()).isEqualTo(io.mrm.events.decision.DecisionKind.DRILL);
        assertThat(state.drill().status()).isEqualTo(DrillRun.Status.RUNNING);
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void anOperatorWithoutTheApproverRoleMayNotApprove() {
        core = new DecisionCore(Map.of("orders", policy.withTwoPersonRule(true)), AUTHORITY);
        FailoverDecision proposal = one(feed(signed(failover("carol"), CAROL)), FailoverDecision.class);

        String reason = refused(
                feed(signed(new ApproveRequest("req-a", "orders", now, 1, "alice", proposal.id(), null), ALICE)),
                "REQUEST_NOT_PERMITTED");

        assertThat(reason).contains("needs one of [approver]");
        assertThat(state.phase()).isEqualTo(Phase.PROPOSED);
    }

    @Test
    void underTheTwoPersonRuleAManualFailoverIsProposedAndTheRequesterCannotApproveIt() {
        core = new DecisionCore(Map.of("orders", policy.withTwoPersonRule(true)), AUTHORITY);

        List<MrmEvent> asked = feed(signed(failover("carol"), CAROL));
        FailoverDecision proposal = one(asked, FailoverDecision.class);
        assertThat(proposal.status()).isEqualTo(DecisionStatus.PROPOSED);
        assertThat(proposal.kind()).isEqualTo(DecisionKind.MANUAL_FAILOVER);
        assertThat(proposal.requestedBy()).isEqualTo("carol");
        assertThat(of(asked, StepCommand.class))
                .as("nothing runs before approval")
                .isEmpty();
        assertThat(outcome(asked).reason()).contains("proposed").contains("mrmctl approve orders " + proposal.id());

        List<MrmEvent> self = feed(
                signed(new ApproveRequest("req-s", "orders", now, 1, "carol", proposal.id(), "looks fine"), CAROL));
        assertThat(outcome(self).accepted()).isFalse();
        assertThat(outcome(self).reason()).contains("two-person rule: carol asked for this MANUAL_FAILOVER");
        assertThat(state.phase()).isEqualTo(Phase.PROPOSED);

        List<MrmEvent> approved = feed(signed(
                new ApproveRequest("req-b", "orders", now, 1, "bob", proposal.id(), "checked with the app team"), BOB));
        assertThat(outcome(approved).accepted()).isTrue();
        FailoverDecision executing = one(approved, FailoverDecision.class);
        assertThat(executing.status()).isEqualTo(DecisionStatus.EXECUTING);
        assertThat(executing.toRegion()).isEqualTo("us10");
        assertThat(executing.plan())
                .extracting(p -> p.action())
                .containsExactly(StepAction.DATA_DRAIN, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        assertThat(executing.reason())
                .contains("approved by bob")
                .contains("asked by carol")
                .contains("planned switchover CHG-7");
        assertThat(of(approved, StepCommand.class)).hasSize(1);
        assertThat(state.phase()).isEqualTo(Phase.SWITCHING);
    }

    @Test
    void aManualProposalIsNotWithdrawnBecauseTheActiveRegionIsUp() {
        core = new DecisionCore(Map.of("orders", policy.withTwoPersonRule(true)), AUTHORITY);
        feed(signed(failover("carol"), CAROL));

        feed(new HealthObservation(
                "obs-late", "orders", now, 1, "eu10", "app", ProbeKind.HTTP, "vantage-1", HealthStatus.UP, 3L, null));

        assertThat(state.phase()).isEqualTo(Phase.PROPOSED);
    }

    @Test
    void underTheTwoPersonRuleAFailbackIsProposedTooAndAnOperatorMayRejectAProposal() {
        core = new DecisionCore(Map.of("orders", policy.withTwoPersonRule(true)), AUTHORITY);
        FailoverDecision first = one(feed(signed(failover("carol"), CAROL)), FailoverDecision.class);
        feed(signed(new RejectRequest("req-r", "orders", now, 1, "alice", first.id(), "not now"), ALICE));
        assertThat(state.phase()).isEqualTo(Phase.STEADY);

        // a failback from the primary is refused as such
        List<MrmEvent> fromPrimary = feed(signed(
                new FailbackRequest("req-f0", "orders", now, 1, "carol", FailoverMode.GRACEFUL, List.of(), "back home"),
                CAROL));
        assertThat(outcome(fromPrimary).reason()).contains("already active");

        // switch to us10 with two people, every step acknowledged
        FailoverDecision second = one(feed(signed(failover("carol"), CAROL)), FailoverDecision.class);
        ackEveryStep(feed(signed(new ApproveRequest("req-a2", "orders", now, 1, "bob", second.id(), null), BOB)));
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(state.activeRegion()).isEqualTo("us10");

        // then the failback is a proposal too, re-protect first, and its asker cannot approve it
        FailoverDecision proposal = one(
                feed(signed(
                        new FailbackRequest(
                                "req-f1", "orders", now, 1, "carol", FailoverMode.GRACEFUL, List.of(), "eu10 is back"),
                        CAROL)),
                FailoverDecision.class);
        assertThat(proposal.kind()).isEqualTo(DecisionKind.FAILBACK);
        assertThat(proposal.status()).isEqualTo(DecisionStatus.PROPOSED);
        assertThat(proposal.plan().get(0).action()).isEqualTo(StepAction.DATA_REPROTECT);
        List<MrmEvent> self =
                feed(signed(new ApproveRequest("req-s", "orders", now, 1, "carol", proposal.id(), null), CAROL));
        assertThat(outcome(self).reason()).contains("two-person rule: carol asked for this FAILBACK");

        List<MrmEvent> approved =
                feed(signed(new ApproveRequest("req-b", "orders", now, 1, "bob", proposal.id(), null), BOB));
        FailoverDecision failback = one(approved, FailoverDecision.class);
        assertThat(failback.status()).isEqualTo(DecisionStatus.EXECUTING);
        assertThat(failback.toRegion()).isEqualTo("eu10");
        assertThat(failback.reason()).endsWith("(request req-f1): eu10 is back");
    }

    /** Acknowledges each step command as it comes until the plan sends no more. */
    private void ackEveryStep(List<MrmEvent> outputs) {
        List<StepCommand> commands = of(outputs, StepCommand.class);
        while (!commands.isEmpty()) {
            List<MrmEvent> next = new ArrayList<>();
            for (StepCommand command : commands) {
                next.addAll(feed(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 5, Map.of(), now)));
            }
            commands = of(next, StepCommand.class);
        }
    }

    @Test
    void withoutTheTwoPersonRuleAManualFailoverExecutesAtOnce() {
        List<MrmEvent> out = feed(signed(failover("alice"), ALICE));

        assertThat(one(out, FailoverDecision.class).status()).isEqualTo(DecisionStatus.EXECUTING);
        assertThat(of(out, StepCommand.class)).hasSize(1);
    }

    @Test
    void whenSignaturesAreNotRequiredUnsignedRequestsPassButABadSignatureIsStillRefused() {
        core = new DecisionCore(
                Map.of("orders", policy), RequestAuthority.unsignedAccepted().inCluster(PRODUCTION));

        assertThat(outcome(feed(freeze("anyone", now))).accepted()).isTrue();
        refused(feed(signed(freeze("alice", now), MALLORY)), "REQUEST_FORGED");
    }

    /**
     * Alice, a production operator too, signs a freeze against staging; whoever can write production's
     * requests topic copies the record there. The signature is hers and genuine, but it names staging's
     * cluster and covers it: production refuses it, says which environment it was meant for, and forgets it.
     */
    @Test
    void aStagingRequestDoesNotReplayInProduction() {
        OperatorRequest forStaging = RequestSigning.sign(freeze("alice", now), ALICE.getPrivate(), STAGING);
        ApplicationState before = state;

        String reason = refused(feed(forStaging), "REQUEST_WRONG_ENVIRONMENT");

        assertThat(reason)
                .contains("signed for Kafka cluster " + STAGING)
                .contains("this engine runs on cluster " + PRODUCTION);
        assertThat(state.frozen()).isFalse();
        assertThat(state.seenNonces()).isEqualTo(before.seenNonces());
    }

    @Test
    void aStagingRequestRelabelledForProductionIsForged() {
        OperatorRequest forStaging = RequestSigning.sign(freeze("alice", now), ALICE.getPrivate(), STAGING);
        RequestSignature sig = forStaging.signature();

        String reason = refused(
                feed(forStaging.withSignature(
                        new RequestSignature(sig.algorithm(), sig.nonce(), sig.value(), PRODUCTION))),
                "REQUEST_FORGED");

        assertThat(reason).contains("does not verify");
    }

    @Test
    void aForgedRequestClaimingAnotherEnvironmentIsForgedNotMisplaced() {
        // mallory's key, alice's name, staging's cluster: no refusal may suggest it was alice's
        refused(feed(RequestSigning.sign(freeze("alice", now), MALLORY.getPrivate(), STAGING)), "REQUEST_FORGED");
    }

    @Test
    void aRequestSignedInTheFirstFormIsRefusedAsBoundToNoEnvironment() {
        OperatorRequest firstForm =
                RequestSigning.signFirstForm(freeze("alice", now), ALICE.getPrivate(), RequestSigning.newNonce());

        String reason = refused(feed(firstForm), "REQUEST_WRONG_ENVIRONMENT");

        assertThat(reason).contains("mrm-operator-request-v1").contains("sign it again with a current mrmctl");
        assertThat(state.frozen()).isFalse();
    }

    /**
     * A journal replays without the live cluster: the engine's policy record carries the cluster id it
     * checked against, and the authority read back from it accepts and refuses what the engine did.
     */
    @Test
    void theRecordedPolicyCarriesTheClusterSoAReplayVerifiesAsTheEngineDid() throws Exception {
        io.mrm.events.journal.PolicyRecord recorded =
                io.mrm.decision.policy.PolicyRecords.of("p:1", now, policy, AUTHORITY);
        io.mrm.events.journal.PolicyRecord read = io.mrm.events.codec.EventJson.read(
                io.mrm.events.codec.EventJson.write(recorded), io.mrm.events.journal.PolicyRecord.class);
        RequestAuthority replayed = io.mrm.decision.policy.PolicyRecords.authority(read);
        core = new DecisionCore(Map.of("orders", policy), replayed);

        assertThat(read.authority().clusterId()).isEqualTo(PRODUCTION);
        assertThat(read.fingerprintMatches()).isTrue();
        assertThat(replayed).isEqualTo(AUTHORITY);
        assertThat(outcome(feed(signed(freeze("alice", now), ALICE))).accepted())
                .isTrue();
        refused(
                feed(RequestSigning.sign(freeze("alice", now), ALICE.getPrivate(), STAGING)),
                "REQUEST_WRONG_ENVIRONMENT");
    }

    /** An engine that recorded no cluster took the first form; replaying its journal must decide as it did. */
    @Test
    void aJournalOfAnEngineThatRecordedNoClusterReplaysItsFirstFormRequestsAsItRan() {
        core = new DecisionCore(Map.of("orders", policy), RequestAuthority.signed(AUTHORITY.operators()));

        assertThat(outcome(feed(RequestSigning.signFirstForm(
                                freeze("alice", now), ALICE.getPrivate(), RequestSigning.newNonce())))
                        .accepted())
                .isTrue();
        refused(feed(signed(freeze("alice", now), ALICE)), "REQUEST_FORGED");
    }

    @Test
    void theClusterIdIsCheckedLikeAnyOtherSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AUTHORITY.inCluster("prod\nstaging"))
                .hasMessageContaining("is not a Kafka cluster id");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AUTHORITY.inCluster(null))
                .hasMessageContaining("a cluster id is required");
    }

    @Test
    void aRefusedRequestLeavesTheStateAsItWasButForTheOutputSequence() {
        ApplicationState before = state;

        feed(new FreezeRequest(
                "req-u",
                "orders",
                now,
                1,
                "alice",
                "no signature",
                new RequestSignature(
                        "Ed25519",
                        "AAAAAAAAAAAAAAAAAAAAAA",
                        java.util.Base64.getEncoder().encodeToString(new byte[64]))));

        assertThat(state.frozen()).isEqualTo(before.frozen());
        assertThat(state.counters()).isEqualTo(before.counters());
        assertThat(state.seenNonces()).isEqualTo(before.seenNonces());
        assertThat(state.outputSeq()).isEqualTo(before.outputSeq() + 2);
    }

    static <T> List<T> of(List<MrmEvent> events, Class<T> type) {
        List<T> found = new ArrayList<>();
        events.stream().filter(type::isInstance).map(type::cast).forEach(found::add);
        return found;
    }

    static <T> T one(List<MrmEvent> events, Class<T> type) {
        List<T> found = of(events, type);
        assertThat(found).as(type.getSimpleName() + " in " + events).hasSize(1);
        return found.get(0);
    }
}
