package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.StepResult;
import io.mrm.events.MrmEvent;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adversarial: the store's serialization of a drain-first automatic failover's state, before and after
 * it fell back. A state that forgets {@code fellBack} (or the decision's {@code drainWithinMs}) after a
 * restart of the engine would resume the graceful try, and send a GRACEFUL promote after a fallback.
 */
class DrainFirstStateSerdeTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    final ApplicationPolicy policy =
            ApplicationPolicy.defaults("orders", "eu10", "us10").withFailoverDrainWithin(Duration.ofSeconds(30));
    final DecisionCore core = new DecisionCore(Map.of("orders", policy));
    final Map<String, Long> sequences = new HashMap<>();
    final List<MrmEvent> all = new ArrayList<>();
    ApplicationState state;
    Instant now = T0;
    int seq;

    void feed(MrmEvent input) {
        now = now.plusMillis(100);
        apply(core.step(state, input, now));
    }

    void tick(Duration later) {
        now = now.plus(later);
        apply(core.tick(state, now));
    }

    void apply(StepResult result) {
        // every state goes through the store's serde, as in the engine
        state = ApplicationStateSerde.read(ApplicationStateSerde.write(result.state()));
        assertThat(state).as("state survives the store's serialization").isEqualTo(result.state());
        all.addAll(result.outputs());
    }

    void report(String region, HealthStatus status) {
        for (int round = 0; round < policy.failureThreshold(); round++) {
            for (String vantage : List.of("vantage-1", "vantage-2", "vantage-3")) {
                long number = sequences.merge(vantage, 1L, Long::sum);
                feed(new HealthObservation(
                        "obs-" + ++seq,
                        "orders",
                        now.plusMillis(100),
                        1,
                        region,
                        "app",
                        ProbeKind.HTTP,
                        vantage,
                        status,
                        3L,
                        status == HealthStatus.DOWN ? "HTTP 503" : null,
                        null,
                        "run-" + vantage,
                        number));
            }
        }
    }

    @Test
    void aFallenBackDrainFirstRunSurvivesTheStoreAndSendsNoGracefulPromoteAfterIt() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
        report("eu10", HealthStatus.DOWN);
        assertThat(state.run()).isNotNull();
        assertThat(state.run().decision().drainWithinMs()).isEqualTo(30_000L);
        assertThat(state.run().fellBack()).isFalse();

        tick(Duration.ofSeconds(31)); // eu10 never answers: falls back
        assertThat(state.run().fellBack()).as("fellBack after the round trip").isTrue();
        assertThat(state.run().decision().drainWithinMs()).isEqualTo(30_000L);

        int before = all.size();
        for (int i = 0; i < 20; i++) {
            tick(Duration.ofSeconds(5)); // retries after the round trip
        }
        assertThat(all.subList(before, all.size()).stream()
                        .filter(DataPromoteCommand.class::isInstance)
                        .map(DataPromoteCommand.class::cast))
                .noneMatch(p -> p.mode() == FailoverMode.GRACEFUL);
        assertThat(all.stream()
                        .filter(DataPromoteCommand.class::isInstance)
                        .map(DataPromoteCommand.class::cast)
                        .filter(p -> p.mode() == FailoverMode.FORCED))
                .isNotEmpty();
    }
}
