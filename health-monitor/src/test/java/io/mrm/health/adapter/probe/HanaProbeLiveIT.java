package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The HANA probe against a real SAP HANA Cloud database, through the real ngdbc driver. Runs only when
 * {@code MRM_IT_HANA_URL} (e.g. {@code jdbc:sap://<host>:443?encrypt=true&validateCertificate=true}),
 * {@code MRM_IT_HANA_USER} and {@code MRM_IT_HANA_PASSWORD} are set; skipped otherwise.
 */
class HanaProbeLiveIT {

    @Test
    void aRealHanaAnswersSelectOneAndItsSubscriptionStatistics() throws Exception {
        String url = System.getenv("MRM_IT_HANA_URL");
        String user = System.getenv("MRM_IT_HANA_USER");
        assumeTrue(
                url != null && user != null && System.getenv("MRM_IT_HANA_PASSWORD") != null,
                "skipped: set MRM_IT_HANA_URL, MRM_IT_HANA_USER and MRM_IT_HANA_PASSWORD to run against a real SAP HANA");
        Duration connect = Duration.ofSeconds(10);
        Duration query = Duration.ofSeconds(10);
        try (BlockingProbePool pool = new BlockingProbePool(1, 1)) {
            DriverConnectionSource source = new DriverConnectionSource(
                    url,
                    user,
                    SecretReference.env("MRM_IT_HANA_PASSWORD"),
                    Map.of(
                            "connectTimeout", Long.toString(connect.toMillis()),
                            "communicationTimeout",
                                    Long.toString(connect.plus(query).toMillis())));
            JdbcProbe probe = new JdbcProbe(source, new HanaCheck(Long.MAX_VALUE), pool, connect, query);
            try {
                ProbeResult first = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);
                ProbeResult reused = probe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS);

                assertThat(first.status()).as(first.detail()).isEqualTo(HealthStatus.UP);
                assertThat(first.detail())
                        .matches("SELECT 1 ok; holds (no remote subscriptions|\\d+ remote "
                                + "subscriptions?, replication backlog -?\\d+ messages \\(received - applied\\))");
                assertThat(reused.status()).as(reused.detail()).isEqualTo(HealthStatus.UP);
                assertThat(first.detail() + reused.detail()).doesNotContain(System.getenv("MRM_IT_HANA_PASSWORD"));
            } finally {
                probe.close();
            }
        }
    }
}
