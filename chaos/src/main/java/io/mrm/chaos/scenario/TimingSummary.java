package io.mrm.chaos.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timings of several runs side by side, per scenario and label (median, fewest, most), e.g. the failover's
 * "outage to switched" healthy against with a broker killed.
 */
public final class TimingSummary {

    private TimingSummary() {}

    public static String of(List<ScenarioResult> results) {
        Map<String, Map<String, List<Duration>>> byScenario = new LinkedHashMap<>();
        for (ScenarioResult result : results) {
            Map<String, List<Duration>> labels =
                    byScenario.computeIfAbsent(result.scenario(), k -> new LinkedHashMap<>());
            result.timings()
                    .forEach((label, d) -> labels.computeIfAbsent(label, k -> new ArrayList<>())
                            .add(d));
        }
        StringBuilder text = new StringBuilder(
                String.format("%-14s %-38s %5s %8s %8s %8s%n", "scenario", "timing", "runs", "median", "min", "max"));
        byScenario.forEach((scenario, labels) -> labels.forEach((label, durations) -> {
            List<Duration> sorted = durations.stream().sorted().toList();
            text.append(String.format(
                    "%-14s %-38s %5d %7.1fs %7.1fs %7.1fs%n",
                    scenario,
                    label,
                    sorted.size(),
                    seconds(sorted.get(sorted.size() / 2)),
                    seconds(sorted.get(0)),
                    seconds(sorted.get(sorted.size() - 1))));
        }));
        return text.toString();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
