package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns external alerts into observations: a firing alert is DOWN, a resolved one UP, for every
 * component a route maps it to (once per component even if several routes match). The sending system
 * is the vantage point, so the decision engine counts it as one more independent witness. Alerts that
 * no route matches produce nothing. Each observation carries this monitor's region label (the instance
 * that received the alert), when one is configured.
 */
public final class AlertRouter {

    private final List<AlertRoute> routes;
    private final String vantageRegion;
    private final Clock clock;
    private final Supplier<String> ids;

    public AlertRouter(List<AlertRoute> routes, Clock clock, Supplier<String> ids) {
        this(routes, null, clock, ids);
    }

    /** @param vantageRegion the region or site of this monitor instance, or null when not configured */
    public AlertRouter(List<AlertRoute> routes, String vantageRegion, Clock clock, Supplier<String> ids) {
        this.routes = Require.list("routes", routes);
        this.vantageRegion = Require.optionalName("vantageRegion", vantageRegion);
        this.clock = Require.present("clock", clock);
        this.ids = Require.present("ids", ids);
    }

    public List<HealthObservation> observations(ExternalAlert alert) {
        Set<String> seen = new LinkedHashSet<>();
        List<HealthObservation> out = new ArrayList<>();
        for (AlertRoute route : routes) {
            if (!route.matches(alert)
                    || !seen.add(route.applicationId() + "/" + route.region() + "/" + route.component())) {
                continue;
            }
            String detail = alert.source() + " alert " + alert.name() + (alert.firing() ? " firing" : " resolved")
                    + (alert.summary() == null || alert.summary().isBlank() ? "" : ": " + alert.summary());
            out.add(new HealthObservation(ids.get(), route.applicationId(), clock.instant(),
                    HealthObservation.SCHEMA_VERSION, route.region(), route.component(), ProbeKind.ALERT_WEBHOOK,
                    alert.source(), alert.firing() ? HealthStatus.DOWN : HealthStatus.UP, null, cut(detail), vantageRegion));
        }
        return out;
    }

    private static String cut(String detail) {
        return detail.length() <= Require.MAX_TEXT ? detail : detail.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
