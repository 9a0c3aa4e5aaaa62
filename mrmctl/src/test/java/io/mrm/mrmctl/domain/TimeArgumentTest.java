package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgumentTest {

    @Test
    void timesAreIsoInstantsOrHowLongAgo() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(TimeArgument.instant("--from", "2h", now)).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(TimeArgument.instant("--from", "30m", now)).isEqualTo(Instant.parse("2026-11-25T11:30:00Z"));
        assertThat(TimeArgument.instant("--from", "7d", now)).isEqualTo(Instant.parse("2026-11-18T12:00:00Z"));
        assertThat(TimeArgument.instant("--to", "2026-11-25T10:00:00Z", now))
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(TimeArgument.instant("--to", "2026-11-25T11:00:00+01:00", now))
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(TimeArgument.instant("--to", null, now)).isNull();
        assertThatThrownBy(() -> TimeArgument.instant("--from", "yesterday", now))
                .hasMessage("--from 'yesterday' is not a time: give an ISO-8601 instant (2026-11-25T10:00:00Z) "
                        + "or how long ago (30m, 2h, 7d)");
    }

    @Test
    void durationsAreShortFormsOrIso() {
        assertThat(TimeArgument.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(TimeArgument.duration("30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TimeArgument.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(TimeArgument.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(TimeArgument.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(TimeArgument.duration("pt90s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> TimeArgument.duration("soon"))
                .hasMessage("'soon' is not a duration (e.g. 30s, 2m, 500ms)");
    }
}
