package io.mrm.chaos.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every invariant of a chaos run, for one application's policy. */
public final class Invariants {

    private final List<Invariant> all;

    public Invariants(String primaryRegion, int quorum, Duration staleAfter, Duration holdDown) {
        this.all = List.of(
                new PlanRunsExactlyOnce(),
                new EpochsOnlyGrow(),
                new DnsFollowsLastDecision(primaryRegion),
                new OneActiveAtRest(),
                new NoCommandLost(),
                new NoFalseFailover(quorum, staleAfter),
                new OneFailoverPerHoldDown(holdDown),
                new NoAcknowledgedAckLost(),
                new GracefulPlanLosesNoRow());
    }

    public List<Invariant> all() {
        return all;
    }

    /** Every breach in {@code history}, by every invariant. */
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        for (Invariant invariant : all) {
            violations.addAll(invariant.check(history));
        }
        return violations;
    }
}
