package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertRouterTest {

    static final ComponentKey EU10 = new ComponentKey("orders", "eu10", "app");
    static final ComponentKey US10 = new ComponentKey("orders", "us10", "app");

    final AlertRouter router = new AlertRouter(List.of(
            new AlertRoute("OrdersDown", Map.of(), "orders", "eu10", "app"),
            new AlertRoute(null, Map.of("team", "orders", "region", "eu10"), "orders", "eu10", "app"),
            new AlertRoute(null, Map.of("team", "orders", "region", "us10"), "orders", "us10", "app")));

    @Test
    void twoRoutesToTheSameComponentGiveItOnce() {
        assertThat(router.components(alert("OrdersDown", Map.of("team", "orders", "region", "eu10"))))
                .containsExactly(EU10);
    }

    @Test
    void labelsMustAllMatch() {
        assertThat(router.components(alert("Other", Map.of("team", "orders")))).isEmpty();
        assertThat(router.components(alert("Other", Map.of("team", "orders", "region", "us10", "severity", "page"))))
                .containsExactly(US10);
    }

    @Test
    void aRouteCanMatchAlertNameAndSeverity() {
        AlertRouter bySeverity = new AlertRouter(
                List.of(new AlertRoute("OrdersDown", Set.of("critical", "Sev0", "Sev1"), Map.of(), EU10, false)));

        assertThat(bySeverity.components(alert("OrdersDown", Map.of("severity", "critical"))))
                .containsExactly(EU10);
        assertThat(bySeverity.components(alert("OrdersDown", Map.of("severity", "Sev1"))))
                .containsExactly(EU10);
        assertThat(bySeverity.components(alert("OrdersDown", Map.of("severity", "warning"))))
                .isEmpty();
        assertThat(bySeverity.components(alert("OrdersDown", Map.of()))).isEmpty();
        assertThat(bySeverity.components(alert("OrdersSlow", Map.of("severity", "critical"))))
                .isEmpty();
    }

    @Test
    void aLabelOnlyRouteDoesNotMatchTheAlwaysFiringWatchdog() {
        // Watchdog carries the Prometheus' external labels, region included
        ExternalAlert watchdog = alert("Watchdog", Map.of("team", "orders", "region", "eu10", "severity", "none"));

        assertThat(router.ignores(watchdog)).isTrue();
        assertThat(router.components(watchdog)).isEmpty();
        assertThat(router.components(alert("InfoInhibitor", Map.of("team", "orders", "region", "eu10"))))
                .isEmpty();
    }

    @Test
    void theIgnoreListIsConfigurable() {
        AlertRouter custom = new AlertRouter(
                List.of(new AlertRoute(null, Map.of("region", "eu10"), "orders", "eu10", "app")),
                Set.of("DeadMansSnitch"));

        assertThat(custom.components(alert("DeadMansSnitch", Map.of("region", "eu10"))))
                .isEmpty();
        assertThat(custom.components(alert("Watchdog", Map.of("region", "eu10"))))
                .containsExactly(EU10);
    }

    @Test
    void aRouteNamingAnIgnoredAlertIsRefused() {
        assertThatThrownBy(
                        () -> new AlertRouter(List.of(new AlertRoute("Watchdog", Map.of(), "orders", "eu10", "app"))))
                .hasMessageContaining("Watchdog, which is ignored");
    }

    @Test
    void routesToOneComponentMustAgreeWhetherResolutionMeansUp() {
        assertThatThrownBy(() -> new AlertRouter(List.of(
                        new AlertRoute("A", Set.of(), Map.of(), EU10, true),
                        new AlertRoute("B", Set.of(), Map.of(), EU10, false))))
                .hasMessageContaining("routes to orders/eu10/app disagree");
        assertThat(new AlertRouter(List.of(new AlertRoute("A", Set.of(), Map.of(), EU10, true))).resolvedMeansUp(EU10))
                .isTrue();
        assertThat(router.resolvedMeansUp(EU10)).isFalse();
    }

    @Test
    void aRouteThatWouldMatchEverythingIsRefused() {
        assertThatThrownBy(() -> new AlertRoute(" ", Map.of(), "orders", "eu10", "app"))
                .hasMessageContaining("would match every alert");
    }

    private static ExternalAlert alert(String name, Map<String, String> labels) {
        return new ExternalAlert("alertmanager", name, labels, true, null);
    }
}
