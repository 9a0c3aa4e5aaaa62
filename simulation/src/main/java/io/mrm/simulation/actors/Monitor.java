package io.mrm.simulation.actors;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.Region;
import io.mrm.simulation.world.VirtualTime;
import io.mrm.simulation.world.World;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One health monitor (a vantage point): probes each region's components every interval and publishes
 * one observation per result with its run id and a sequence number, in order, to the engine. Its
 * faults: a partition from one region (it then sees that region down), a clock stamping observations
 * ahead or behind, silence, restarts (a new run, numbering from 1 again), replayed observations
 * (at-least-once producers), and the odd probe that fails on its own (flaky).
 */
public final class Monitor {

    /**
     * @param intervalMs  probe interval
     * @param flaky       chance one probe fails by itself
     * @param degraded    chance an up component answers slowly (DEGRADED, which counts as up)
     * @param replay      chance an observation is delivered again, later (same id, run and sequence)
     * @param latencyMs   delivery latency bound
     */
    public record Setup(
            String vantage,
            long intervalMs,
            List<String> components,
            double flaky,
            double degraded,
            double replay,
            long latencyMs) {}

    private final Setup setup;
    private final String applicationId;
    private final World world;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final Consumer<HealthObservation> engine;
    private final Trace trace;
    private final Set<String> partitioned = new HashSet<>();
    private int run = 1;
    private long sequence;
    private long skewMs;
    private boolean silent;
    /** Observations of one monitor reach the partition in the order it sends them. */
    private long lastArrival;

    private long published;

    public Monitor(
            Setup setup,
            String applicationId,
            World world,
            VirtualTime time,
            SplittableRandom rng,
            Consumer<HealthObservation> engine,
            Trace trace) {
        this.setup = setup;
        this.applicationId = applicationId;
        this.world = world;
        this.time = time;
        this.rng = rng;
        this.engine = engine;
        this.trace = trace;
    }

    public String vantage() {
        return setup.vantage();
    }

    public void start(long offsetMs) {
        time.after(offsetMs, this::probe);
    }

    private void probe() {
        if (!silent) {
            for (Region region : world.regions()) {
                for (String component : setup.components()) {
                    publish(region, component);
                }
            }
        }
        time.after(setup.intervalMs(), this::probe);
    }

    private void publish(Region region, String component) {
        boolean cut = partitioned.contains(region.name());
        boolean ok = component.equals("app") ? region.appUp() : region.reachable();
        boolean flaked = rng.nextDouble() < setup.flaky();
        HealthStatus status = !ok || cut || flaked
                ? HealthStatus.DOWN
                : rng.nextDouble() < setup.degraded() ? HealthStatus.DEGRADED : HealthStatus.UP;
        String detail = cut ? "connect timed out (partition)" : !ok ? "HTTP 503" : flaked ? "read timed out" : null;
        sequence++;
        published++;
        String run = runId();
        HealthObservation o = new HealthObservation(
                setup.vantage() + "-r" + this.run + "-" + sequence,
                applicationId,
                VirtualTime.at(time.now() + skewMs),
                HealthObservation.SCHEMA_VERSION,
                region.name(),
                component,
                ProbeKind.HTTP,
                setup.vantage(),
                status,
                5L,
                detail,
                null,
                run,
                sequence);
        long arrival = Math.max(lastArrival + 1, time.now() + 1 + rng.nextLong(Math.max(1, setup.latencyMs())));
        lastArrival = arrival;
        time.after(arrival - time.now(), () -> engine.accept(o));
        if (rng.nextDouble() < setup.replay()) {
            time.after(arrival - time.now() + 500 + rng.nextLong(10_000), () -> engine.accept(o));
        }
    }

    private String runId() {
        return setup.vantage() + "-run-" + run;
    }

    // ---- faults ------------------------------------------------------------------------------------

    public void partition(String region, boolean cut) {
        if (cut) {
            partitioned.add(region);
        } else {
            partitioned.remove(region);
        }
        note((cut ? "PARTITIONED from " : "reaches again ") + region);
    }

    public void skew(long ms) {
        skewMs = ms;
        note("clock skew now " + ms + " ms");
    }

    public void silent(boolean silent) {
        this.silent = silent;
        note(silent ? "SILENT" : "publishes again");
    }

    /** A new process: a new run id, numbering from 1 again. */
    public void restart() {
        run++;
        sequence = 0;
        note("RESTART as " + runId());
    }

    public long published() {
        return published;
    }

    private void note(String what) {
        if (trace.on()) {
            trace.line(time.now(), "monitor", setup.vantage() + " " + what);
        }
    }
}
