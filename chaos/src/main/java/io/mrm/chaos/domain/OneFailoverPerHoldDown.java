package io.mrm.chaos.domain;

import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A region that comes and goes is failed over at most once per hold-down: no automatic failover is decided less
 * than the policy's hold-down after the one before it (flapping must not make the application ping-pong).
 */
public final class OneFailoverPerHoldDown implements Invariant {

    private final Duration holdDown;

    public OneFailoverPerHoldDown(Duration holdDown) {
        this.holdDown = holdDown;
    }

    @Override
    public String name() {
        return "one failover per hold-down";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        FailoverDecision previous = null;
        for (FailoverDecision decision : history.switches()) {
            if (decision.kind() != DecisionKind.AUTOMATIC_FAILOVER) {
                continue;
            }
            if (previous != null && decision.time().isBefore(previous.time().plus(holdDown))) {
                violations.add(new Violation(
                        name(),
                        decision.id() + " (" + decision.fromRegion() + " to " + decision.toRegion() + ") came "
                                + Duration.between(previous.time(), decision.time())
                                        .toMillis() + " ms after "
                                + previous.id() + ", within the hold-down of " + holdDown));
            }
            previous = decision;
        }
        return violations;
    }
}
