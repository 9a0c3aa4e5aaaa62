package io.mrm.decision.adapter;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Per-application gauges read from the topology the engine last published (its own compacted topic, which every
 * engine instance holds in a global store): active region, phase, epoch, freeze, each region's verdict and each
 * vantage point's view, as state sets (1 for the current value, 0 for the others). Reading the published record
 * rather than counting what this instance forwarded keeps every instance's answer the same and right after a
 * restart or a rebalance; before an application's first topology the gauges have no value (NaN).
 *
 * <p>Rows are registered from the configuration (regions and declared vantages), and for any other vantage a
 * topology names (one this instance publishes, or one it reads); such vantages are only those an application that
 * declares none accepts, bounded by the vantage keys the engine holds when bus authentication is on.
 */
public final class TopologyGauges {

    /** How long one read of the store serves the gauges: a scrape reads each application once, not per row. */
    static final Duration CACHE = Duration.ofSeconds(1);

    private final MeterRegistry registry;
    private final Function<String, TopologyState> published;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Instant readAt, Optional<TopologyState> topology) {}

    public TopologyGauges(
            MeterRegistry registry,
            Collection<ApplicationPolicy> policies,
            Function<String, TopologyState> published,
            Clock clock) {
        this.registry = registry;
        this.published = published;
        this.clock = clock;
        for (ApplicationPolicy p : policies) {
            String app = p.applicationId();
            gauge("mrm.epoch", app, t -> t.epoch(), "application", app);
            gauge("mrm.frozen", app, t -> t.frozen() ? 1 : 0, "application", app);
            for (Phase phase : Phase.values()) {
                gauge("mrm.phase", app, t -> t.phase() == phase ? 1 : 0, "application", app, "phase", phase.name());
            }
            for (String region : java.util.List.of(p.primaryRegion(), p.standbyRegion())) {
                gauge(
                        "mrm.active.region",
                        app,
                        t -> t.activeRegion().equals(region) ? 1 : 0,
                        "application",
                        app,
                        "region",
                        region);
                for (SeenHealth verdict : SeenHealth.values()) {
                    gauge(
                            "mrm.region.health",
                            app,
                            t -> t.healthOf(region)
                                    .map(h -> h.verdict() == verdict ? 1.0 : 0.0)
                                    .orElse(Double.NaN),
                            "application",
                            app,
                            "region",
                            region,
                            "verdict",
                            verdict.name());
                }
                p.vantages().forEach(v -> vantageRows(app, region, v));
            }
        }
    }

    /** Rows for vantages a published topology names beyond the declared ones (e.g. an alert source). */
    public void published(TopologyState topology) {
        for (RegionHealthView view : topology.health()) {
            for (VantageHealth v : view.vantages()) {
                vantageRows(topology.applicationId(), view.region(), v.vantage());
            }
        }
    }

    private void vantageRows(String app, String region, String vantage) {
        for (SeenHealth status : SeenHealth.values()) {
            gauge(
                    "mrm.vantage.health",
                    app,
                    t -> t.healthOf(region)
                            .flatMap(h -> h.vantages().stream()
                                    .filter(v -> v.vantage().equals(vantage))
                                    .findFirst())
                            .map(v -> v.status() == status ? 1.0 : 0.0)
                            .orElse(Double.NaN),
                    "application",
                    app,
                    "region",
                    region,
                    "vantage",
                    vantage,
                    "status",
                    status.name());
        }
    }

    private void gauge(String name, String app, ToDoubleFunction<TopologyState> value, String... tags) {
        // registering a row that exists returns it: idempotent
        Gauge.builder(name, this, g -> g.latest(app).map(value::applyAsDouble).orElse(Double.NaN))
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    private Optional<TopologyState> latest(String app) {
        Instant now = clock.instant();
        Cached c = cache.get(app);
        if (c == null || !now.isBefore(c.readAt().plus(CACHE)) || now.isBefore(c.readAt())) {
            c = new Cached(now, Optional.ofNullable(read(app)));
            cache.put(app, c);
            // vantages beyond the declared ones get their rows from what is read, not only from what this instance
            // publishes: every instance shows them, also right after a restart (registering an existing row is a no-op)
            c.topology().ifPresent(this::published);
        }
        return c.topology();
    }

    private TopologyState read(String app) {
        try {
            return published.apply(app);
        } catch (RuntimeException e) {
            // the store is not queryable while Kafka Streams starts or is rebuilding it: no value for now
            return null;
        }
    }
}
