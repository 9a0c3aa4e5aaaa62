package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRouterTest {

    final AlertRouter router = new AlertRouter(List.of(
            new AlertRoute("OrdersDown", Map.of(), "orders", "eu10", "app"),
            new AlertRoute(null, Map.of("team", "orders", "region", "eu10"), "orders", "eu10", "app"),
            new AlertRoute(null, Map.of("team", "orders", "region", "us10"), "orders", "us10", "app")),
            Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "obs-1");

    @Test
    void twoRoutesToTheSameComponentGiveOneObservation() {
        List<HealthObservation> out = router.observations(new ExternalAlert("alertmanager", "OrdersDown",
                Map.of("team", "orders", "region", "eu10"), true, null));

        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.region()).isEqualTo("eu10");
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.detail()).isEqualTo("alertmanager alert OrdersDown firing");
        });
    }

    @Test
    void observationsCarryTheRegionOfTheMonitorThatReceivedTheAlert() {
        AlertRouter labelled = new AlertRouter(List.of(new AlertRoute("OrdersDown", Map.of(), "orders", "eu10", "app")),
                "control", Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC), () -> "obs-2");

        assertThat(labelled.observations(new ExternalAlert("alertmanager", "OrdersDown", Map.of(), true, null)))
                .singleElement().satisfies(o -> {
                    assertThat(o.vantage()).isEqualTo("alertmanager");
                    assertThat(o.vantageRegion()).isEqualTo("control");
                });
    }

    @Test
    void labelsMustAllMatch() {
        assertThat(router.observations(new ExternalAlert("alertmanager", "Other", Map.of("team", "orders"), true,
                null))).isEmpty();
        assertThat(router.observations(new ExternalAlert("alertmanager", "Other",
                Map.of("team", "orders", "region", "us10", "severity", "page"), false, "ok again")))
                .singleElement().satisfies(o -> {
                    assertThat(o.region()).isEqualTo("us10");
                    assertThat(o.status()).isEqualTo(HealthStatus.UP);
                    assertThat(o.detail()).isEqualTo("alertmanager alert Other resolved: ok again");
                });
    }

    @Test
    void aLongSummaryIsCutToTheEventLimit() {
        HealthObservation o = router.observations(new ExternalAlert("azure-monitor", "OrdersDown", Map.of(), true,
                "x".repeat(5000))).get(0);

        assertThat(o.detail()).hasSize(Require.MAX_TEXT).endsWith("...");
    }

    @Test
    void aRouteThatWouldMatchEverythingIsRefused() {
        assertThatThrownBy(() -> new AlertRoute(" ", Map.of(), "orders", "eu10", "app"))
                .hasMessageContaining("would match every alert");
    }
}
