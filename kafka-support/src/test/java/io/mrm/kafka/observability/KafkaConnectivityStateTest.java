package io.mrm.kafka.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaConnectivityStateTest {

    static final long S = 1_000_000_000L;
    final KafkaConnectivityState state = new KafkaConnectivityState(Duration.ofSeconds(20), 0);

    @Test
    void notReadyBeforeTheClusterFirstAnswers() {
        state.failed(3 * S, "TimeoutException: no node");

        KafkaConnectivityState.Verdict verdict = state.verdict(4 * S);
        assertThat(verdict.up()).isFalse();
        assertThat(verdict.details()).containsEntry("lastAnswer", "none yet").containsEntry("failedChecksInARow", 1L);
    }

    @Test
    void oneFailedCheckAfterAnAnswerLeavesItUp() {
        state.answered(1 * S, "cluster-1", 3);
        state.failed(6 * S, "TimeoutException: slow");

        KafkaConnectivityState.Verdict verdict = state.verdict(7 * S);
        assertThat(verdict.up()).isTrue();
        assertThat(verdict.details())
                .containsEntry("clusterId", "cluster-1")
                .containsEntry("brokers", 3)
                .containsEntry("lastError", "TimeoutException: slow");
    }

    @Test
    void downOnceTheClusterHasNotAnsweredForDownAfterAndUpAgainWithTheNextAnswer() {
        state.answered(1 * S, "cluster-1", 3);
        for (long t = 6; t <= 21; t += 5) {
            state.failed(t * S, "TimeoutException");
        }
        assertThat(state.up(20 * S)).isTrue();
        assertThat(state.up(21 * S)).isFalse();
        assertThat(state.unansweredFor(21 * S)).isEqualTo(Duration.ofSeconds(20));

        state.answered(26 * S, "cluster-1", 3);
        KafkaConnectivityState.Verdict verdict = state.verdict(26 * S);
        assertThat(verdict.up()).isTrue();
        assertThat(verdict.details()).doesNotContainKeys("failedChecksInARow", "lastError");
    }

    @Test
    void aDownAfterShorterThanTheCheckIntervalIsRefused() {
        assertThatThrownBy(() -> new KafkaConnectivityProperties(
                        Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mrm.kafka.connectivity.down-after");
    }
}
