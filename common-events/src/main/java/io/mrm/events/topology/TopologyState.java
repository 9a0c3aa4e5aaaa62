package io.mrm.events.topology;

import io.mrm.events.Require;
import java.time.Instant;
import java.util.List;

/**
 * An application's current state, as the decision engine sees it.
 *
 * @param epoch          the epoch of the latest decision (0 before the first)
 * @param activeRegion   where the application is served from (during a switch: still the old one)
 * @param standbyRegion  the other region
 * @param phase          what the engine is doing
 * @param frozen         an operator froze automatic decisions
 * @param holdDownUntil  no automatic failover before this time, if set
 * @param lastDecisionId the latest decision, if any
 * @param planSteps      progress of the latest decision's plan (empty before the first)
 * @param placement      where DNS, data and events are, as far as the engine knows (absent from
 *                       engines that predate it)
 * @param fenceDuties    fences of a region left by a forced failover that have not succeeded yet
 * @param highestEpoch   the highest epoch known to have been issued for the application — the engine's
 *                       own or one an actuator reported holding — when above {@code epoch}: every new
 *                       epoch is above it (absent: {@code epoch} is the highest)
 * @param automaticFailovers when the recent automatic failovers were decided (those the per-window cap
 *                       counts), so that a restored engine still counts them
 * @param health         each region's health as the engine judges it and as each vantage point sees it
 *                       (empty from engines that predate it, and before the first observation)
 */
public record TopologyState(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        long epoch,
        String activeRegion,
        String standbyRegion,
        Phase phase,
        boolean frozen,
        Instant holdDownUntil,
        String lastDecisionId,
        List<StepProgress> planSteps,
        Placement placement,
        List<FenceDuty> fenceDuties,
        Long highestEpoch,
        List<Instant> automaticFailovers,
        List<RegionHealthView> health)
        implements TopologyEvent {

    public static final int SCHEMA_VERSION = 1;

    public TopologyState {
        Require.common(id, applicationId, time, schemaVersion);
        Require.atLeast("epoch", epoch, 0);
        Require.name("activeRegion", activeRegion);
        Require.name("standbyRegion", standbyRegion);
        Require.different("standbyRegion", standbyRegion, "activeRegion", activeRegion);
        Require.present("phase", phase);
        Require.optionalId("lastDecisionId", lastDecisionId);
        planSteps = Require.list("planSteps", planSteps);
        fenceDuties = Require.list("fenceDuties", fenceDuties);
        if (highestEpoch != null) {
            Require.atLeast("highestEpoch", highestEpoch, 0);
        }
        automaticFailovers = Require.list("automaticFailovers", automaticFailovers);
        health = Require.list("health", health);
    }

    /** The view of one region, if the engine has published one. */
    public java.util.Optional<RegionHealthView> healthOf(String region) {
        return health.stream().filter(h -> h.region().equals(region)).findFirst();
    }

    /** The highest epoch known to have been issued: {@code highestEpoch} or {@code epoch}. */
    public long epochFloor() {
        return highestEpoch == null ? epoch : Math.max(epoch, highestEpoch);
    }
}
