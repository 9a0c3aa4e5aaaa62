package io.mrm.health.adapter.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mrm.health.domain.ProbeTarget;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The probe scheduler's metrics in Micrometer (Prometheus names):
 *
 * <ul>
 *   <li>{@code mrm_probe_duration_seconds} (histogram) by {@code kind}, {@code target}, {@code outcome};
 *   <li>{@code mrm_probe_ticks_skipped_total} by {@code target}: a tick that found the previous probe still running;
 *   <li>{@code mrm_observations_dropped_total} by {@code reason}: {@code queue_full}, {@code publish_failed},
 *       {@code shutdown}.
 * </ul>
 *
 * {@code target} is {@code application/region/component}: as many values as configured targets. Meters are
 * looked up once and kept, so the hot path (thousands of probes a second) does no registry lookup.
 */
public final class MicrometerProbeMetrics implements ProbeMetrics {

    /**
     * Probe latencies span a loopback answer (a millisecond) to a timeout (seconds): fixed buckets over that
     * range keep the series per target few; histogram_quantile works on them.
     */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private final MeterRegistry registry;
    private final Map<ProbeTarget, Map<String, Timer>> durations = new ConcurrentHashMap<>();
    private final Map<ProbeTarget, Counter> skipped = new ConcurrentHashMap<>();
    private final Map<Dropped, Counter> dropped = new EnumMap<>(Dropped.class);

    /** Registers the counters of the given targets and reasons at zero, so they show before anything happens. */
    public MicrometerProbeMetrics(MeterRegistry registry, List<ProbeTarget> targets) {
        this.registry = registry;
        for (Dropped reason : Dropped.values()) {
            dropped.put(
                    reason,
                    Counter.builder("mrm.observations.dropped")
                            .description("Observations never published, by why")
                            .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
        targets.forEach(this::skippedCounter);
    }

    @Override
    public void probed(ProbeTarget target, String outcome, long nanos) {
        durations
                .computeIfAbsent(target, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> timer(target, o))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tickSkipped(ProbeTarget target) {
        skippedCounter(target).increment();
    }

    @Override
    public void dropped(Dropped reason) {
        dropped.get(reason).increment();
    }

    private Timer timer(ProbeTarget target, String outcome) {
        return Timer.builder("mrm.probe.duration")
                .description("Time from a probe's start to its result, by how it ended")
                .tag("kind", target.kind().name())
                .tag("target", name(target))
                .tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter skippedCounter(ProbeTarget target) {
        return skipped.computeIfAbsent(
                target,
                t -> Counter.builder("mrm.probe.ticks.skipped")
                        .description("Ticks skipped because the target's previous probe was still running")
                        .tag("target", name(t))
                        .register(registry));
    }

    static String name(ProbeTarget target) {
        return target.applicationId() + "/" + target.region() + "/" + target.component();
    }
}
