package io.mrm.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseLengthTest {

    private static final List<PauseLength.Timeout> ENGINE = List.of(PauseLength.TRANSACTION, PauseLength.SESSION);

    @Test
    void everyRegimeIsDrawnAndNoneComesNearATimeout() {
        List<PauseLength> drawn = new ArrayList<>();
        for (long seed = 0; seed < 600; seed++) {
            drawn.add(PauseLength.draw(new ChaosSchedule(seed), ENGINE));
        }

        assertThat(drawn).filteredOn(p -> p.crossed() == 0).isNotEmpty().allSatisfy(p -> {
            assertThat(p.length()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(8));
            assertThat(p.regime()).isEqualTo("within the transaction timeout (10 s)");
            assertThat(p.past()).isEqualTo("within every timeout");
        });
        assertThat(drawn).filteredOn(p -> p.crossed() == 1).isNotEmpty().allSatisfy(p -> {
            assertThat(p.length()).isBetween(Duration.ofSeconds(12), Duration.ofSeconds(36));
            assertThat(p.regime())
                    .isEqualTo("beyond the transaction timeout (10 s), within the session timeout (45 s)");
            assertThat(p.past()).isEqualTo("past the transaction timeout");
        });
        assertThat(drawn).filteredOn(p -> p.crossed() == 2).isNotEmpty().allSatisfy(p -> {
            assertThat(p.length()).isBetween(Duration.ofSeconds(54), Duration.ofMillis(67_500));
            assertThat(p.regime()).isEqualTo("beyond the session timeout (45 s)");
        });
    }

    @Test
    void theSameSeedDrawsTheSamePause() {
        PauseLength first = PauseLength.draw(new ChaosSchedule(42), ENGINE);

        assertThat(PauseLength.draw(new ChaosSchedule(42), ENGINE)).isEqualTo(first);
        assertThat(first.toString()).matches("for \\d+[.,]\\d s \\((within|beyond) the .*\\)");
    }
}
