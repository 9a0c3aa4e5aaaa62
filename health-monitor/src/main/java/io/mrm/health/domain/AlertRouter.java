package io.mrm.health.domain;

import io.mrm.events.Require;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which components an external alert is about: the components of the routes it matches, once each.
 * Alerts named in the ignore list match nothing, whatever their labels: Alertmanager's always-firing
 * {@code Watchdog} carries the Prometheus' external labels (often the region), so a route on labels
 * alone would otherwise report its region down for as long as the alerting pipeline works.
 */
public final class AlertRouter {

    /** The always-firing alerts of kube-prometheus: a dead man's switch and the inhibition helper. */
    public static final Set<String> DEFAULT_IGNORED_ALERT_NAMES = Set.of("Watchdog", "InfoInhibitor");

    private final List<AlertRoute> routes;
    private final Set<String> ignoredAlertNames;
    private final Map<ComponentKey, Boolean> resolvedMeansUp = new HashMap<>();

    public AlertRouter(List<AlertRoute> routes) {
        this(routes, DEFAULT_IGNORED_ALERT_NAMES);
    }

    /**
     * @throws IllegalArgumentException when a route names an ignored alert, or two routes to one component
     *                                  disagree on whether its resolution means UP
     */
    public AlertRouter(List<AlertRoute> routes, Set<String> ignoredAlertNames) {
        this.routes = Require.list("routes", routes);
        this.ignoredAlertNames = Set.copyOf(Require.present("ignoredAlertNames", ignoredAlertNames));
        for (AlertRoute route : this.routes) {
            if (route.alertName() != null && this.ignoredAlertNames.contains(route.alertName())) {
                throw new IllegalArgumentException("a route names " + route.alertName() + ", which is ignored");
            }
            Boolean first = resolvedMeansUp.putIfAbsent(route.component(), route.resolvedMeansUp());
            if (first != null && first != route.resolvedMeansUp()) {
                throw new IllegalArgumentException(
                        "routes to " + route.component() + " disagree on whether its resolution means UP");
            }
        }
    }

    public boolean ignores(ExternalAlert alert) {
        return ignoredAlertNames.contains(alert.name());
    }

    /** The components {@code alert} is about, in route order, once each; none when it is ignored. */
    public List<ComponentKey> components(ExternalAlert alert) {
        if (ignores(alert)) {
            return List.of();
        }
        Set<ComponentKey> out = new LinkedHashSet<>();
        for (AlertRoute route : routes) {
            if (route.matches(alert)) {
                out.add(route.component());
            }
        }
        return new ArrayList<>(out);
    }

    /** Whether {@code component} is reported UP once all its alerts have resolved. */
    public boolean resolvedMeansUp(ComponentKey component) {
        return resolvedMeansUp.getOrDefault(component, false);
    }
}
