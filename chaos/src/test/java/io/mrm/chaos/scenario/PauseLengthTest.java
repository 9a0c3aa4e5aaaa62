package io.mrm.chaos.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PauseLengthTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(45);

    @Test
    void aPauseIsClearlyWithinOrClearlyBeyondTheTimeoutAndBothAreDrawn() {
        List<PauseLength> drawn = new ArrayList<>();
        for (long seed = 0; seed < 500; seed++) {
            drawn.add(PauseLength.draw(new ChaosSchedule(seed), TIMEOUT, "the session timeout"));
        }

        assertThat(drawn)
                .filteredOn(PauseLength::beyond)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.length())
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(54))
                        .isLessThan(Duration.ofMillis(67_500)));
        assertThat(drawn)
                .filteredOn(p -> !p.beyond())
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.length())
                        .isGreaterThanOrEqualTo(Duration.ofMillis(4_500))
                        .isLessThan(Duration.ofMillis(22_500)));
    }

    @Test
    void theSameSeedDrawsTheSamePause() {
        PauseLength first = PauseLength.draw(new ChaosSchedule(42), TIMEOUT, "the session timeout");

        assertThat(PauseLength.draw(new ChaosSchedule(42), TIMEOUT, "the session timeout"))
                .isEqualTo(first);
        assertThat(first.toString())
                .matches("for \\d+[.,]\\d s \\((within|beyond) the session timeout's 45 s\\)")
                .contains(first.beyond() ? "beyond" : "within");
    }
}
