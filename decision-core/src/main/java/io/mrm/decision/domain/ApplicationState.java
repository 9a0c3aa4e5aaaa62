package io.mrm.decision.domain;

import io.mrm.events.topology.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything the engine remembers about one application between inputs. Persisted by the adapter
 * (a Kafka Streams state store backed by a changelog), so it must be plain data.
 *
 * @param epoch              the latest decision's epoch (0 before the first)
 * @param counters           per (region, component, vantage) what was last seen
 * @param run                the latest decision's plan (kept after it ends, for the topology's progress)
 * @param outputSeq          events emitted so far for this application: makes output ids deterministic
 * @param automaticFailovers when automatic failovers were decided, within the policy's window
 * @param raisedAlerts       conditions already alerted (or suppressing automatic decisions), so that
 *                           each is raised once until it clears
 * @param seenNonces         nonces of accepted signed requests that are not yet too old to replay
 * @param lineage            the id of the input that created this state: part of every output id, so
 *                           an engine whose state was wiped (a reset) starts a new line of ids instead of
 *                           repeating those already on the topics; null in states stored before it existed
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
        long outputSeq,
        List<Instant> automaticFailovers,
        Set<String> raisedAlerts,
        List<SeenNonce> seenNonces,
        String lineage) {

    public ApplicationState {
        counters = List.copyOf(counters);
        // states stored before signed requests existed have none
        seenNonces = seenNonces == null ? List.of() : List.copyOf(seenNonces);
        automaticFailovers = List.copyOf(automaticFailovers);
        raisedAlerts = Set.copyOf(raisedAlerts);
    }

    /** A new application, serving from its primary region, first seen in the input {@code lineage}. */
    public static ApplicationState initial(ApplicationPolicy policy, String lineage) {
        return new ApplicationState(policy.applicationId(), 0, policy.primaryRegion(), policy.standbyRegion(),
                Phase.STEADY, false, null, null, List.of(), null, 0, List.of(), Set.of(), List.of(), lineage);
    }
}
