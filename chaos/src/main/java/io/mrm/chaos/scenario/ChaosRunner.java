package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ChaosDeployment;
import io.mrm.chaos.adapter.ComposePolicy;
import io.mrm.chaos.domain.ChaosSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Runs scenarios, each on a deployment of its own (a failover leaves the application in the standby, on hold-down). */
public final class ChaosRunner {

    /** The flapping cycles of the short run (the soak runs more: {@link #scenarios(int)}). */
    public static final int SHORT_FLAP_CYCLES = 24;

    /** The scenarios by name, with the short run's flapping cycles. */
    public static final List<Scenario> SCENARIOS = scenarios(SHORT_FLAP_CYCLES);

    private final Path repository;
    private final PrintStream out;
    private final Duration atMost;

    /**
     * @param repository the repository's root (docker-compose.yml, the modules' exec jars)
     * @param atMost     bound on each wait (a stage of the start, the decision, the plan)
     */
    public ChaosRunner(Path repository, PrintStream out, Duration atMost) {
        this.repository = repository;
        this.out = out;
        this.atMost = atMost;
    }

    /**
     * (a) to (c), the healthy baseline, a paused monitor, a whole region lost, a flapping region, and a paused engine,
     * broker or actuator, and an engine or actuator cut off from the brokers.
     */
    public static List<Scenario> scenarios(int flapCycles) {
        return List.of(
                new EngineKill(),
                new BrokerKill(),
                new ActuatorKill(),
                new HealthyFailover(),
                new MonitorPause(),
                new RegionLoss(),
                new Flapping(flapCycles),
                new EnginePause(),
                new BrokerPause(),
                new ActuatorPause(),
                NetworkPartition.engine(),
                NetworkPartition.actuator());
    }

    public ScenarioResult run(Scenario scenario, long seed) throws IOException {
        String runName = scenario.name() + "-seed" + seed + "-" + System.currentTimeMillis();
        out.println("[chaos] === " + scenario.name() + ", seed " + seed + " (target/chaos/" + runName + ")");
        try (ChaosDeployment deployment = ChaosDeployment.start(repository, runName, out, atMost)) {
            ScenarioResult result = new FailoverRun(deployment, ComposePolicy.read(repository), atMost)
                    .run(scenario, new ChaosSchedule(seed));
            out.print(result.describe());
            return result;
        }
    }

    /**
     * The random mix: for {@code minutes}, a scenario drawn from {@code scenarios} by the seed, with a seed of its
     * own drawn from it too (its fault point, its victim), each on a fresh deployment and checked after it. The run
     * started last finishes after the minutes are up.
     */
    public List<ScenarioResult> runRandom(List<Scenario> scenarios, long seed, Duration minutes) throws IOException {
        SplittableRandom draws = new SplittableRandom(seed);
        Instant end = Instant.now().plus(minutes);
        List<ScenarioResult> results = new ArrayList<>();
        do {
            Scenario scenario = scenarios.get(draws.nextInt(scenarios.size()));
            results.add(run(scenario, draws.nextLong()));
        } while (Instant.now().isBefore(end));
        return results;
    }

    public static Scenario scenario(String name) {
        return SCENARIOS.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name + "; known: "
                        + SCENARIOS.stream().map(Scenario::name).toList()));
    }
}
