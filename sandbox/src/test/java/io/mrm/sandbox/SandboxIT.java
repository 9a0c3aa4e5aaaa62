package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.topology.TopologyState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The README's main job, as a test: the scripted outage with every service running. */
class SandboxIT {

    @Test
    void scriptedOutageOfRegionAEndsWithAnAcknowledgedSwitchToRegionB() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Sandbox sandbox = Sandbox.start(out)) {
            Sandbox.OutageResult result = sandbox.runScriptedOutage(Duration.ofSeconds(90));

            assertThat(result.decision().fromRegion()).isEqualTo(Sandbox.REGION_A);
            assertThat(result.switched().activeRegion()).isEqualTo(Sandbox.REGION_B);
            assertThat(result.detection()).isPositive();
            assertThat(result.timeToSwitch()).isGreaterThanOrEqualTo(result.detection());
            // Evidence comes from a quorum of vantage points: one alone could be a partition, not an outage.
            assertThat(result.decision().evidence())
                    .extracting(e -> e.vantage())
                    .hasSizeGreaterThanOrEqualTo(2)
                    .doesNotHaveDuplicates()
                    .isSubsetOf(Sandbox.VANTAGES);
            assertThat(sandbox.recorder().events(FailoverDecision.class)).hasSize(1);
            // Only region-a's application tier failed: its broker and database still answer, so the automatic
            // failover took the graceful path within its bound: region-a's VPN demoted first, its database
            // drained, a graceful promote that fenced it; nothing was left behind, and the alert says so.
            assertThat(result.decision().drainWithinMs()).isEqualTo(15_000);
            assertThat(sandbox.recorder().events(io.mrm.events.command.DataPromoteCommand.class))
                    .extracting(io.mrm.events.command.DataPromoteCommand::mode)
                    .containsOnly(io.mrm.events.operator.FailoverMode.GRACEFUL);
            Awaitility.await("the path taken, alerted")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(Alert.class))
                            .filteredOn(a -> a.code().equals("FAILOVER_DRAINED"))
                            .singleElement()
                            .satisfies(a -> assertThat(a.message())
                                    .contains(
                                            "graceful path",
                                            "dataLeftBehindWalBytes=0",
                                            "old broker demoted before the new one took over")));
            assertThat(sandbox.recorder().events(Alert.class))
                    .extracting(Alert::code)
                    .doesNotContain("FAILOVER_FELL_BACK", "FAILOVER_FORCED");
            // Events switched too: region-b's VPN is the active replication site now, region-a's was demoted
            // before it (and again, best-effort, after it: the fence a forced fallback would have needed).
            assertThat(sandbox.eventBrokers().role(Sandbox.REGION_B)).isEqualTo("active");
            Awaitility.await("region-a's VPN fenced")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.eventBrokers().role(Sandbox.REGION_A))
                            .isEqualTo("standby"));
            Awaitility.await("both fences acknowledged")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(CommandAck.class))
                            .extracting(CommandAck::action)
                            .contains(
                                    StepAction.EVENTS_SET_ACTIVE,
                                    StepAction.EVENTS_SET_STANDBY,
                                    StepAction.DATA_FENCE));
            Awaitility.await("no fence left pending")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(TopologyState.class))
                            .last()
                            .satisfies(t -> assertThat(t.fenceDuties()).isEmpty()));
            assertThat(sandbox.recorder().events(CommandAck.class))
                    .extracting(CommandAck::outcome)
                    .containsOnly(AckOutcome.SUCCEEDED);
            assertThat(sandbox.recorder().events(DeadLetter.class)).isEmpty();
            // region-b was never broken.
            assertThat(sandbox.regionB().isUp()).isTrue();
            // The database moved with it: region-b's is the primary, region-a's is fenced.
            assertThat(sandbox.recorder().events(CommandAck.class))
                    .extracting(CommandAck::action)
                    .contains(StepAction.DATA_PROMOTE);
            assertThat(sandbox.appCanWrite(Sandbox.REGION_B)).isTrue();
            assertThat(sandbox.appCanWrite(Sandbox.REGION_A)).isFalse();
            // The name really moved: asked over DNS, as a resolver would, before and after.
            assertThat(result.dnsBefore()).startsWith("CNAME shop.region-a.sandbox.test. A 127.0.0.1");
            assertThat(result.dnsAfter()).startsWith("CNAME shop.region-b.sandbox.test. A 127.0.0.1");
            assertThat(sandbox.dnsAnswer()).isEqualTo(result.dnsAfter());
            assertThat(sandbox.digCommand()).matches("dig @127\\.0\\.0\\.1 -p \\d+ shop\\.sandbox\\.test");

            // Then region-a is mended, but a change freeze is on: the failback's pre-flight hook vetoes it before
            // anything changes (through the hook actuator, a signed HTTP request on loopback).
            Alert vetoed = sandbox.runVetoedFailback(Duration.ofSeconds(90));
            assertThat(vetoed.message())
                    .contains(
                            Sandbox.CHANGE_FREEZE,
                            "quarter-end close",
                            "mrmctl failback shop --override PREFLIGHT_VETO");
            assertThat(sandbox.recorder().events(TopologyState.class))
                    .last()
                    .satisfies(t -> assertThat(t.activeRegion()).isEqualTo(Sandbox.REGION_B));
            assertThat(sandbox.dnsAnswer()).startsWith("CNAME shop.region-b.sandbox.test.");
            assertThat(sandbox.appCanWrite(Sandbox.REGION_B)).isTrue();
            assertThat(sandbox.appCanWrite(Sandbox.REGION_A)).isFalse();
            assertThat(sandbox.recorder().events(CommandAck.class))
                    .filteredOn(a -> a.outcome() == AckOutcome.VETOED)
                    .singleElement()
                    .satisfies(a -> assertThat(a.action()).isEqualTo(StepAction.PREFLIGHT_HOOK));

            // The freeze is lifted and the operators fail back: alice asks, bob approves, both signed.
            TopologyState back = sandbox.runFailbackWithApproval(Duration.ofSeconds(90));
            assertThat(back.activeRegion()).isEqualTo(Sandbox.REGION_A);
            List<FailoverDecision> decisions = sandbox.recorder().events(FailoverDecision.class);
            assertThat(decisions)
                    .extracting(FailoverDecision::status)
                    .containsExactly(
                            DecisionStatus.EXECUTING,
                            DecisionStatus.PROPOSED,
                            DecisionStatus.EXECUTING,
                            DecisionStatus.PROPOSED,
                            DecisionStatus.EXECUTING);
            assertThat(decisions.get(1).requestedBy()).isEqualTo(Sandbox.ALICE);
            assertThat(decisions.get(2).requestedBy()).isEqualTo(Sandbox.BOB);
            assertThat(decisions.get(4).requestedBy()).isEqualTo(Sandbox.BOB);
            // the hook was asked before each switch, and said no only while the freeze was on
            assertThat(sandbox.preflightAsked())
                    .extracting(a -> a.from() + "->" + a.to() + " " + a.answer())
                    .containsExactly(
                            "region-a->region-b SUCCEEDED", "region-b->region-a VETO", "region-b->region-a SUCCEEDED");
            assertThat(sandbox.recorder().events(OperatorRequest.class))
                    .allSatisfy(
                            r -> assertThat(r.signature()).as("signed: %s", r).isNotNull());
            assertThat(sandbox.recorder().events(Alert.class))
                    .extracting(Alert::code)
                    .noneMatch(code -> code.startsWith("REQUEST_"));
            assertThat(sandbox.appCanWrite(Sandbox.REGION_A)).isTrue();
            assertThat(sandbox.appCanWrite(Sandbox.REGION_B)).isFalse();
            assertThat(sandbox.dnsAnswer()).startsWith("CNAME shop.region-a.sandbox.test.");
            assertThat(sandbox.recorder().events(DeadLetter.class)).isEmpty();
            // the run ends with exactly one active VPN: region-a's
            assertThat(sandbox.eventBrokers().role(Sandbox.REGION_A)).isEqualTo("active");
            assertThat(sandbox.eventBrokers().role(Sandbox.REGION_B)).isEqualTo("standby");

            // And the topics tell the story: mrmctl audit, as the sandbox's scripted run ends.
            String audit = sandbox.mrmctl(Sandbox.ALICE, Duration.ofSeconds(60), "audit", Sandbox.APP);
            assertThat(audit)
                    .contains(
                            "-- run 1: AUTOMATIC_FAILOVER region-a → region-b: FINISHED, region-b active --",
                            "FAILBACK region-b → region-a: FINISHED, region-a active --",
                            "failback requested by alice",
                            "approved by bob",
                            "two-person rule",
                            "RTO (first failing observation → switched)");

            // The journal replays exactly (or mrmctl exits 5 and this throws); a stricter policy decides
            // differently: later if the outage outlasted its 20 failures in a row (a slow machine), else never.
            String backtest = sandbox.replayAndBacktest(Duration.ofSeconds(60));
            assertThat(backtest)
                    .contains("recorded : ", "AUTOMATIC_FAILOVER region-a→region-b EXECUTING (epoch 1)")
                    .containsPattern("(?m)^\\* \\S+ +decision 1$")
                    .containsPattern("(?m)^[1-9]\\d* of \\d+ rows differ$");
        }
        String timeline = printed.toString(StandardCharsets.UTF_8);
        assertThat(timeline)
                .contains(
                        "OUTAGE",
                        "DECISION",
                        "DNS_ROUTE",
                        "SUCCEEDED",
                        "active region-b, STEADY",
                        "MENDED",
                        "mrmctl --operator bob --key bob.key approve shop",
                        "finished: region-a is active",
                        "answers with region-b",
                        "DNS: shop.sandbox.test answers CNAME shop.region-b.sandbox.test.");
    }
}
