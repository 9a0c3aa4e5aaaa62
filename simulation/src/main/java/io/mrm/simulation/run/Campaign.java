package io.mrm.simulation.run;

import io.mrm.simulation.check.Coverage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Many seeds, run in parallel (each run is single-threaded and owns everything it touches), with the
 * figures a reader wants: violations by invariant (with their first seeds), how often each
 * interesting case occurred, steps and speed.
 */
public final class Campaign {

    /** What a campaign found. */
    public static final class Figures {
        public long seeds;
        public long steps;
        public long virtualMs;
        public long elapsedNanos;
        public final Map<Coverage, Long> coverage = new EnumMap<>(Coverage.class);
        /** Invariant → seeds that broke it (the first few). */
        public final Map<String, List<Long>> violations = new TreeMap<>();

        public final Map<String, Long> violationCounts = new TreeMap<>();
        public final List<RunResult> failures = new ArrayList<>();

        synchronized void add(RunResult r) {
            seeds++;
            steps += r.steps();
            virtualMs += r.virtualMs();
            r.coverage().forEach(c -> coverage.merge(c, 1L, Long::sum));
            if (r.violation() != null) {
                violations
                        .computeIfAbsent(r.violation().invariant(), k -> new ArrayList<>())
                        .add(r.seed());
                violationCounts.merge(r.violation().invariant(), 1L, Long::sum);
                if (failures.size() < 20) {
                    failures.add(r);
                }
            }
        }

        public long failed() {
            return violationCounts.values().stream().mapToLong(Long::longValue).sum();
        }

        public double percent(Coverage c) {
            return 100.0 * coverage.getOrDefault(c, 0L) / Math.max(1, seeds);
        }

        public double seedsPerSecond() {
            return seeds / Math.max(1e-9, elapsedNanos / 1e9);
        }

        public String summary() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(
                    "%,d seeds in %.1f s (%,.0f seeds/s, %,.0f core steps/s, %,d steps, %.1f virtual hours)%n",
                    seeds,
                    elapsedNanos / 1e9,
                    seedsPerSecond(),
                    steps / Math.max(1e-9, elapsedNanos / 1e9),
                    steps,
                    virtualMs / 3_600_000.0));
            b.append(String.format("violations: %d%n", failed()));
            violations.forEach((k, v) -> b.append(String.format(
                    "  %-24s %6d  first seeds %s%n", k, violationCounts.get(k), v.subList(0, Math.min(5, v.size())))));
            b.append("coverage (share of seeds):\n");
            for (Coverage c : Coverage.values()) {
                b.append(String.format("  %-26s %6.2f%%%n", c, percent(c)));
            }
            return b.toString();
        }
    }

    private Campaign() {}

    /**
     * Runs seeds {@code from .. from+count-1} on {@code threads} threads; {@code progress} hears every
     * finished seed (from any thread).
     */
    public static Figures run(long from, long count, long runMs, int threads, Consumer<RunResult> progress) {
        Figures figures = new Figures();
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong(from);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashes = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        long seed;
                        while ((seed = next.getAndIncrement()) < from + count) {
                            RunResult r;
                            try {
                                r = Simulation.run(seed, runMs);
                            } catch (RuntimeException | Error e) {
                                crashes.add(new IllegalStateException("seed " + seed + " crashed the simulation", e));
                                r = new RunResult(
                                        seed,
                                        new io.mrm.simulation.check.Violation("SIMULATION_CRASHED", 0, e.toString()),
                                        java.util.Set.of(),
                                        0,
                                        0,
                                        0);
                            }
                            figures.add(r);
                            progress.accept(r);
                        }
                    },
                    "simulation-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        figures.elapsedNanos = System.nanoTime() - start;
        if (!crashes.isEmpty()) {
            crashes.get(0).printStackTrace();
        }
        return figures;
    }
}
