package io.mrm.board.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.board.domain.BoardState;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SseHubTest {

    @Test
    void refusesAListenerBeyondTheLimit() {
        BoardState state = new BoardState(10, Duration.ofHours(1), 10);
        try (SseHub hub = new SseHub(state, 2, Duration.ofHours(1), Duration.ofMinutes(5), Clock.systemUTC())) {
            hub.subscribe();
            hub.subscribe();

            assertThatThrownBy(hub::subscribe).isInstanceOf(SseHub.Full.class).hasMessageContaining("2 live pages");
            assertThat(hub.clients()).isEqualTo(2);
        }
    }
}
