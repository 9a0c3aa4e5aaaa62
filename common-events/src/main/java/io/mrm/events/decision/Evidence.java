package io.mrm.events.decision;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthStatus;
import java.time.Instant;

/** An observation a decision was based on, copied so that the decision explains itself. */
public record Evidence(
        String observationId,
        String region,
        String component,
        String vantage,
        HealthStatus status,
        Instant observedAt,
        String detail) {

    public Evidence {
        Require.id("observationId", observationId);
        Require.name("region", region);
        Require.name("component", component);
        Require.name("vantage", vantage);
        Require.present("status", status);
        Require.present("observedAt", observedAt);
        Require.optionalText("detail", detail);
    }
}
