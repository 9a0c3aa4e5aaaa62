package io.mrm.audit;

import static io.mrm.audit.AuditFixtures.APP;
import static io.mrm.audit.AuditFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A drill in the audit: its own kind of run, its steps' "would ..." and times, the predicted RTO beside the real. */
class AuditDrillTest {

    /** The automatic failover of the fixtures (detection 2 s, RTO 3 s), then a drill with a parallel group. */
    static AuditFixtures afterARealFailoverADrill(String endCode) {
        AuditFixtures f = AuditFixtures.automaticFailover();
        FailoverDecision drill = f.decide(
                "d-drill",
                10_000,
                1,
                DecisionKind.DRILL,
                DecisionStatus.EXECUTING,
                "quarterly drill",
                "alice",
                "r-drill",
                List.of(),
                List.of(),
                List.of(
                        new PlanStep(0, StepAction.DATA_PROMOTE, "us10", null, 30_000, 3, false),
                        new PlanStep(1, StepAction.EVENTS_SET_ACTIVE, "us10", null, 30_000, 3, true),
                        new PlanStep(2, StepAction.DNS_ROUTE, "us10", null, 30_000, 3, false)));
        StepCommand promote = rehearsal(f, "c-d-0", 10_000, drill, 0);
        StepCommand active = rehearsal(f, "c-d-1", 10_000, drill, 1);
        f.ack(promote, 11_000, AckOutcome.SUCCEEDED, null, "would promote orders-us10 (backlog 0 bytes)", 1_000);
        f.ack(active, 13_000, AckOutcome.SUCCEEDED, null, "would set us10's broker ACTIVE", 3_000);
        StepCommand route = rehearsal(f, "c-d-2", 13_000, drill, 2);
        f.ack(route, 13_500, AckOutcome.FAILED_FATAL, "AccessDenied", "would route orders to us10; TTL 60 s", 500);
        f.alert("a-drill", 13_600, endCode, "drill d-drill ended", "d-drill");
        return f;
    }

    static StepCommand rehearsal(AuditFixtures f, String id, long ms, FailoverDecision d, int step) {
        StepRef ref = new StepRef(d.id(), d.epoch(), step, 1, at(ms + 30_000), true);
        return f.add(
                switch (d.plan().get(step).action()) {
                    case DATA_PROMOTE -> new DataPromoteCommand(id, APP, at(ms), 1, ref, "us10");
                    case EVENTS_SET_ACTIVE ->
                        new EventsSetRoleCommand(id, APP, at(ms), 1, ref, "us10", ReplicationRole.ACTIVE);
                    default -> new DnsRouteCommand(id, APP, at(ms), 1, ref, "us10");
                });
    }

    @Test
    void aDrillIsItsOwnKindOfRunWithThePredictedRtoBesideTheLastRealRunsMeasuredOne() {
        List<FailoverRun> runs = afterARealFailoverADrill("DRILL_FAILED")
                .report()
                .applications()
                .get(0)
                .runs();
        assertThat(runs).hasSize(2);
        FailoverRun drill = runs.get(1);

        assertThat(drill.drill()).isTrue();
        assertThat(drill.outcome()).isEqualTo(RunOutcome.DRILL_FAILED);
        assertThat(drill.activeRegion()).as("a drill makes no region active").isNull();
        // steps: the parallel group [promote 1 s, set-active 3 s] counts 3 s, then the route 0.5 s
        assertThat(drill.figures()).isEqualTo(new Figures(2_000L, null, null, null, 3_500L, 5_500L, 3_000L));

        List<String> text = AuditText.run(drill, 2);
        assertThat(text.get(0)).isEqualTo("-- run 2: DRILL eu10 → us10: DRILL_FAILED --");
        assertThat(String.join("\n", text))
                .contains("would route orders to us10; TTL 60 s")
                .contains("(500 ms) AccessDenied")
                .contains("DRILL FAILED at " + at(13_600))
                .contains("predicted RTO 5500 ms (5.5 s) = detection 2000 ms (2.0 s) (the last automatic failover's)"
                        + " + steps 3500 ms (3.5 s); last real run's measured RTO 3000 ms (3.0 s)");
        assertThat(AuditJson.run(drill).get("figures").toString()).contains("predictedRtoMs=5500");
    }

    @Test
    void aCompletedDrillWithoutARealRunBeforeItSaysDetectionIsNotKnown() {
        AuditFixtures f = afterARealFailoverADrill("DRILL_COMPLETED");
        // the same drill alone: the automatic failover's records left out
        AuditFixtures alone = new AuditFixtures();
        f.records.stream()
                .filter(r -> r.event() != null
                        && (r.event().id().startsWith("c-d-")
                                || r.event().id().equals("d-drill")
                                || r.event().id().equals("a-drill")
                                || (r.event() instanceof io.mrm.events.ack.CommandAck a
                                        && a.step().decisionId().equals("d-drill"))))
                .forEach(r -> alone.add(r.event()));
        FailoverRun drill = alone.report().applications().get(0).runs().get(0);
        assertThat(drill.outcome()).isEqualTo(RunOutcome.DRILL_COMPLETED);
        assertThat(drill.figures()).isEqualTo(new Figures(null, null, null, null, 3_500L, 3_500L, null));
        assertThat(AuditText.figures(drill.figures()))
                .isEqualTo("predicted RTO 3500 ms (3.5 s) = steps 3500 ms (3.5 s) (no automatic failover read: "
                        + "detection not known); last real run's measured RTO n/a");
    }
}
