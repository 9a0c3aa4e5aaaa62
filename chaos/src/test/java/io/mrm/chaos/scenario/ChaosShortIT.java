package io.mrm.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Scenarios (a) to (c) once each, and the healthy failover their timings compare to, each on a fresh deployment of
 * three brokers and nine service JVMs: every invariant must hold. The seed of each is fixed here; a failing seed
 * runs again alone with {@code -Dchaos.seed=...} (see docs/chaos.md).
 */
class ChaosShortIT {

    private static final long SEED = Long.getLong("chaos.seed", 20261207L);
    private static final List<ScenarioResult> RESULTS = new CopyOnWriteArrayList<>();

    @AfterAll
    static void printTimingsSideBySide() {
        if (!RESULTS.isEmpty()) {
            System.out.print(TimingSummary.of(RESULTS));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"engine-kill", "broker-kill", "actuator-kill", "healthy"})
    void everyInvariantHoldsThroughTheFault(String scenario) throws Exception {
        String only = System.getProperty("chaos.scenario");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                only == null || only.isBlank() || only.equals(scenario), "only " + only + " runs");
        ChaosRunner runner =
                new ChaosRunner(Path.of("..").toAbsolutePath().normalize(), System.out, Duration.ofMinutes(4));

        ScenarioResult result = runner.run(ChaosRunner.scenario(scenario), SEED);
        RESULTS.add(result);

        assertThat(result.timings()).containsKey("outage to switched");
        assertThat(result.checked()).containsEntry("switches", 1);
        assertThat(result.checked().get("commands")).isPositive();
        assertThat(result.checked().get("acknowledgements"))
                .isGreaterThanOrEqualTo(result.checked().get("commands"));
        assertThat(result.violations()).isEmpty();
    }
}
