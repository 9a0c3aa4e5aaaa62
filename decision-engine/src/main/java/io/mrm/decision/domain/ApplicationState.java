package io.mrm.decision.domain;

import io.mrm.events.topology.Phase;
import java.time.Instant;
import java.util.List;

/**
 * Everything the engine remembers about one application between inputs. Persisted by the adapter
 * (a Kafka Streams state store backed by a changelog), so it must be plain data.
 *
 * @param epoch       the latest decision's epoch (0 before the first)
 * @param counters    consecutive-result counters per (region, component, vantage)
 * @param run         the latest decision's plan, while it runs or is paused; null when stable
 * @param outputSeq   how many events the engine has emitted for this application: makes output ids deterministic
 */
public record ApplicationState(
        String applicationId,
        long epoch,
        String activeRegion,
        String standbyRegion,
        Phase phase,
        boolean frozen,
        Instant holdDownUntil,
        String lastDecisionId,
        List<HealthCounter> counters,
        PlanRun run,
        long outputSeq) {

    public ApplicationState {
        counters = List.copyOf(counters);
    }

    /** A new application, serving from its primary region. */
    public static ApplicationState initial(ApplicationPolicy policy) {
        return new ApplicationState(policy.applicationId(), 0, policy.primaryRegion(), policy.standbyRegion(),
                Phase.STEADY, false, null, null, List.of(), null, 0);
    }
}
