package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ObservationRuleTest {

    static final Instant NOW = Instant.parse("2026-03-01T10:15:30Z");
    static final ProbeTarget TARGET =
            new ProbeTarget("orders", "eu10", "app", ProbeKind.HTTP, Duration.ofSeconds(1), Duration.ofSeconds(5));
    final ObservationRule rule = new ObservationRule("vantage-a", Clock.fixed(NOW, ZoneOffset.UTC), () -> "obs-1");

    @Test
    void resultBecomesAnObservationOfTheTargetFromThisVantage() {
        HealthObservation observation = rule.observe(TARGET, ProbeResult.down(Duration.ofMillis(1234), "HTTP 503"));

        assertThat(observation.id()).isEqualTo("obs-1");
        assertThat(observation.applicationId()).isEqualTo("orders");
        assertThat(observation.time()).isEqualTo(NOW);
        assertThat(observation.schemaVersion()).isEqualTo(HealthObservation.SCHEMA_VERSION);
        assertThat(observation.region()).isEqualTo("eu10");
        assertThat(observation.component()).isEqualTo("app");
        assertThat(observation.probe()).isEqualTo(ProbeKind.HTTP);
        assertThat(observation.vantage()).isEqualTo("vantage-a");
        assertThat(observation.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(observation.latencyMs()).isEqualTo(1234L);
        assertThat(observation.detail()).isEqualTo("HTTP 503");
    }

    @Test
    void observationsCarryTheRegionOfThisMonitorWhenConfigured() {
        ObservationRule labelled =
                new ObservationRule("vantage-a", "us10", Clock.fixed(NOW, ZoneOffset.UTC), () -> "obs-2");

        assertThat(labelled.observe(TARGET, ProbeResult.up(Duration.ZERO, "ok")).vantageRegion())
                .isEqualTo("us10");
        assertThat(rule.observe(TARGET, ProbeResult.up(Duration.ZERO, "ok")).vantageRegion())
                .isNull();
        assertThatThrownBy(() -> new ObservationRule("vantage-a", "US10", Clock.systemUTC(), () -> "x"))
                .hasMessageContaining("vantageRegion 'US10' is not valid");
    }

    @Test
    void overlongDetailIsCutToTheEventLimit() {
        HealthObservation observation = rule.observe(TARGET, ProbeResult.up(Duration.ZERO, "x".repeat(5000)));

        assertThat(observation.detail()).hasSize(Require.MAX_TEXT).endsWith("...");
    }

    @Test
    void unknownLatencyStaysUnknown() {
        assertThat(rule.observe(TARGET, ProbeResult.up(null, null)).latencyMs()).isNull();
    }

    @Test
    void probeThatOverranItsTimeoutIsDownWithTheTimeoutInTheDetail() {
        ProbeResult result = ObservationRule.failure(
                TARGET, new CompletionException(new TimeoutException()), Duration.ofMillis(5001));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("probe gave no result within 5000 ms");
        assertThat(result.latency()).isEqualTo(Duration.ofMillis(5001));
    }

    @Test
    void probeThatThrewIsDownWithTheReason() {
        ProbeResult result = ObservationRule.failure(TARGET, new IllegalStateException("boom"), Duration.ZERO);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("probe failed: IllegalStateException: boom");
    }

    @Test
    void vantageMustBeAName() {
        assertThatThrownBy(() -> new ObservationRule("Vantage_A", Clock.systemUTC(), () -> "x"))
                .hasMessageContaining("vantage 'Vantage_A' is not valid");
    }

    @Test
    void targetRefusesInvalidNamesAndNonPositiveDurations() {
        assertThatThrownBy(() -> new ProbeTarget(
                        "orders", "EU10", "app", ProbeKind.HTTP, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("region 'EU10' is not valid");
        assertThatThrownBy(() ->
                        new ProbeTarget("orders", "eu10", "app", ProbeKind.HTTP, Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("interval must be positive");
    }
}
