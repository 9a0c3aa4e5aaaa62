package io.mrm.decision.domain;

import io.mrm.events.decision.Actuator;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the engine remembers about one application between inputs. Persisted by the adapter
 * (a Kafka Streams state store backed by a changelog), so it must be plain data; fields added later
 * read as empty from states stored before them.
 *
 * @param epoch              the application's fencing epoch: the latest decision's, raised by an abort
 *                           or a resume (0 before the first)
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
 * @param highestEpochSeen   the highest epoch known to have been issued for this application, by this
 *                           engine or an earlier one (acks' fence epochs, the restored topology): a new
 *                           epoch is always above it
 * @param placement          where the components are while they are not all in the active region
 *                           (phase DIVERGED); null otherwise
 * @param fences             fences of a region left by a forced failover that have not succeeded yet
 * @param firstObservationAt when the first observation was taken (the grace before a missing quorum alerts)
 * @param throttledAlerts    when alerts that repeat per source were last raised, by key
 * @param parkedRun          an aborted plan that left the components split, kept while a proposal made
 *                           from the split waits (the proposal's plan is {@code run}): still resumable
 * @param readinessReports   each actuator's latest readiness report (empty in states stored before them)
 * @param readinessShown     what the last published readiness view said (statuses and the checks that were
 *                           not READY), so that a view is published when that changes and not on every report;
 *                           null before any
 * @param drill              the latest drill, kept beside the real state (null before any, and in states stored
 *                           before drills existed)
 * @param readinessWindow    while the readiness view last computed cannot have changed, so that it is not rebuilt
 *                           on every step; null before any (and in states stored before it existed): rebuilt
 * @param healthShown        the health view last published on the topology (empty before any, and in states
 *                           stored before it existed), so that the topology is published when it changes
 * @param healthWindow       while that view cannot have changed by time alone (no counter crosses
 *                           {@code stale-after}); null before any: computed at the next step
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
        String lineage,
        long highestEpochSeen,
        ComponentPlacement placement,
        List<PendingFence> fences,
        Instant firstObservationAt,
        Map<String, Instant> throttledAlerts,
        PlanRun parkedRun,
        Map<Actuator, ReadinessReport> readinessReports,
        String readinessShown,
        DrillRun drill,
        ViewWindow readinessWindow,
        List<RegionHealthView> healthShown,
        ViewWindow healthWindow) {

    public ApplicationState {
        healthShown = healthShown == null ? List.of() : List.copyOf(healthShown);
        readinessReports = readinessReports == null ? Map.of() : Map.copyOf(readinessReports);
        counters = List.copyOf(counters);
        // states stored before signed requests existed have none
        seenNonces = seenNonces == null ? List.of() : List.copyOf(seenNonces);
        automaticFailovers = List.copyOf(automaticFailovers);
        raisedAlerts = Set.copyOf(raisedAlerts);
        fences = fences == null ? List.of() : List.copyOf(fences);
        throttledAlerts = throttledAlerts == null ? Map.of() : Map.copyOf(throttledAlerts);
        highestEpochSeen = Math.max(highestEpochSeen, epoch);
    }

    /** A new application, serving from its primary region, first seen in the input {@code lineage}. */
    public static ApplicationState initial(ApplicationPolicy policy, String lineage) {
        return new ApplicationState(
                policy.applicationId(),
                0,
                policy.primaryRegion(),
                policy.standbyRegion(),
                Phase.STEADY,
                false,
                null,
                null,
                List.of(),
                null,
                0,
                List.of(),
                Set.of(),
                List.of(),
                lineage,
                0,
                null,
                List.of(),
                null,
                Map.of(),
                null,
                Map.of(),
                null,
                null,
                null,
                List.of(),
                null);
    }
}
