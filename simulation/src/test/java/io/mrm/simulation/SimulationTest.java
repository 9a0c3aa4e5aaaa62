package io.mrm.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.simulation.check.Coverage;
import io.mrm.simulation.run.Campaign;
import io.mrm.simulation.run.RunResult;
import io.mrm.simulation.run.Simulation;
import io.mrm.simulation.run.SimulationMain;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The deterministic simulation of the whole control loop (README, "Deterministic simulation"): 10,000
 * seeds, every invariant after every step, each interesting case reached by enough seeds for the
 * invariants not to hold vacuously, and the same seed giving the same run.
 */
class SimulationTest {

    static final int SEEDS = Integer.getInteger("simulation.seeds", 10_000);

    /**
     * The share of seeds (in %) that must reach each case: about half of what 10,000 seeds reach, so that
     * a change to the scenarios that stops exercising a rule fails here, and chance does not.
     */
    static final Map<Coverage, Double> MINIMUM = new EnumMap<>(Map.ofEntries(
            Map.entry(Coverage.AUTOMATIC_FAILOVER, 25.0),
            Map.entry(Coverage.AUTOMATIC_PROPOSAL, 8.0),
            Map.entry(Coverage.MANUAL_FAILOVER, 5.0),
            Map.entry(Coverage.FAILBACK, 1.5),
            Map.entry(Coverage.BREAK_GLASS, 2.5),
            Map.entry(Coverage.PLAN_COMPLETED, 30.0),
            Map.entry(Coverage.PLAN_PAUSED, 6.0),
            Map.entry(Coverage.RESUME, 3.0),
            Map.entry(Coverage.SKIP, 0.5),
            Map.entry(Coverage.ABORT, 0.8),
            Map.entry(Coverage.ABORT_DIVERGED, 1.5),
            Map.entry(Coverage.STALE_REFUSAL, 0.02),
            Map.entry(Coverage.FENCE_PENDING, 15.0),
            Map.entry(Coverage.FENCE_COMPLETED, 12.0),
            Map.entry(Coverage.SPLIT_DATA_HEALED, 8.0),
            Map.entry(Coverage.SPLIT_BROKERS_HEALED, 25.0),
            Map.entry(Coverage.PROPOSAL_APPROVED, 4.0),
            Map.entry(Coverage.PROPOSAL_REJECTED, 1.5),
            Map.entry(Coverage.PROPOSAL_EXPIRED, 1.0),
            Map.entry(Coverage.PROPOSAL_WITHDRAWN, 3.0),
            Map.entry(Coverage.PROPOSAL_SUPERSEDED, 0.2),
            Map.entry(Coverage.OUTAGE_DURING_PROPOSAL, 0.2),
            Map.entry(Coverage.OUTAGE_WHILE_DIVERGED, 1.5),
            Map.entry(Coverage.SELF_APPROVAL_REFUSED, 0.5),
            Map.entry(Coverage.SAFETY_RULE_BLOCKED, 15.0),
            Map.entry(Coverage.HOLD_DOWN_BLOCKED, 5.0),
            Map.entry(Coverage.BOTH_REGIONS_DOWN, 8.0),
            // an engine working through the backlog a crash left raises neither any more (most seeds that reached
            // them did so that way, falsely): 11 % and 29.8 % of 10,000 seeds since, from monitors really silent
            Map.entry(Coverage.BLIND, 8.0),
            Map.entry(Coverage.QUORUM_LOST, 25.0),
            Map.entry(Coverage.CLOCK_SKEW_REFUSED, 10.0),
            Map.entry(Coverage.UNKNOWN_SOURCE_REFUSED, 4.0),
            Map.entry(Coverage.SIGNED_REQUEST_REFUSED, 0.35),
            Map.entry(Coverage.STATE_KEPT_ACROSS_CRASH, 30.0),
            Map.entry(Coverage.RESTORE_FROM_TOPOLOGY, 15.0),
            Map.entry(Coverage.RESET, 2.0),
            Map.entry(Coverage.DNS_ROUTE_CHECKED, 30.0),
            Map.entry(Coverage.GRACEFUL_PROMOTE_CHECKED, 4.0),
            Map.entry(Coverage.DRAINED_FAILOVER_PROMOTE_CHECKED, 8.0),
            Map.entry(Coverage.FAILOVER_FELL_BACK, 7.0),
            Map.entry(Coverage.FAILOVER_DRAINED, 7.0),
            Map.entry(Coverage.BREAK_GLASS_EXCLUDED, 1.5)));

    @Test
    void everyInvariantHoldsForTenThousandSeedsAndEveryCaseIsReached() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        Campaign.Figures figures = Campaign.run(0, SEEDS, Simulation.DEFAULT_RUN_MS, threads, r -> {});
        System.out.print(figures.summary());

        StringBuilder failures = new StringBuilder();
        for (RunResult r : figures.failures) {
            failures.append("\nseed ")
                    .append(r.seed())
                    .append(": ")
                    .append(r.violation())
                    .append("\n  replay: ")
                    .append(SimulationMain.replayCommand(r.seed(), Simulation.DEFAULT_RUN_MS))
                    .append("\n  last steps:\n")
                    .append(tail(r.seed()));
        }
        assertThat(figures.failed())
                .as("seeds that broke an invariant" + failures)
                .isZero();
        for (Map.Entry<Coverage, Double> minimum : MINIMUM.entrySet()) {
            // fewer seeds (-Dsimulation.seeds) reach the rare cases less often: the minimum scales down
            assertThat(figures.percent(minimum.getKey()))
                    .as("%% of seeds reaching %s", minimum.getKey())
                    .isGreaterThanOrEqualTo(minimum.getValue() * Math.min(1, SEEDS / 10_000.0));
        }
        assertThat(MINIMUM.keySet()).as("every case has a minimum").containsAll(List.of(Coverage.values()));
    }

    @Test
    void aSeedRunTwiceGivesTheSameTraceAndTracingChangesNothing() {
        long[] first = LongStream.range(0, 40)
                .map(s -> s * 997)
                .map(s -> Simulation.run(s, Simulation.DEFAULT_RUN_MS).traceHash())
                .toArray();
        long[] again = LongStream.range(0, 40)
                .map(s -> s * 997)
                .map(s -> Simulation.run(s, Simulation.DEFAULT_RUN_MS).traceHash())
                .toArray();
        assertThat(again).isEqualTo(first);
        Simulation traced = new Simulation(997, Simulation.DEFAULT_RUN_MS, true);
        RunResult result = traced.run();
        assertThat(result.traceHash()).isEqualTo(first[1]);
        assertThat(traced.trace().lines())
                .as("a traced run prints what happened")
                .hasSizeGreaterThan(100);
    }

    /** The last lines of a failing seed's trace: enough to see what led to it (the replay command shows all). */
    private static String tail(long seed) {
        Simulation again = new Simulation(seed, Simulation.DEFAULT_RUN_MS, true);
        again.run();
        List<String> lines = again.trace().lines();
        StringBuilder b = new StringBuilder();
        b.append("    ").append(lines.get(0)).append('\n');
        lines.subList(Math.max(1, lines.size() - 60), lines.size())
                .forEach(l -> b.append("    ").append(l).append('\n'));
        return b.toString();
    }
}
