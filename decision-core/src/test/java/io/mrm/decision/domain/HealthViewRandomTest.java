package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The health view the core keeps (and skips rebuilding while it cannot have changed) is, after every step, the
 * view built from scratch at that time, whatever arrives in whatever order: seeded random observations from
 * probes and alert webhooks, monitor runs that restart or replay, times ahead and behind, a clock that steps
 * back and forth, ticks.
 */
class HealthViewRandomTest {

    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2", "vantage-3", "vantage-9");
    static final List<String> RUNS = java.util.Arrays.asList(null, "run-a", "run-b");

    static final ApplicationPolicy DECLARED = DecisionCoreTest.policy(DecisionMode.MANUAL);
    /** Any vantage, two alert webhooks may witness, and the engine restarted with it half-way (a new basis). */
    static final ApplicationPolicy ANY = DECLARED.withVantages(Set.of()).withMaxAlertWitnesses(2);

    @Test
    void theViewShownIsTheViewBuiltFromScratchAfterEveryStep() {
        for (long seed = 1; seed <= 200; seed++) {
            run(seed, 400, DECLARED, DECLARED);
        }
    }

    @Test
    void soItIsUnderAPolicyDeclaringNoVantagesAndAcrossARestartThatChangesThePolicy() {
        for (long seed = 1; seed <= 50; seed++) {
            run(seed, 400, ANY, ANY);
            run(seed, 400, DECLARED, ANY);
            run(seed, 400, ANY, DECLARED);
        }
    }

    private void run(long seed, int steps, ApplicationPolicy first, ApplicationPolicy then) {
        Random random = new Random(seed);
        ApplicationPolicy policy = first;
        DecisionCore core = new DecisionCore(Map.of("orders", policy));
        ApplicationState state = null;
        Instant now = DecisionCoreTest.T0;
        long[] sequence = new long[VANTAGES.size()];
        for (int i = 0; i < steps; i++) {
            if (i == steps / 2) {
                policy = then;
                core = new DecisionCore(Map.of("orders", policy));
            }
            // mostly forward, sometimes a long silence, sometimes the clock steps back (an NTP correction)
            int dice = random.nextInt(20);
            now = now.plusMillis(
                    dice == 0 ? -random.nextInt(40_000) : dice == 1 ? random.nextInt(60_000) : random.nextInt(4_000));
            List<RegionHealthView> before = state == null ? List.of() : state.healthShown();
            StepResult result;
            if (state != null && random.nextInt(6) == 0) {
                result = core.tick(state, now);
            } else {
                int v = random.nextInt(VANTAGES.size());
                sequence[v] = Math.max(1, sequence[v] + (random.nextInt(5) == 0 ? -1 : 1));
                HealthStatus[] statuses = HealthStatus.values();
                HealthObservation o = new HealthObservation(
                        "obs-" + seed + "-" + i,
                        "orders",
                        now.plusMillis(random.nextInt(50_000) - 40_000),
                        1,
                        random.nextBoolean() ? "eu10" : "us10",
                        random.nextInt(4) == 0 ? "hana" : "app",
                        random.nextInt(3) == 0 ? ProbeKind.ALERT_WEBHOOK : ProbeKind.HTTP,
                        VANTAGES.get(v),
                        statuses[random.nextInt(statuses.length)],
                        3L,
                        null,
                        null,
                        RUNS.get(random.nextInt(RUNS.size())),
                        sequence[v]);
                result = core.step(state, o, now);
            }
            state = result.state();
            List<RegionHealthView> fromScratch = HealthAssessment.view(new WorkingState(policy, state, now));
            assertThat(state.healthShown())
                    .as("seed %s step %s at %s", seed, i, now)
                    .isEqualTo(fromScratch);
            if (!state.healthShown().equals(before)) {
                assertThat(result.outputs())
                        .as("seed %s step %s: a changed view is published", seed, i)
                        .filteredOn(TopologyState.class::isInstance)
                        .extracting(e -> ((TopologyState) e).health())
                        .containsExactly(state.healthShown());
            }
        }
    }
}
