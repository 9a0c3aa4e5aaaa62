package io.mrm.simulation.run;

import io.mrm.simulation.check.Violation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulation from the command line.
 *
 * <pre>
 *   --seeds N --from S   run seeds S .. S+N-1 (default 10000 from 0) and print progress and figures
 *   --seed N [--trace]   run one seed; with --trace print everything that happened, step by step
 *   --threads T          worker threads for many seeds (default: the machine's processors)
 *   --run-seconds S      virtual length of each run (default 720)
 * </pre>
 *
 * Exits 1 when an invariant was broken.
 */
public final class SimulationMain {

    private SimulationMain() {}

    public static void main(String[] args) {
        long seeds = 10_000;
        long from = 0;
        Long single = null;
        boolean trace = false;
        int threads = Runtime.getRuntime().availableProcessors();
        long runMs = Simulation.DEFAULT_RUN_MS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = Long.parseLong(args[++i]);
                case "--from" -> from = Long.parseLong(args[++i]);
                case "--seed" -> single = Long.parseLong(args[++i]);
                case "--trace" -> trace = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--run-seconds" -> runMs = Long.parseLong(args[++i]) * 1000;
                default -> {
                    System.err.println("unknown option " + args[i] + "; see SimulationMain's Javadoc");
                    System.exit(2);
                }
            }
        }
        boolean failed = single != null ? one(single, runMs, trace) : many(from, seeds, runMs, threads);
        System.exit(failed ? 1 : 0);
    }

    private static boolean one(long seed, long runMs, boolean trace) {
        Simulation simulation = new Simulation(seed, runMs, trace);
        RunResult result = simulation.run();
        if (trace) {
            simulation.trace().print(System.out);
        } else {
            System.out.println(simulation.scenario().describe());
        }
        System.out.printf(
                "seed %d: %s; %,d steps, trace hash %016x%n",
                seed,
                result.violation() == null ? "every invariant held" : result.violation(),
                result.steps(),
                result.traceHash());
        if (result.violation() != null) {
            System.out.println("replay: " + replayCommand(seed, runMs));
            return true;
        }
        return false;
    }

    private static boolean many(long from, long count, long runMs, int threads) {
        System.out.printf(
                "simulating seeds %d..%d, %d s each, on %d threads%n", from, from + count - 1, runMs / 1000, threads);
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        AtomicLong lastPrint = new AtomicLong(start);
        Campaign.Figures figures = Campaign.run(from, count, runMs, threads, r -> {
            long n = done.incrementAndGet();
            long now = System.nanoTime();
            long last = lastPrint.get();
            if (now - last > 10_000_000_000L && lastPrint.compareAndSet(last, now)) {
                System.out.printf("  %,d / %,d seeds (%.0f seeds/s)%n", n, count, n / ((now - start) / 1e9));
            }
            if (r.violation() != null) {
                System.out.println("  seed " + r.seed() + ": " + r.violation());
            }
        });
        System.out.print(figures.summary());
        for (RunResult r : figures.failures) {
            Violation v = r.violation();
            System.out.println(
                    "replay seed " + r.seed() + " (" + v.invariant() + "): " + replayCommand(r.seed(), runMs));
        }
        return figures.failed() > 0;
    }

    /** One line that runs exactly this seed again, traced. */
    public static String replayCommand(long seed, long runMs) {
        return "./mvnw -B -q -o -pl simulation spring-boot:run -Dsim.args=\"--seed " + seed + " --trace"
                + (runMs == Simulation.DEFAULT_RUN_MS ? "" : " --run-seconds " + runMs / 1000) + "\"";
    }
}
