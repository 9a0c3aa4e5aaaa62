package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ChaosDeployment;
import io.mrm.chaos.adapter.ComposePolicy;
import io.mrm.chaos.domain.ChaosSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs scenarios, each on a deployment of its own (a failover leaves the application in the standby, on hold-down). */
public final class ChaosRunner {

    /** The scenarios by name: (a) to (c), and the healthy baseline. */
    public static final List<Scenario> SCENARIOS =
            List.of(new EngineKill(), new BrokerKill(), new ActuatorKill(), new HealthyFailover());

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

    public static Scenario scenario(String name) {
        return SCENARIOS.stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario " + name + "; known: "
                        + SCENARIOS.stream().map(Scenario::name).toList()));
    }
}
