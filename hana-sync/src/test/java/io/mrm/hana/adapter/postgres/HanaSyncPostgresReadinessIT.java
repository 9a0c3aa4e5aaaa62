package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The running service (backend POSTGRES_DEBEZIUM, bus authentication required) on a real in-process broker
 * and two real PostgreSQL servers publishes, per application, a {@link ReadinessReport} on
 * {@code readiness.reports} that the engine's {@link InboundDecoder} accepts with hana-sync's public key as
 * the only one it trusts: signed, valid, with checks of the four data steps towards both regions.
 */
@RunningHanaSync
@TestPropertySource(properties = {"mrm.readiness.interval=5s", "mrm.readiness.timeout=5s"})
class HanaSyncPostgresReadinessIT {

    @RegisterExtension
    static final PostgresServiceBackend BACKEND = new PostgresServiceBackend("hanardy.");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
    }

    @Test
    void theServicePublishesASignedReadinessReportPerApplicationThatTheEngineAccepts() {
        ReadinessReport shop = BACKEND.engine.await(
                Topics.READINESS_REPORTS, ReadinessReport.class, r -> true, Duration.ofSeconds(120));

        assertThat(shop.applicationId()).isEqualTo("shop");
        assertThat(shop.actuator()).isEqualTo(Actuator.HANA);
        assertThat(shop.intervalMs()).isEqualTo(5000);
        for (String region : List.of(A, B)) {
            assertThat(shop.checks())
                    .filteredOn(c -> c.region().equals(region))
                    .extracting(ReadinessCheck::action)
                    .contains(
                            StepAction.DATA_DRAIN,
                            StepAction.DATA_PROMOTE,
                            StepAction.DATA_FENCE,
                            StepAction.DATA_REPROTECT);
        }
    }
}
