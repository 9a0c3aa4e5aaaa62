package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.Violation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one scenario run did and measured, and the invariants it broke.
 *
 * @param faults  what was broken, when, in words
 * @param timings what was measured, by label (e.g. {@code outage to switched})
 * @param checked how much history the invariants were checked on, by kind (switches, commands, ...): a check of an
 *                empty history proves nothing
 */
public record ScenarioResult(
        String scenario,
        long seed,
        List<String> faults,
        Map<String, Duration> timings,
        Map<String, Integer> checked,
        List<Violation> violations) {

    public ScenarioResult {
        faults = List.copyOf(faults);
        timings = new LinkedHashMap<>(timings);
        checked = new LinkedHashMap<>(checked);
        violations = List.copyOf(violations);
    }

    public String describe() {
        StringBuilder text = new StringBuilder()
                .append("scenario ")
                .append(scenario)
                .append(" (seed ")
                .append(seed)
                .append(")\n");
        faults.forEach(f -> text.append("  fault: ").append(f).append('\n'));
        timings.forEach((label, d) -> text.append(String.format("  %-36s %7.1f s%n", label, d.toMillis() / 1000.0)));
        if (!checked.isEmpty()) {
            text.append("  checked on: ");
            checked.forEach((kind, n) -> text.append(n).append(' ').append(kind).append(", "));
            text.setLength(text.length() - 2);
            text.append('\n');
        }
        if (violations.isEmpty()) {
            text.append("  every invariant held\n");
        } else {
            violations.forEach(v -> text.append("  VIOLATED ").append(v).append('\n'));
        }
        return text.toString();
    }
}
