package io.mrm.hana.adapter.hana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.hana.domain.ReplicationStatus;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The HANA backend's reads against two real SAP HANA Cloud databases, through the real ngdbc driver.
 * Runs only when {@code MRM_IT_HANA_URL_A}, {@code MRM_IT_HANA_URL_B} (e.g.
 * {@code jdbc:sap://<host>:443?encrypt=true&validateCertificate=true}), {@code MRM_IT_HANA_USER},
 * {@code MRM_IT_HANA_PASSWORD}, {@code MRM_IT_HANA_SCHEMA} and the remote sources
 * {@code MRM_IT_HANA_SOURCE_A} (in A, reading B) and {@code MRM_IT_HANA_SOURCE_B} are set; skipped
 * otherwise. It reads status only (it changes nothing but the fencing row it may create at start).
 */
class HanaReplicationLiveIT {

    @Test
    void aRealHanaAnswersTheCatalogReads() throws Exception {
        Map<String, String> env = System.getenv();
        List<String> needed = List.of("MRM_IT_HANA_URL_A", "MRM_IT_HANA_URL_B", "MRM_IT_HANA_USER",
                "MRM_IT_HANA_PASSWORD", "MRM_IT_HANA_SCHEMA", "MRM_IT_HANA_SOURCE_A", "MRM_IT_HANA_SOURCE_B");
        assumeTrue(needed.stream().allMatch(env::containsKey),
                "skipped: set " + String.join(", ", needed) + " to run against two real SAP HANA Cloud databases");
        HanaApplication app = new HanaApplication("mrm-it", "a", Map.of("a", env.get("MRM_IT_HANA_SOURCE_A"),
                "b", env.get("MRM_IT_HANA_SOURCE_B")), env.get("MRM_IT_HANA_SCHEMA"), List.of(), "MRM_IT_APP");
        HanaRemoteSubscriptionReplication replication = new HanaRemoteSubscriptionReplication(List.of(app),
                (id, region) -> {
                    Properties props = new Properties();
                    props.setProperty("user", env.get("MRM_IT_HANA_USER"));
                    props.setProperty("password", env.get("MRM_IT_HANA_PASSWORD"));
                    return DriverManager.getConnection(env.get(region.equals("a") ? "MRM_IT_HANA_URL_A"
                            : "MRM_IT_HANA_URL_B"), props);
                });
        replication.start();

        ReplicationStatus status = replication.status("mrm-it");

        assertThat(status.details()).containsEntry("reachable.a", "true").containsEntry("reachable.b", "true");
        assertThat(status.backlog()).isGreaterThanOrEqualTo(-1);
        assertThat(status.toString()).doesNotContain(env.get("MRM_IT_HANA_PASSWORD"));
    }
}
