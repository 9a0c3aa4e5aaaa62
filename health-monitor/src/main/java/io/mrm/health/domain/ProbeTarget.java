package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.ProbeKind;
import java.time.Duration;

/**
 * One thing this vantage point watches: a component of an application in one region, probed in one
 * way, at a fixed interval.
 *
 * @param applicationId the application the observations are about
 * @param region        the region probed
 * @param component     what is probed, e.g. {@code app}, {@code hana}, {@code aem}, {@code dns}
 * @param kind          how it is probed; copied into every observation
 * @param interval      time between the starts of two probes
 * @param timeout       the longest a probe may run before the scheduler reports it DOWN; probes enforce
 *                      their own, shorter deadlines, this one only catches a probe that never answers
 */
public record ProbeTarget(
        String applicationId, String region, String component, ProbeKind kind, Duration interval, Duration timeout) {

    public ProbeTarget {
        Require.name("applicationId", applicationId);
        Require.name("region", region);
        Require.name("component", component);
        Require.present("kind", kind);
        positive("interval", interval);
        positive("timeout", timeout);
    }

    private static void positive(String field, Duration value) {
        Require.present(field, value);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }

    /** For logs: {@code orders/eu10/app (HTTP)}. */
    public String label() {
        return applicationId + "/" + region + "/" + component + " (" + kind + ")";
    }
}
