package io.mrm.events.readiness;

import io.mrm.events.Require;
import io.mrm.events.decision.Actuator;
import java.time.Instant;
import java.util.List;

/**
 * The engine's view of an application's readiness, per region: the actuators' latest checks, with
 * those older than the policy allows counted as UNKNOWN. Compacted: the latest per application.
 *
 * @param regions    both regions of the application
 * @param missing    actuators whose steps are in the application's plan and that have not reported
 */
public record ReadinessState(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        List<RegionReadiness> regions,
        List<Actuator> missing)
        implements ReadinessEvent {

    public static final int SCHEMA_VERSION = 1;

    public ReadinessState {
        Require.common(id, applicationId, time, schemaVersion);
        regions = Require.list("regions", regions);
        missing = Require.list("missing", missing);
    }

    /** The readiness of one region, or null if the application has no such region. */
    public RegionReadiness region(String region) {
        return regions.stream()
                .filter(r -> r.region().equals(region))
                .findFirst()
                .orElse(null);
    }
}
