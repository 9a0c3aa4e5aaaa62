package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.topology.TopologyState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A drill through every real service of the sandbox (engine, DNS actuator on the sandbox's DNS server,
 * hana-sync on two PostgreSQL servers, aem-sync on the SEMP fakes), then the real outage: the drill checks
 * every step and changes nothing — no epoch, no DNS answer, no role — and the real failover after it runs
 * as it would have without it.
 */
class SandboxDrillIT {

    static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void aDrillChecksEveryStepThroughTheRealActuatorsAndChangesNothing() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Sandbox sandbox = Sandbox.start(out)) {
            sandbox.awaitStandbyReady(TIMEOUT);
            String dnsBefore = sandbox.dnsAnswer();

            Alert ended = sandbox.runDrill(TIMEOUT);

            assertThat(ended.code()).as(ended.message()).isEqualTo("DRILL_COMPLETED");
            assertThat(ended.message()).contains("predicted RTO");
            FailoverDecision drill = sandbox.recorder().events(FailoverDecision.class).stream()
                    .filter(d -> d.kind() == DecisionKind.DRILL && d.id().equals(ended.decisionId()))
                    .findFirst()
                    .orElseThrow();
            List<StepCommand> commands = sandbox.recorder().events(StepCommand.class).stream()
                    .filter(c -> c.step().decisionId().equals(drill.id()))
                    .toList();
            assertThat(commands).hasSizeGreaterThanOrEqualTo(drill.plan().size() - 2);
            assertThat(commands)
                    .allSatisfy(c -> assertThat(c.step().rehearsing()).isTrue());
            List<CommandAck> acks = sandbox.recorder().events(CommandAck.class).stream()
                    .filter(a -> a.step().decisionId().equals(drill.id()))
                    .toList();
            assertThat(acks).isNotEmpty().allSatisfy(a -> {
                assertThat(a.outcome()).as(a.detail()).isEqualTo(AckOutcome.SUCCEEDED);
                assertThat(a.detail()).startsWith("would ");
                assertThat(a.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
            });
            // nothing moved: DNS answers as before, region-a is active at epoch 0
            assertThat(sandbox.dnsAnswer()).isEqualTo(dnsBefore);
            TopologyState last = sandbox.recorder().events(TopologyState.class).stream()
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(last.activeRegion()).isEqualTo(Sandbox.REGION_A);
            assertThat(last.epoch()).isZero();

            // the real outage afterwards fails over as ever, under an epoch of its own
            Sandbox.OutageResult result = sandbox.runScriptedOutage(TIMEOUT);
            assertThat(result.switched().activeRegion()).isEqualTo(Sandbox.REGION_B);
            assertThat(result.decision().kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
            assertThat(result.decision().epoch()).isEqualTo(1);
            assertThat(result.detection()).isPositive();
            assertThat(result.dnsAfter()).contains("region-b");
        } finally {
            System.out.println(printed.toString(StandardCharsets.UTF_8)); // the timeline, for a failure's report
        }
    }
}
