package io.mrm.board.domain;

import static io.mrm.board.domain.BoardFixtures.T0;
import static io.mrm.board.domain.BoardFixtures.alert;
import static io.mrm.board.domain.BoardFixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.topology.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BoardStateTest {

    private final BoardState state = new BoardState(3, Duration.ofHours(24), 2);

    @Test
    void keepsTheLatestTopologyAndIgnoresAnOlderOneArrivingLate() {
        assertThat(state.apply(topology("shop", 2_000, "region-b", 1, Phase.STEADY), T0))
                .isPresent();

        assertThat(state.apply(topology("shop", 1_000, "region-a", 0, Phase.STEADY), T0))
                .isEmpty();

        ApplicationBoard shop = state.application("shop").orElseThrow();
        assertThat(shop.topology().activeRegion()).isEqualTo("region-b");
        assertThat(shop.topology().epoch()).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheNewestRecentEventsPerApplicationNewestFirst() {
        for (int i = 0; i < 5; i++) {
            state.apply(alert("shop", i * 1_000L, "alert " + i), T0.plusSeconds(10));
        }

        assertThat(state.application("shop").orElseThrow().recent())
                .extracting(RecentEvent::text)
                .containsExactly("alert 4", "alert 3", "alert 2");
    }

    @Test
    void dropsRecentEventsOlderThanTheWindow() {
        Instant now = T0.plus(Duration.ofHours(25));
        assertThat(state.apply(alert("shop", 0, "yesterday's"), now)).isEmpty();
        state.apply(alert("shop", Duration.ofHours(2).toMillis(), "within the day"), now);

        assertThat(state.application("shop").orElseThrow().recent())
                .extracting(RecentEvent::text)
                .containsExactly("within the day");
    }

    @Test
    void showsAtMostMaxApplicationsAndCountsTheEventsOfOthers() {
        state.apply(topology("a", 0, "region-a", 0, Phase.STEADY), T0);
        state.apply(topology("b", 0, "region-a", 0, Phase.STEADY), T0);

        assertThat(state.apply(topology("c", 0, "region-a", 0, Phase.STEADY), T0))
                .isEmpty();

        assertThat(state.applications())
                .extracting(ApplicationBoard::application)
                .containsExactly("a", "b");
        assertThat(state.ignoredApplications()).isEqualTo(1);
    }

    @Test
    void everyChangeGetsTheNextVersion() {
        ApplicationBoard first = state.apply(topology("shop", 0, "region-a", 0, Phase.STEADY), T0)
                .orElseThrow();
        ApplicationBoard second = state.apply(alert("shop", 10, "x"), T0).orElseThrow();

        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(second.topology()).isSameAs(first.topology());
        assertThat(state.version()).isEqualTo(second.version());
    }
}
