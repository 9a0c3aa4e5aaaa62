package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The alert intake's state, driven by hand with a settable clock. */
class AlertedComponentsTest {

    static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration MAX_AGE = Duration.ofHours(5);
    static final ComponentKey DB = new ComponentKey("shop", "eu10", "db");
    static final ComponentKey APP = new ComponentKey("shop", "eu10", "app");
    static final ComponentKey APP_US = new ComponentKey("shop", "us10", "app");

    final SettableClock clock = new SettableClock(START);
    final AtomicInteger ids = new AtomicInteger();

    @Test
    void oneNotificationWithThreeFiringPodsIsOneDownObservation() {
        AlertedComponents state = state(route("DbLag", DB, false));

        AlertedComponents.Received received = state.receive(
                List.of(pod("DbLag", "db-0", true), pod("DbLag", "db-1", true), pod("DbLag", "db-2", true)));

        assertThat(received.observations()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.component()).isEqualTo("db");
            assertThat(o.detail())
                    .isEqualTo(
                            "alertmanager: 3 alerts firing: DbLag: db-0 lags; DbLag: db-1 lags; " + "DbLag: db-2 lags");
        });
        assertThat(state.refresh()).hasSize(1);
    }

    @Test
    void aResolvedSiblingSortedAfterAFiringOneLeavesTheComponentDown() {
        AlertedComponents state = state(route("DbLag", DB, true));

        assertThat(state.receive(List.of(pod("DbLag", "db-0", true), pod("DbLag", "db-1", false)))
                        .observations())
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
                    assertThat(o.detail()).isEqualTo("alertmanager alert DbLag firing: db-0 lags");
                });
        // even where resolution counts as health, the component is UP only once its last alert resolved
        assertThat(state.receive(List.of(pod("DbLag", "db-0", false))).observations())
                .singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo(HealthStatus.UP));
    }

    @Test
    void aResolvedAlertEndsTheDownReportsWithoutReportingUp() {
        AlertedComponents state = state(route("RegionDown", APP, false));
        state.receive(List.of(alert("RegionDown", "f1", true, null)));

        // e.g. auto-resolved by Alertmanager because the Prometheus in the region died with it
        AlertedComponents.Received resolved = state.receive(List.of(alert("RegionDown", "f1", false, null)));

        assertThat(resolved.observations()).isEmpty();
        assertThat(resolved.unmatched()).isZero();
        assertThat(state.refresh()).isEmpty();
        assertThat(state.size()).isZero();
    }

    @Test
    void aRouteThatTakesResolutionAsHealthReportsUpUntilMaxAge() {
        AlertedComponents state = state(route("RegionDown", APP, true));
        state.receive(List.of(alert("RegionDown", "f1", true, null)));

        assertThat(state.receive(List.of(alert("RegionDown", "f1", false, null)))
                        .observations())
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.status()).isEqualTo(HealthStatus.UP);
                    assertThat(o.detail()).isEqualTo("alertmanager alert RegionDown resolved");
                });
        clock.advance(MAX_AGE.minusSeconds(1));
        assertThat(state.refresh())
                .singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo(HealthStatus.UP));
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.refresh()).isEmpty();
    }

    @Test
    void aFiringAlertIsReportedOnEveryRefreshUntilItResolves() {
        AlertedComponents state = state(route("RegionDown", APP, false));
        state.receive(List.of(alert("RegionDown", "f1", true, "answers 503")));

        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(state.refresh()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
                assertThat(o.time()).isEqualTo(clock.instant());
                assertThat(o.detail()).isEqualTo("alertmanager alert RegionDown firing: answers 503");
            });
        }
        state.receive(List.of(alert("RegionDown", "f1", false, null)));
        assertThat(state.refresh()).isEmpty();
    }

    @Test
    void aRefreshReportsEveryHeldComponentOnce() {
        AlertedComponents state = state(route("DbLag", DB, false), route("RegionDown", APP, false));
        state.receive(
                List.of(pod("DbLag", "db-0", true), pod("DbLag", "db-1", true), alert("RegionDown", "f1", true, null)));

        List<HealthObservation> refreshed = state.refresh();

        assertThat(refreshed).extracting(HealthObservation::component).containsExactly("db", "app");
        assertThat(refreshed).extracting(HealthObservation::id).doesNotHaveDuplicates();
    }

    @Test
    void aFiringAlertExpiresAtItsEndsAt() {
        AlertedComponents state = state(route("RegionDown", APP, true));
        state.receive(List.of(new ExternalAlert(
                "alertmanager", "RegionDown", Map.of(), true, null, "f1", START.plus(Duration.ofMinutes(4)))));

        clock.advance(Duration.ofMinutes(4).minusMillis(1));
        assertThat(state.refresh())
                .singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo(HealthStatus.DOWN));
        clock.advance(Duration.ofMillis(1));
        // ended without news: not reported, and not UP either, though resolution would count as health
        assertThat(state.refresh()).isEmpty();
    }

    @Test
    void aFiringAlertWithoutARepeatExpiresAfterMaxAgeAndARepeatRenewsIt() {
        AlertedComponents state = state(route("RegionDown", APP, false));
        state.receive(List.of(alert("RegionDown", "f1", true, null)));
        clock.advance(Duration.ofHours(4));
        state.receive(List.of(alert("RegionDown", "f1", true, null))); // Alertmanager's repeat

        clock.advance(MAX_AGE.minusSeconds(1));
        assertThat(state.refresh()).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.refresh()).isEmpty();
    }

    @Test
    void aFiringAlertAlreadyPastItsEndsAtCountsAsEndedNotAsHealthy() {
        AlertedComponents state = state(route("RegionDown", APP, true));

        AlertedComponents.Received received = state.receive(List.of(
                new ExternalAlert("alertmanager", "RegionDown", Map.of(), true, null, "f1", START.minusSeconds(1))));

        assertThat(received.observations()).isEmpty();
        assertThat(state.size()).isZero();
    }

    @Test
    void alertsWithoutFingerprintAreToldApartByTheirLabels() {
        AlertedComponents state = state(route("DbLag", DB, false));
        state.receive(List.of(
                new ExternalAlert("alertmanager", "DbLag", Map.of("pod", "db-0"), true, null),
                new ExternalAlert("alertmanager", "DbLag", Map.of("pod", "db-1"), true, null)));

        state.receive(List.of(new ExternalAlert("alertmanager", "DbLag", Map.of("pod", "db-1"), false, null)));

        assertThat(state.refresh())
                .singleElement()
                .satisfies(o -> assertThat(o.detail()).isEqualTo("alertmanager alert DbLag firing"));
    }

    @Test
    void twoSendersAreTwoWitnessesOfOneComponent() {
        AlertedComponents state = state(route("RegionDown", APP, false));
        state.receive(List.of(alert("RegionDown", "f1", true, null)));
        state.receive(
                List.of(new ExternalAlert("azure-monitor", "RegionDown", Map.of(), true, null, "/alerts/1", null)));

        assertThat(state.refresh())
                .extracting(HealthObservation::vantage)
                .containsExactly("alertmanager", "azure-monitor");
    }

    @Test
    void oneObservationPerComponentPerNotificationAcrossRoutesAndAlerts() {
        AlertedComponents state = state(
                route("RegionDown", APP, false),
                new AlertRoute(null, Set.of(), Map.of("team", "shop"), APP, false),
                route("RegionDown", APP_US, false));

        AlertedComponents.Received received = state.receive(List.of(
                new ExternalAlert("alertmanager", "RegionDown", Map.of("team", "shop"), true, null, "f1", null),
                new ExternalAlert("alertmanager", "Other", Map.of("team", "shop"), true, null, "f2", null),
                new ExternalAlert("alertmanager", "Unrelated", Map.of(), true, null, "f3", null)));

        assertThat(received.observations())
                .extracting(HealthObservation::region)
                .containsExactly("eu10", "us10");
        assertThat(received.unmatched()).isEqualTo(1);
    }

    @Test
    void observationsAreAlertWebhookReportsFromTheSenderWithThisMonitorsRegion() {
        AlertedComponents state = new AlertedComponents(
                new AlertRouter(List.of(route("RegionDown", APP, false))),
                MAX_AGE,
                "control",
                clock,
                () -> "obs-" + ids.incrementAndGet());

        assertThat(state.receive(List.of(alert("RegionDown", "f1", true, "x".repeat(5000))))
                        .observations())
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.id()).isEqualTo("obs-1");
                    assertThat(o.applicationId()).isEqualTo("shop");
                    assertThat(o.probe()).isEqualTo(ProbeKind.ALERT_WEBHOOK);
                    assertThat(o.vantage()).isEqualTo("alertmanager");
                    assertThat(o.vantageRegion()).isEqualTo("control");
                    assertThat(o.time()).isEqualTo(START);
                    assertThat(o.latencyMs()).isNull();
                    assertThat(o.detail()).hasSize(Require.MAX_TEXT).endsWith("...");
                });
    }

    private AlertedComponents state(AlertRoute... routes) {
        return new AlertedComponents(
                new AlertRouter(List.of(routes)), MAX_AGE, null, clock, () -> "obs-" + ids.incrementAndGet());
    }

    private static AlertRoute route(String alertName, ComponentKey component, boolean resolvedMeansUp) {
        return new AlertRoute(alertName, Set.of(), Map.of(), component, resolvedMeansUp);
    }

    private static ExternalAlert alert(String name, String fingerprint, boolean firing, String summary) {
        return new ExternalAlert(
                "alertmanager", name, Map.of("severity", "critical"), firing, summary, fingerprint, null);
    }

    private static ExternalAlert pod(String name, String pod, boolean firing) {
        return new ExternalAlert(
                "alertmanager", name, Map.of("pod", pod), firing, pod + " lags", name + "/" + pod, null);
    }
}
