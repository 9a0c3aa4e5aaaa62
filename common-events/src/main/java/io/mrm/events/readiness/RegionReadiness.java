package io.mrm.events.readiness;

import io.mrm.events.Require;
import java.util.List;

/**
 * How ready one region is to be switched to.
 *
 * @param region the region
 * @param status NOT_READY when a step on the region itself cannot run; UNKNOWN when a check of such a step
 *               is unknown or stale, or an actuator the plan needs has not reported; otherwise READY
 *               (a step on the region being left that fails its check only warns: a forced switch skips it)
 * @param checks every check towards the region, stale ones as UNKNOWN
 */
public record RegionReadiness(String region, ReadinessStatus status, List<ReadinessCheck> checks) {

    public RegionReadiness {
        Require.name("region", region);
        Require.present("status", status);
        checks = Require.list("checks", checks);
    }
}
