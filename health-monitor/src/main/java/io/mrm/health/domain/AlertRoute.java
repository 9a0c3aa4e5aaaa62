package io.mrm.health.domain;

import java.util.Map;
import java.util.Set;

/**
 * Which alerts are about which component: an alert matches when its name equals {@code alertName}
 * (unless that is null), its {@code severity} label is one of {@code severities} (unless that is empty)
 * and it carries every label in {@code labels} with the same value.
 *
 * @param resolvedMeansUp whether the component is reported UP once all its alerts have resolved; when false a
 *                        resolution only ends the DOWN reports (an alert also resolves when whatever evaluated it
 *                        died, e.g. a Prometheus inside a region that is down)
 */
public record AlertRoute(
        String alertName,
        Set<String> severities,
        Map<String, String> labels,
        ComponentKey component,
        boolean resolvedMeansUp) {

    public AlertRoute {
        alertName = alertName == null || alertName.isBlank() ? null : alertName;
        severities = severities == null ? Set.of() : Set.copyOf(severities);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (alertName == null && severities.isEmpty() && labels.isEmpty()) {
            throw new IllegalArgumentException(
                    "a route needs an alert name, severities or labels, or it would match " + "every alert");
        }
        if (component == null) {
            throw new IllegalArgumentException("component is required");
        }
    }

    /** A route on name and labels whose resolutions are not taken as health. */
    public AlertRoute(
            String alertName, Map<String, String> labels, String applicationId, String region, String component) {
        this(alertName, Set.of(), labels, new ComponentKey(applicationId, region, component), false);
    }

    public boolean matches(ExternalAlert alert) {
        if (alertName != null && !alertName.equals(alert.name())) {
            return false;
        }
        // (immutable sets refuse contains(null))
        if (!severities.isEmpty() && (alert.severity() == null || !severities.contains(alert.severity()))) {
            return false;
        }
        return labels.entrySet().stream()
                .allMatch(e -> e.getValue().equals(alert.labels().get(e.getKey())));
    }
}
