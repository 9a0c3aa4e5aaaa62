package io.mrm.health.domain;

import io.mrm.events.Require;
import java.util.Map;

/**
 * Which alerts are about which component: an alert matches when its name equals {@code alertName}
 * (unless that is null) and it carries every label in {@code labels} with the same value.
 */
public record AlertRoute(String alertName, Map<String, String> labels, String applicationId, String region,
                         String component) {

    public AlertRoute {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if ((alertName == null || alertName.isBlank()) && labels.isEmpty()) {
            throw new IllegalArgumentException("a route needs an alert name or labels, or it would match every alert");
        }
        Require.name("applicationId", applicationId);
        Require.name("region", region);
        Require.name("component", component);
    }

    public boolean matches(ExternalAlert alert) {
        if (alertName != null && !alertName.isBlank() && !alertName.equals(alert.name())) {
            return false;
        }
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(alert.labels().get(e.getKey())));
    }
}
