package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatusRangeTest {

    @Test
    void rangeIncludesBothEnds() {
        StatusRange range = StatusRange.parse("200-399");

        assertThat(range.contains(199)).isFalse();
        assertThat(range.contains(200)).isTrue();
        assertThat(range.contains(399)).isTrue();
        assertThat(range.contains(400)).isFalse();
        assertThat(range).hasToString("200-399");
    }

    @Test
    void singleCodeIsARangeOfOne() {
        assertThat(StatusRange.parse(" 204 "))
                .isEqualTo(new StatusRange(204, 204))
                .hasToString("204");
    }

    @Test
    void malformedOrInvertedRangesAreRefused() {
        assertThatThrownBy(() -> StatusRange.parse("2xx")).hasMessageContaining("was '2xx'");
        assertThatThrownBy(() -> StatusRange.parse("399-200")).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> StatusRange.parse("200-700")).hasMessageContaining("100-599");
    }
}
