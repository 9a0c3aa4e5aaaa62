package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.TopologyState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The other path of an automatic failover, with every service running: all of region-a goes (its
 * application, its event broker and its database), so the graceful try the failover starts with cannot
 * reach them. It falls back to forced within the policy's bound instead of pausing, region-b takes over,
 * and the decision's alerts say which path was taken and that what region-a held is unknown; the fences of
 * region-a stay owed. (The scripted outage in {@link SandboxIT} is the graceful path: there region-a's
 * broker and database still answer.)
 */
class WholeRegionOutageIT {

    @Test
    void aFailoverThatCannotReachTheRegionItLeavesFallsBackToForcedAndSaysWhatWasLeftBehind() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Sandbox sandbox = Sandbox.start(out)) {
            Sandbox.OutageResult result = sandbox.runWholeRegionOutage(Duration.ofSeconds(120));
            FailoverDecision decision = result.decision();

            assertThat(decision.fromRegion()).isEqualTo(Sandbox.REGION_A);
            assertThat(decision.drainWithinMs())
                    .as("the decision states its graceful try's bound")
                    .isEqualTo(15_000);
            assertThat(result.switched().activeRegion()).isEqualTo(Sandbox.REGION_B);

            // the completion alert is written with the switched topology, but on another topic: it may be read later
            Awaitility.await("the path taken, alerted")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(Alert.class))
                            .extracting(Alert::code)
                            .contains("FAILOVER_FELL_BACK", "FAILOVER_FORCED"));
            assertThat(sandbox.recorder().events(Alert.class))
                    .extracting(Alert::code)
                    .doesNotContain("FAILOVER_DRAINED", "PLAN_PAUSED");
            Alert forced = sandbox.recorder().events(Alert.class).stream()
                    .filter(a -> a.code().equals("FAILOVER_FORCED"))
                    .findFirst()
                    .orElseThrow();
            assertThat(forced.message())
                    .contains(
                            "forced path",
                            "its graceful try gave up",
                            "old primary NOT fenced",
                            "dataLeftBehind=unknown",
                            "old broker not demoted before the new one took over");

            // the promote that took effect was forced; the first changing step, demoting region-a's broker, was
            // skipped (the pre-flight hook, on loopback, still answered and let the switch go ahead)
            List<DataPromoteCommand> promotes = sandbox.recorder().events(DataPromoteCommand.class);
            assertThat(promotes).last().extracting(DataPromoteCommand::mode).isEqualTo(FailoverMode.FORCED);
            Awaitility.await("the forced promote's ack read")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(CommandAck.class))
                            .filteredOn(
                                    a -> a.action() == StepAction.DATA_PROMOTE && a.outcome() == AckOutcome.SUCCEEDED)
                            .singleElement()
                            .satisfies(a -> assertThat(a.detail()).contains("FORCED")));
            assertThat(result.switched().planSteps().get(0).action()).isEqualTo(StepAction.PREFLIGHT_HOOK);
            assertThat(result.switched().planSteps().get(0).detail()).contains("no change freeze");
            assertThat(result.switched().planSteps().get(1).action()).isEqualTo(StepAction.EVENTS_SET_STANDBY);
            assertThat(result.switched().planSteps().get(1).detail()).startsWith("fell back to forced");

            // region-b serves: its database takes writes, its VPN is active, the name points at it
            assertThat(sandbox.appCanWrite(Sandbox.REGION_B)).isTrue();
            assertThat(sandbox.eventBrokers().role(Sandbox.REGION_B)).isEqualTo("active");
            assertThat(result.dnsAfter()).startsWith("CNAME shop.region-b.sandbox.test.");
            // and region-a is owed its fences until it answers again
            Awaitility.await("region-a's fences owed")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(sandbox.recorder().events(TopologyState.class))
                            .last()
                            .satisfies(t -> assertThat(t.fenceDuties())
                                    .extracting(f -> f.action())
                                    .contains(StepAction.DATA_FENCE, StepAction.EVENTS_SET_STANDBY)));
            assertThat(sandbox.recorder().events(DeadLetter.class)).isEmpty();
        } finally {
            System.out.print(printed.toString(StandardCharsets.UTF_8)); // the timeline, for whoever reads the report
        }
    }
}
