package io.mrm.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link TraceParent} against the examples and rules of W3C Trace Context's "traceparent Header". */
class TraceParentTest {

    @Test
    void readsTheSpecsExamples() {
        TraceParent sampled = TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        assertThat(sampled.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(sampled.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(sampled.sampled()).isTrue();
        assertThat(sampled.traceState()).isNull();
        assertThat(sampled.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", "rojo=00f067aa0ba902b7")
                        .sampled())
                .isFalse();
    }

    @Test
    void theSampledFlagIsBitZeroWhateverTheOtherBits() {
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09", null)
                        .sampled())
                .isTrue();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-08", null)
                        .sampled())
                .isFalse();
    }

    @Test
    void aHigherVersionIsReadByItsFirstFields() {
        TraceParent future = TraceParent.parse(
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds", null);
        assertThat(future.traceparent()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "00-abc-def-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is forbidden
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // uppercase
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 has four fields
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
                "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            })
    void aMalformedTraceparentIsIgnored(String traceparent) {
        assertThat(TraceParent.parse(traceparent, "rojo=1")).isNull();
    }

    @Test
    void anInvalidTracestateIsDroppedAloneKeepingTheTraceparent() {
        TraceParent trace =
                TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1\nset-cookie=x");
        assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(trace.traceState()).isNull();
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a=" + "x".repeat(600))
                        .traceState())
                .isNull();
    }
}
