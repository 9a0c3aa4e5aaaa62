package io.mrm.chaos.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.Actuator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fencing token each actuator holds for the application only grows: the epochs its acknowledgements report, in
 * the order it wrote them, never go down, and it never reports success for a command older than an epoch it had
 * already reported (a zombie engine's command carried out).
 */
public final class EpochsOnlyGrow implements Invariant {

    @Override
    public String name() {
        return "epochs only grow";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        Map<Actuator, Long> held = new EnumMap<>(Actuator.class);
        for (CommandAck ack : history.acks()) {
            if (ack.step().rehearsing()) {
                continue;
            }
            Long before = held.get(ack.actuator());
            if (before != null
                    && ack.outcome() == AckOutcome.SUCCEEDED
                    && ack.step().epoch() < before) {
                violations.add(new Violation(
                        name(),
                        ack.actuator() + " carried out " + ack.commandId() + " of epoch "
                                + ack.step().epoch() + " after it held epoch " + before));
            }
            if (ack.fenceEpoch() == null) {
                continue;
            }
            if (before != null && ack.fenceEpoch() < before) {
                violations.add(new Violation(
                        name(),
                        ack.actuator() + "'s epoch went down from " + before + " to " + ack.fenceEpoch() + " (ack "
                                + ack.id() + ")"));
            }
            held.merge(ack.actuator(), ack.fenceEpoch(), Math::max);
        }
        return violations;
    }
}
