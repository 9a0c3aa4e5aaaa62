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

    @Test
    void aDownAfterThatOneLostCheckWouldReachIsRefused() {
        // down-after 10s with checks every 5s that may take 3s: answer at 0; the next check (5s) is lost at 8s;
        // the one after (13s) answers at up to 16s, so readiness would go DOWN on one lost call
        assertThatThrownBy(() -> new KafkaConnectivityProperties(
                        Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mrm.kafka.connectivity.down-after");
        // down-after equal to the interval: DOWN between any two checks, however fast they answer
        assertThatThrownBy(() -> new KafkaConnectivityProperties(
                        Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShortestAcceptedDownAfterSurvivesOneLostCheck() {
        Duration interval = Duration.ofSeconds(5);
        Duration timeout = Duration.ofSeconds(3);
        Duration downAfter = interval.plus(timeout).multipliedBy(2);
        new KafkaConnectivityProperties(interval, timeout, downAfter);
        KafkaConnectivityState accepted = new KafkaConnectivityState(downAfter, 0);

        accepted.answered(0, "cluster-1", 1); // a check answered at 0
        accepted.failed(8 * S, "TimeoutException"); // the next, started at 5 s, timed out at 8 s
        // the one after starts at 13 s and answers just within its timeout
        assertThat(accepted.up(16 * S - 1)).isTrue();
    }
}
