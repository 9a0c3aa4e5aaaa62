package io.mrm.hana.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.hana.adapter.hana.HanaApplication;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Bound by Spring's own binder from the keys an operator writes, then checked. */
class HanaPropertiesTest {

    static final String APP = "mrm.data.hana.applications.orders";

    static Map<String, String> valid() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(APP + ".initial-primary", "eu10");
        props.put(APP + ".schema", "SALES");
        props.put(APP + ".app-role", "ORDERS_APP");
        for (String region : new String[] {"eu10", "us10"}) {
            props.put(
                    APP + ".regions." + region + ".jdbc-url",
                    "jdbc:sap://" + region + ".hana.example:443?encrypt=true&validateCertificate=true");
            props.put(APP + ".regions." + region + ".user", "MRM");
            props.put(APP + ".regions." + region + ".password.env", "MRM_HANA_" + region.toUpperCase() + "_PASSWORD");
            props.put(
                    APP + ".regions." + region + ".remote-source",
                    region.equals("eu10") ? "US10_SOURCE" : "EU10_SOURCE");
        }
        return props;
    }

    static HanaProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate(HanaProperties.PREFIX, HanaProperties.class);
    }

    @Test
    void aValidConfigurationGivesTheBackendWithWhatItConfigured(@TempDir Path dir) throws Exception {
        Path password = Files.writeString(dir.resolve("us10-password"), "s3cret-us10\n");
        Map<String, String> props = valid();
        props.put(APP + ".tables[0]", "ORDERS");
        props.put(APP + ".tables[1]", "CUSTOMER");
        props.remove(APP + ".regions.us10.password.env");
        props.put(APP + ".regions.us10.password.file", password.toString());
        HanaProperties hana = bind(props);

        HanaProperties.Checked checked = hana.checked();
        HanaRemoteSubscriptionReplication backend = hana.replication();

        HanaApplication orders = new HanaApplication(
                "orders",
                "eu10",
                Map.of("eu10", "US10_SOURCE", "us10", "EU10_SOURCE"),
                "SALES",
                List.of("ORDERS", "CUSTOMER"),
                "ORDERS_APP");
        assertThat(checked.applications()).containsExactly(orders);
        assertThat(backend.applications()).containsExactly(orders);
        assertThat(backend.settle()).isEqualTo(Duration.ofSeconds(60));
        assertThat(orders.subscriptions()).containsExactly("SUB_ORDERS", "SUB_CUSTOMER", "SUB_MRM_DRAIN_MARKER");
        assertThat(checked.connections()).containsOnlyKeys("orders/eu10", "orders/us10");

        HanaProperties.ConnectionSettings eu10 = checked.connections().get("orders/eu10");
        assertThat(eu10.jdbcUrl()).isEqualTo("jdbc:sap://eu10.hana.example:443?encrypt=true&validateCertificate=true");
        assertThat(eu10.user()).isEqualTo("MRM");
        assertThat(eu10.password()).hasToString("environment variable MRM_HANA_EU10_PASSWORD");
        assertThat(eu10.connectTimeoutMillis()).isEqualTo(10_000);

        HanaProperties.ConnectionSettings us10 = checked.connections().get("orders/us10");
        assertThat(us10.jdbcUrl()).isEqualTo("jdbc:sap://us10.hana.example:443?encrypt=true&validateCertificate=true");
        Properties driver = us10.driverProperties();
        assertThat(driver).containsOnlyKeys("user", "password", "connectTimeout");
        assertThat(driver.getProperty("user")).isEqualTo("MRM");
        assertThat(driver.getProperty("password"))
                .as("read from the file, stripped")
                .isEqualTo("s3cret-us10");
        assertThat(driver.getProperty("connectTimeout")).isEqualTo("10000");
    }

    @Test
    void withoutConfiguredTablesTheSubscriptionsFollowThePrimarysCatalog() {
        HanaApplication orders = bind(valid()).checked().applications().get(0);

        assertThat(orders.tables()).isEmpty();
        assertThat(orders.subscriptions()).isEmpty();
        assertThat(orders.initialPrimary()).isEqualTo("eu10");
        assertThat(orders.schema()).isEqualTo("SALES");
        assertThat(orders.appRole()).isEqualTo("ORDERS_APP");
    }

    @Test
    void everyProblemIsNamedByItsKey() {
        Map<String, String> props = valid();
        props.put(APP + ".regions.us10.jdbc-url", "jdbc:postgresql://x/y");
        props.put(APP + ".regions.eu10.remote-source", "us10 source");
        props.remove(APP + ".regions.eu10.password.env");

        String message = assertThatThrownBy(bind(props)::replication)
                .isInstanceOf(IllegalArgumentException.class)
                .actual()
                .getMessage();

        assertThat(message)
                .contains(APP + ".regions.us10.jdbc-url: must look like jdbc:sap://")
                .contains(APP + ".regions.eu10.remote-source: remote source 'us10 source' is not valid")
                .contains(APP + ".regions.eu10.password needs exactly one of");
    }
}
