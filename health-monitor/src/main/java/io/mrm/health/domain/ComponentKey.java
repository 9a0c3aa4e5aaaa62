package io.mrm.health.domain;

import io.mrm.events.Require;

/** What an observation is about: one component of one application in one region. */
public record ComponentKey(String applicationId, String region, String component) {

    public ComponentKey {
        Require.name("applicationId", applicationId);
        Require.name("region", region);
        Require.name("component", component);
    }

    @Override
    public String toString() {
        return applicationId + "/" + region + "/" + component;
    }
}
