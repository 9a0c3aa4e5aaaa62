package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.codec.TraceParent;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestTraceTest {

    @Test
    void eachRequestStartsANewSampledTraceThatTheW3cFormatAccepts() {
        SplittableRandom random = new SplittableRandom(7);
        Set<String> traces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            TraceParent trace = RequestTrace.start(random);
            assertThat(trace.sampled()).isTrue();
            assertThat(TraceParent.parse(trace.traceparent(), null)).isEqualTo(trace);
            traces.add(trace.traceId());
        }
        assertThat(traces).hasSize(1000);
    }

    @Test
    void anAllZeroIdIsNeverMade() {
        // a generator that gives zeros first: W3C forbids an all-zero trace or span id
        java.util.random.RandomGenerator zerosFirst = new java.util.random.RandomGenerator() {
            private int calls;

            @Override
            public long nextLong() {
                return calls++ < 4 ? 0L : 0x1234_5678_9abc_def0L;
            }
        };
        TraceParent trace = RequestTrace.start(zerosFirst);
        assertThat(trace.traceId()).isNotEqualTo("0".repeat(32));
        assertThat(trace.parentId()).isNotEqualTo("0".repeat(16));
    }
}
