package io.mrm.audit;

import static io.mrm.audit.AuditFixtures.APP;
import static io.mrm.audit.AuditFixtures.at;
import static io.mrm.audit.AuditFixtures.evidence;
import static io.mrm.audit.AuditFixtures.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditTimelineTest {

    private static FailoverRun onlyRun(AuditReport report) {
        assertThat(report.applications()).hasSize(1);
        assertThat(report.applications().get(0).runs()).hasSize(1);
        return report.applications().get(0).runs().get(0);
    }

    @Test
    void automaticFailoverShowsEvidenceDetectionStartRetriesAndExactFigures() {
        FailoverRun run = onlyRun(AuditFixtures.automaticFailover().report());

        assertThat(run.decisionId()).isEqualTo("d-auto");
        assertThat(run.evidence()).extracting(e -> e.observationId()).containsExactly("o-v1-3", "o-v2-3");
        // the streak of vantage-1 began at 1 s (the UP at 0 s ended the one before): that is the detection start
        assertThat(run.detectionStart().time()).isEqualTo(at(1_000));
        assertThat(run.detectionStart().observationId()).isEqualTo("o-v1-2");
        assertThat(run.detectionStart().fromObservations()).isTrue();
        assertThat(run.detectionStart().mayBeEarlier()).isFalse();

        StepTrace route = run.steps().get(0);
        assertThat(route.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(route.retries()).isEqualTo(1);
        assertThat(route.attempts()).extracting(StepAttempt::commandId).containsExactly("c-route-1", "c-route-2");
        assertThat(route.attempts())
                .extracting(StepAttempt::ackOutcome)
                .containsExactly(AckOutcome.FAILED_RETRIABLE, AckOutcome.SUCCEEDED);
        assertThat(route.attempts().get(0).errorCode()).isEqualTo("Throttling");
        assertThat(route.attempts().get(0).durationMs()).isEqualTo(180);
        assertThat(route.attempts().get(1).sentAt()).isEqualTo(at(3_500));
        assertThat(route.finishedAt()).isEqualTo(at(3_700));
        assertThat(run.steps().get(1).outcome()).isEqualTo(StepOutcome.SUCCEEDED);

        assertThat(run.outcome()).isEqualTo(RunOutcome.FINISHED);
        assertThat(run.outcomeAt()).isEqualTo(at(4_000));
        assertThat(run.activeRegion()).isEqualTo("us10");
        assertThat(run.figures()).isEqualTo(new Figures(2_000L, null, 1_000L, 3_000L));
    }

    @Test
    void anAckOrObservationTheEngineDidNotTakeIsLeftOutAndCounted() {
        // what the engine journaled: every input but the first route ack and one observation, as when the
        // engine refused them (forged, unauthenticated): the audit holds no keys, the journal says
        AuditFixtures f = AuditFixtures.automaticFailover();
        List<AuditRecord> journal = new ArrayList<>();
        long offset = 0;
        for (AuditRecord r : f.records) {
            boolean refused = r.event() instanceof CommandAck a && a.commandId().equals("c-route-1")
                    || r.event().id().equals("o-v1-1");
            if ((r.event() instanceof CommandAck || r.event() instanceof HealthObservation) && !refused) {
                journal.add(new AuditRecord(
                        "mrm.engine.journal",
                        0,
                        offset++,
                        new EngineStep(
                                "j-" + offset,
                                r.event().applicationId(),
                                r.event().time(),
                                EngineStep.SCHEMA_VERSION,
                                new EngineStep.InputRef(r.event().id(), "t", r.topic(), r.partition(), r.offset()),
                                0)));
            }
        }
        // as the audit reads them: the journal first, then the other topics
        AuditReport report = new AuditTimeline(AuditQuery.ALL)
                .addAll(journal)
                .checkInputsAgainstJournal()
                .addAll(f.records)
                .report(at(3_600_000));
        StepTrace route = onlyRun(report).steps().get(0);

        assertThat(route.attempts().get(0).ackOutcome())
                .as("the refused ack is not shown as the answer")
                .isNull();
        assertThat(route.attempts().get(1).ackOutcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(report.notes())
                .anyMatch(n ->
                        n.contains("left out: 1 acknowledgement(s) and 1 observation(s) " + "the engine did not take"));
    }

    @Test
    void withoutAJournalInputsAreShownAsReadAndTheReportSaysSo() {
        AuditReport report = AuditFixtures.automaticFailover().report();
        assertThat(report.notes()).anyMatch(n -> n.contains("journal was not read"));
    }

    @Test
    void withoutTheObservationsTheDetectionStartComesFromTheEvidenceAndSaysSo() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        f.records.removeIf(r -> r.event() instanceof HealthObservation);

        FailoverRun run = onlyRun(f.report());

        assertThat(run.detectionStart().fromObservations()).isFalse();
        assertThat(run.detectionStart().mayBeEarlier()).isTrue();
        assertThat(run.detectionStart().time()).isEqualTo(at(2_000));
        assertThat(run.figures().rtoMs()).isEqualTo(2_000L);
    }

    @Test
    void aStreakThatBeginsWithTheFirstObservationReadMayHaveBegunEarlier() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        f.records.removeIf(
                r -> r.event().id().equals("o-v1-1") || r.event().id().equals("o-v2-1"));

        DetectionStart start = onlyRun(f.report()).detectionStart();

        assertThat(start.time()).isEqualTo(at(1_000));
        assertThat(start.mayBeEarlier()).isTrue();
    }

    @Test
    void aManualFailoverWithAFailedThenResumedStepAndASkippedStep() {
        AuditFixtures f = new AuditFixtures();
        ManualFailoverRequest ask = f.request(new ManualFailoverRequest(
                "r-1",
                APP,
                at(0),
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                List.of(SafetyRule.STANDBY_HEALTHY),
                "drill"));
        FailoverDecision d = f.decide(
                "d-man",
                100,
                2,
                DecisionKind.MANUAL_FAILOVER,
                DecisionStatus.EXECUTING,
                "drill",
                "alice",
                "r-1",
                List.of(SafetyRule.STANDBY_HEALTHY),
                List.of(),
                plan(StepAction.EVENTS_SET_ACTIVE, StepAction.DATA_PROMOTE, StepAction.DNS_ROUTE));
        f.answer(ask, 100, true, "accepted", "d-man");
        StepCommand events1 = f.command("c-ev-1", 100, d, 0, 1);
        f.ack(events1, 400, AckOutcome.FAILED_FATAL, "401", "SEMP said unauthorized", 20);
        f.alert("al-1", 400, "PLAN_PAUSED", "step 0 failed", "d-man");
        ResumeRequest resume = f.request(new ResumeRequest("r-2", APP, at(5_000), 1, "bob", "d-man", "fixed the key"));
        f.answer(resume, 5_000, true, "accepted", "d-man");
        StepCommand events2 = f.command("c-ev-2", 5_000, d, 0, 2);
        f.ack(events2, 5_300, AckOutcome.SUCCEEDED, null, "active", 40);
        StepCommand promote = f.command("c-pr-1", 5_300, d, 1, 1);
        f.ack(promote, 6_000, AckOutcome.FAILED_FATAL, null, "replication broken", 600);
        f.alert("al-2", 6_000, "PLAN_PAUSED", "step 1 failed", "d-man");
        SkipStepRequest skip =
                f.request(new SkipStepRequest("r-3", APP, at(9_000), 1, "carol", "d-man", 1, "promoted by hand"));
        f.answer(skip, 9_000, true, "accepted", "d-man");
        StepCommand route = f.command("c-dns-1", 9_000, d, 2, 1);
        f.ack(route, 9_500, AckOutcome.SUCCEEDED, null, "routed", 90);

        FailoverRun run = onlyRun(f.report());

        assertThat(run.request().operator()).isEqualTo("alice");
        assertThat(run.request().requestId()).isEqualTo("r-1");
        assertThat(run.request().reason()).isEqualTo("drill");
        assertThat(run.request().overrides()).containsExactly(SafetyRule.STANDBY_HEALTHY);
        assertThat(run.steps())
                .extracting(StepTrace::outcome)
                .containsExactly(StepOutcome.SUCCEEDED, StepOutcome.SKIPPED, StepOutcome.SUCCEEDED);
        assertThat(run.steps().get(0).retries()).isEqualTo(1);
        assertThat(run.steps().get(0).attempts())
                .extracting(StepAttempt::ackOutcome)
                .containsExactly(AckOutcome.FAILED_FATAL, AckOutcome.SUCCEEDED);
        assertThat(run.steps().get(1).note()).isEqualTo("skipped by carol: promoted by hand");
        assertThat(run.steps().get(1).finishedAt()).isEqualTo(at(9_000));
        assertThat(run.interventions()).extracting(RequestTrace::type).containsExactly("resume", "skip-step");
        assertThat(run.alerts()).extracting(AlertTrace::code).containsExactly("PLAN_PAUSED", "PLAN_PAUSED");
        assertThat(run.outcome()).isEqualTo(RunOutcome.FINISHED);
        assertThat(run.figures()).isEqualTo(new Figures(null, null, 9_400L, null));
        assertThat(run.detectionStart()).isNull();
        assertThat(f.report().applications().get(0).between()).isEmpty();
    }

    @Test
    void aFailedStepThatNobodyResumedLeavesTheRunPaused() {
        AuditFixtures f = new AuditFixtures();
        FailoverDecision d = f.decide(
                "d-p",
                0,
                1,
                DecisionKind.MANUAL_FAILOVER,
                DecisionStatus.EXECUTING,
                "drill",
                "alice",
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY));
        f.ack(f.command("c-1", 0, d, 0, 1), 300, AckOutcome.FAILED_FATAL, "NoSuchHostedZone", "zone missing", 30);
        f.alert("al-p", 300, "PLAN_PAUSED", "step 0 failed", "d-p");

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.PAUSED);
        assertThat(run.outcomeAt()).isEqualTo(at(300));
        assertThat(run.steps()).extracting(StepTrace::outcome).containsExactly(StepOutcome.FAILED, StepOutcome.NOT_RUN);
        assertThat(run.steps().get(0).note()).isEqualTo("FAILED_FATAL: zone missing");
        // the request itself was not read: the decision says who asked
        assertThat(run.request().operator()).isEqualTo("alice");
        assertThat(run.figures().switchMs()).isNull();
    }

    @Test
    void anAbortedPlanEndsAbortedWithItsUnansweredAttemptFailed() {
        AuditFixtures f = new AuditFixtures();
        FailoverDecision d = f.decide(
                "d-ab",
                0,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.EXECUTING,
                "eu10 is down",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY));
        f.command("c-ab", 0, d, 0, 1);
        AbortRequest abort = f.request(new AbortRequest("r-ab", APP, at(2_000), 1, "dave", "d-ab", "wrong region"));
        f.answer(abort, 2_100, true, "accepted", "d-ab");
        f.alert("al-ab", 2_100, "PLAN_ABORTED", "decision d-ab aborted by dave: wrong region", "d-ab");

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.ABORTED);
        assertThat(run.outcomeAt()).isEqualTo(at(2_100));
        assertThat(run.steps()).extracting(StepTrace::outcome).containsExactly(StepOutcome.FAILED, StepOutcome.NOT_RUN);
        assertThat(run.steps().get(0).note()).contains("no acknowledgement");
        assertThat(run.interventions()).extracting(RequestTrace::operator).containsExactly("dave");
        assertThat(run.figures().switchMs()).isNull();
        assertThat(run.figures().rtoMs()).isNull();
    }

    @Test
    void aPlanResumedAfterAnAbortThatLeftItSplitEndsAsItsStepsDo() {
        AuditFixtures f = new AuditFixtures();
        FailoverDecision d = f.decide(
                "d-rs",
                0,
                1,
                DecisionKind.MANUAL_FAILOVER,
                DecisionStatus.EXECUTING,
                "drill",
                "alice",
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY));
        f.command("c-1", 0, d, 0, 1);
        AbortRequest abort = f.request(new AbortRequest("r-ab", APP, at(2_000), 1, "dave", "d-rs", "wrong moment"));
        f.answer(abort, 2_000, true, "accepted", "d-rs");
        f.alert("al-dv", 2_000, "DIVERGED", "decision d-rs aborted by dave: DNS unknown", "d-rs");
        ResumeRequest resume = f.request(new ResumeRequest("r-rs", APP, at(3_000), 1, "dave", "d-rs", "finish it"));
        f.answer(resume, 3_000, true, "accepted", "d-rs");
        f.ack(f.command("c-2", 3_000, d, 0, 2), 3_200, AckOutcome.SUCCEEDED, null, "routed", 20);
        f.ack(f.command("c-3", 3_200, d, 1, 1), 3_400, AckOutcome.SUCCEEDED, null, "answers us10", 20);

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.FINISHED);
        assertThat(run.interventions()).extracting(RequestTrace::type).containsExactly("abort", "resume");
    }

    @Test
    void anApprovedProposalIsOneRunWithWhoApprovedAndTheWaitForApproval() {
        AuditFixtures f = new AuditFixtures();
        f.observe("o-1", 0, "eu10", "vantage-1", HealthStatus.UP);
        HealthObservation down = f.observe("o-2", 1_000, "eu10", "vantage-1", HealthStatus.DOWN);
        FailoverDecision proposal = f.decide(
                "d-prop",
                2_000,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.PROPOSED,
                "eu10 is down; mode MANUAL: waiting for approval",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(evidence(down)),
                plan(StepAction.DNS_ROUTE));
        ApproveRequest approve = f.request(new ApproveRequest("r-ap", APP, at(60_000), 1, "erin", "d-prop", "go"));
        FailoverDecision d = f.decide(
                "d-exec",
                60_000,
                2,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.EXECUTING,
                "approved proposal d-prop: " + proposal.reason(),
                "erin",
                "r-ap",
                List.of(),
                proposal.evidence(),
                proposal.plan());
        f.answer(approve, 60_000, true, "accepted", "d-exec");
        f.ack(f.command("c-ex", 60_000, d, 0, 1), 61_000, AckOutcome.SUCCEEDED, null, "routed", 900);

        FailoverRun run = onlyRun(f.report());

        assertThat(run.proposal().id()).isEqualTo("d-prop");
        assertThat(run.decision().id()).isEqualTo("d-exec");
        assertThat(run.verdict().type()).isEqualTo("approve");
        assertThat(run.verdict().operator()).isEqualTo("erin");
        assertThat(run.verdict().answeredAt()).isEqualTo(at(60_000));
        assertThat(run.outcome()).isEqualTo(RunOutcome.FINISHED);
        assertThat(run.figures()).isEqualTo(new Figures(1_000L, 58_000L, 1_000L, 60_000L));
    }

    @Test
    void aRejectedProposalEndsRejectedAndNothingRuns() {
        AuditFixtures f = new AuditFixtures();
        f.decide(
                "d-rej",
                0,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.PROPOSED,
                "eu10 is down",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE));
        RejectRequest reject =
                f.request(new RejectRequest("r-rej", APP, at(30_000), 1, "frank", "d-rej", "false alarm"));
        f.answer(reject, 30_000, true, "accepted", "d-rej");

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.REJECTED);
        assertThat(run.outcomeAt()).isEqualTo(at(30_000));
        assertThat(run.verdict().operator()).isEqualTo("frank");
        assertThat(run.verdict().reason()).isEqualTo("false alarm");
        assertThat(run.steps()).extracting(StepTrace::outcome).containsExactly(StepOutcome.NOT_RUN);
    }

    @Test
    void aProposalNobodyAnsweredYetAwaitsApproval() {
        AuditFixtures f = new AuditFixtures();
        f.decide(
                "d-wait",
                0,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                DecisionStatus.PROPOSED,
                "eu10 is down",
                FailoverDecision.ENGINE,
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE));

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.AWAITING_APPROVAL);
        assertThat(run.steps()).extracting(StepTrace::outcome).containsExactly(StepOutcome.PENDING);
    }

    @Test
    void requestsOutsideRunsAndRejectedOnesAreListedBetweenRunsWithTheirReason() {
        AuditFixtures f = new AuditFixtures();
        FreezeRequest freeze = f.request(new FreezeRequest("r-fr", APP, at(0), 1, "alice", "change window"));
        f.answer(freeze, 10, true, "accepted", null);
        ManualFailoverRequest bad = f.request(new ManualFailoverRequest(
                "r-bad",
                APP,
                at(1_000),
                1,
                "mallory",
                "eu10",
                FailoverMode.GRACEFUL,
                List.of(),
                "<script>alert(1)</script>"));
        f.answer(bad, 1_010, false, "eu10 is already active", null);
        f.alert("al-blk", 2_000, "SAFETY_RULE_BLOCKED", "blocked by NOT_FROZEN", null);

        ApplicationAudit app = f.report().applications().get(0);

        assertThat(app.runs()).isEmpty();
        assertThat(app.between()).hasSize(3);
        RequestTrace frozen = (RequestTrace) app.between().get(0);
        assertThat(frozen.type()).isEqualTo("freeze");
        assertThat(frozen.wasAccepted()).isTrue();
        RequestTrace rejected = (RequestTrace) app.between().get(1);
        assertThat(rejected.type()).isEqualTo("manual-failover");
        assertThat(rejected.accepted()).isFalse();
        assertThat(rejected.answer()).isEqualTo("eu10 is already active");
        assertThat(rejected.operator()).isEqualTo("mallory");
        assertThat(((AlertTrace) app.between().get(2)).code()).isEqualTo("SAFETY_RULE_BLOCKED");
    }

    @Test
    void aRunInProgressShowsItsRunningStepAndNoSwitchFigures() {
        AuditFixtures f = new AuditFixtures();
        FailoverDecision d = f.decide(
                "d-run",
                0,
                1,
                DecisionKind.MANUAL_FAILOVER,
                DecisionStatus.EXECUTING,
                "drill",
                "alice",
                null,
                List.of(),
                List.of(),
                plan(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY));
        f.command("c-run", 100, d, 0, 1);

        FailoverRun run = onlyRun(f.report());

        assertThat(run.outcome()).isEqualTo(RunOutcome.RUNNING);
        assertThat(run.outcomeAt()).isNull();
        assertThat(run.steps())
                .extracting(StepTrace::outcome)
                .containsExactly(StepOutcome.RUNNING, StepOutcome.PENDING);
        assertThat(run.steps().get(0).attempts().get(0).acknowledged()).isFalse();
        assertThat(run.figures()).isEqualTo(new Figures(null, null, null, null));
    }

    @Test
    void anAckWhoseCommandAndDecisionWereNotReadStillMakesARun() {
        AuditFixtures f = new AuditFixtures();
        StepCommand unseen =
                new DnsRouteCommand("c-gone", APP, at(0), 1, new StepRef("d-gone", 4, 0, 2, at(30_000)), "us10");
        f.add(Acks.of(unseen, AckOutcome.SUCCEEDED, null, "routed", 80, Map.of(), at(500)));

        FailoverRun run = onlyRun(f.report());

        assertThat(run.decisionId()).isEqualTo("d-gone");
        assertThat(run.decision()).isNull();
        StepTrace step = run.steps().get(0);
        assertThat(step.action()).isEqualTo(StepAction.DNS_ROUTE);
        assertThat(step.region()).isNull();
        assertThat(step.outcome()).isEqualTo(StepOutcome.SUCCEEDED);
        assertThat(step.retries()).isEqualTo(1);
        StepAttempt attempt = step.attempts().get(0);
        assertThat(attempt.commandSeen()).isFalse();
        assertThat(attempt.commandId()).isEqualTo("c-gone");
        assertThat(attempt.ackAt()).isEqualTo(at(500));
        // without the decision's plan nobody can say the plan finished
        assertThat(run.outcome()).isEqualTo(RunOutcome.RUNNING);
        assertThat(run.start()).isEqualTo(at(500));
    }

    @Test
    void aDuplicateAckOfARedeliveredCommandCountsOnce() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        AuditRecord verifyAck = f.records.get(f.records.size() - 1);
        f.records.add(new AuditRecord(verifyAck.topic(), 0, 99, verifyAck.event()));

        FailoverRun run = onlyRun(f.report());

        assertThat(run.steps().get(1).attempts()).hasSize(1);
    }

    @Test
    void theSameRecordsInAnyOrderGiveTheSameReport() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        List<AuditRecord> observations = new ArrayList<>();
        List<AuditRecord> others = new ArrayList<>();
        for (AuditRecord r : f.records) {
            (r.event() instanceof HealthObservation ? observations : others).add(r);
        }
        Collections.reverse(others);
        List<AuditRecord> shuffled = new ArrayList<>(others);
        shuffled.addAll(observations); // one vantage point's observations keep their partition order

        AuditReport again = new AuditTimeline(AuditQuery.ALL).addAll(shuffled).report(at(3_600_000));

        assertThat(again).isEqualTo(f.report());
    }

    @Test
    void theQueryKeepsOneApplicationAndATimeRange() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        f.add(new FreezeRequest("r-other", "billing", at(100), 1, "alice", "x"));

        assertThat(f.report(new AuditQuery("orders", null, null)).applications())
                .extracting(ApplicationAudit::application)
                .containsExactly("orders");
        assertThat(f.report().applications())
                .extracting(ApplicationAudit::application)
                .containsExactly("billing", "orders");
        // from 3.6 s on: the decision and the first route attempt are out of range, the run shows the rest
        FailoverRun late = onlyRun(f.report(new AuditQuery("orders", at(3_600), null)));
        assertThat(late.decision()).isNull();
        assertThat(late.steps()).extracting(StepTrace::index).containsExactly(0, 1);
        assertThat(late.steps().get(0).attempts())
                .extracting(StepAttempt::commandSeen)
                .containsExactly(false);
        // up to 3.1 s: the route's first attempt is still out
        FailoverRun early = onlyRun(f.report(new AuditQuery("orders", null, at(3_100))));
        assertThat(early.outcome()).isEqualTo(RunOutcome.RUNNING);
        assertThat(early.steps().get(0).outcome()).isEqualTo(StepOutcome.RUNNING);
    }

    @Test
    void fromAfterToIsRefused() {
        assertThatThrownBy(() -> new AuditQuery(null, at(10), at(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is after --to");
    }

    @Test
    void deadLettersAndUndecodableRecordsAreCountedNotFatal() {
        AuditFixtures f = AuditFixtures.automaticFailover();
        f.add(new io.mrm.events.deadletter.DeadLetter(
                "dl-1",
                APP,
                at(50),
                1,
                "decision-engine",
                "mrm.operator.requests",
                0,
                7,
                null,
                "",
                0,
                Map.of(),
                io.mrm.events.deadletter.DeadLetterReason.INVALID,
                "bad signature"));

        AuditReport report = new AuditTimeline(AuditQuery.ALL)
                .addAll(f.records)
                .undecodable(new Undecodable("mrm.decisions", 0, 3, "not a binary-mode CloudEvent"))
                .report(at(0));

        assertThat(report.deadLetterCount()).isEqualTo(1);
        assertThat(report.deadLetters()).containsEntry("INVALID", 1L);
        assertThat(report.applications().get(0).deadLetters()).isEqualTo(1);
        assertThat(report.undecodable()).hasSize(1);
        assertThat(report.applications().get(0).runs()).hasSize(1);
    }
}
