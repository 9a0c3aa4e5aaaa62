package io.mrm.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each scenario once, each on a fresh deployment of three brokers and nine service JVMs: every invariant must
 * hold. The seed of each is fixed here; a failing seed runs again alone with {@code -Dchaos.seed=...} (see
 * docs/chaos.md). {@code -Dchaos.scenario=random -Dchaos.minutes=5} runs the random mix instead.
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
    @CsvSource({
        "engine-kill",
        "broker-kill",
        "actuator-kill",
        "healthy",
        "monitor-pause",
        "region-loss",
        "flapping",
        "engine-pause",
        "broker-pause",
        "actuator-pause",
        "engine-partition",
        "actuator-partition"
    })
    void everyInvariantHoldsThroughTheFault(String scenario) throws Exception {
        String only = System.getProperty("chaos.scenario");
        Assumptions.assumeTrue(only == null || only.isBlank() || only.equals(scenario), "only " + only + " runs");

        ScenarioResult result = runner().run(ChaosRunner.scenario(scenario), SEED);
        RESULTS.add(result);

        assertHeld(result);
    }

    @Test
    void everyInvariantHoldsThroughARandomMixOfFaults() throws Exception {
        Assumptions.assumeTrue(
                "random".equals(System.getProperty("chaos.scenario")), "only with chaos.scenario=random");
        Duration minutes = Duration.ofMinutes(Long.getLong("chaos.minutes", 5));

        List<ScenarioResult> results = runner().runRandom(ChaosRunner.SCENARIOS, SEED, minutes);
        RESULTS.addAll(results);

        assertThat(results).isNotEmpty();
        results.forEach(ChaosShortIT::assertHeld);
    }

    private static ChaosRunner runner() {
        return new ChaosRunner(Path.of("..").toAbsolutePath().normalize(), System.out, Duration.ofMinutes(4));
    }

    private static void assertHeld(ScenarioResult result) {
        assertThat(result.violations()).as(result.describe()).isEmpty();
        int switches = result.checked().get("switches");
        if (ChaosRunner.scenario(result.scenario()).failoverExpected()) {
            assertThat(result.timings()).as(result.describe()).containsKey("outage to switched");
            assertThat(switches).as(result.describe()).isEqualTo(1);
        } else {
            assertThat(switches).as(result.describe()).isLessThanOrEqualTo(1);
            assertThat(result.checked()).containsEntry("flap cycles", ChaosRunner.SHORT_FLAP_CYCLES);
        }
        if (switches > 0) {
            assertThat(result.checked().get("commands")).isPositive();
            assertThat(result.checked().get("acknowledgements"))
                    .isGreaterThanOrEqualTo(result.checked().get("commands"));
        }
    }
}
