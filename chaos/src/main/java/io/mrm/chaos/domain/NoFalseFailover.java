package io.mrm.chaos.domain;

import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * No automatic failover while a quorum of vantage points sees the region being left UP: at the decision's time, fewer
 * than {@code quorum} vantages had, as their latest fresh report of every component of that region, UP.
 */
public final class NoFalseFailover implements Invariant {

    private final int quorum;
    private final Duration staleAfter;

    /** The application's policy: its quorum and stale-after (docker-compose's decision-engine.yml). */
    public NoFalseFailover(int quorum, Duration staleAfter) {
        this.quorum = quorum;
        this.staleAfter = staleAfter;
    }

    @Override
    public String name() {
        return "no false failover";
    }

    @Override
    public List<Violation> check(History history) {
        List<Violation> violations = new ArrayList<>();
        for (FailoverDecision decision : history.switches()) {
            if (decision.kind() != DecisionKind.AUTOMATIC_FAILOVER) {
                continue;
            }
            // vantage -> component -> latest fresh observation of the region left, before the decision
            Map<String, Map<String, HealthObservation>> latest = new HashMap<>();
            for (HealthObservation o : history.observations()) {
                if (o.region().equals(decision.fromRegion())
                        && !o.time().isAfter(decision.time())
                        && o.time().isAfter(decision.time().minus(staleAfter))) {
                    latest.computeIfAbsent(o.vantage(), v -> new HashMap<>())
                            .merge(o.component(), o, (a, b) -> b.time().isAfter(a.time()) ? b : a);
                }
            }
            List<String> seeingUp = latest.entrySet().stream()
                    .filter(e -> e.getValue().values().stream().allMatch(o -> o.status() == HealthStatus.UP))
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
            if (seeingUp.size() >= quorum) {
                violations.add(new Violation(
                        name(),
                        decision.id() + " failed " + decision.fromRegion() + " over while " + seeingUp
                                + " (a quorum of " + quorum + ") saw it UP"));
            }
        }
        return violations;
    }
}
