package io.mrm.chaos.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {

    @Test
    void theSameSeedMakesTheSameChoices() {
        ChaosSchedule first = new ChaosSchedule(42);
        ChaosSchedule again = new ChaosSchedule(42);

        assertThat(List.of(first.planPoint(8), first.planPoint(8), first.pick(List.of("a", "b", "c"))))
                .isEqualTo(List.of(again.planPoint(8), again.planPoint(8), again.pick(List.of("a", "b", "c"))));
    }

    @Test
    void consecutiveSeedsStrikeAtEveryStepAndBothMoments() {
        Set<ChaosSchedule.PlanPoint> points = new HashSet<>();
        IntStream.rangeClosed(1, 200).forEach(seed -> points.add(new ChaosSchedule(seed).planPoint(8)));

        assertThat(points).hasSize(16);
    }

    @Test
    void durationsAreDrawnFromTheWholeRangeAndOnlyFromIt() {
        ChaosSchedule schedule = new ChaosSchedule(7);
        List<Duration> drawn = IntStream.range(0, 500)
                .mapToObj(i -> schedule.between(Duration.ofMillis(900), Duration.ofMillis(5100)))
                .toList();

        assertThat(drawn).allMatch(d -> d.toMillis() >= 900 && d.toMillis() < 5100);
        assertThat(drawn).anyMatch(d -> d.toMillis() < 1500).anyMatch(d -> d.toMillis() > 4500);
        assertThatThrownBy(() -> schedule.between(Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPlanWithoutStepsHasNoPointToStrike() {
        assertThatThrownBy(() -> new ChaosSchedule(1).planPoint(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
