package io.mrm.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TimingSummaryTest {

    @Test
    void eachScenarioAndTimingShowsItsMedianFewestAndMost() {
        List<ScenarioResult> results = List.of(
                result("healthy", 6_000),
                result("healthy", 8_000),
                result("healthy", 7_000),
                result("broker-kill", 20_000));

        String summary = TimingSummary.of(results);

        assertThat(summary.lines())
                .anySatisfy(line -> assertThat(line)
                        .startsWith("healthy")
                        .contains("outage to switched")
                        .containsPattern("\\s3\\s+7\\.0s\\s+6\\.0s\\s+8\\.0s$"))
                .anySatisfy(line -> assertThat(line)
                        .startsWith("broker-kill")
                        .containsPattern("\\s1\\s+20\\.0s\\s+20\\.0s\\s+20\\.0s$"));
    }

    private static ScenarioResult result(String scenario, long switchedMillis) {
        return new ScenarioResult(
                scenario,
                1,
                List.of(),
                Map.of("outage to switched", Duration.ofMillis(switchedMillis)),
                Map.of(),
                List.of());
    }
}
