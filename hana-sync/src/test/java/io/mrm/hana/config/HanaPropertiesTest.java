package io.mrm.hana.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
            props.put(APP + ".regions." + region + ".jdbc-url", "jdbc:sap://" + region + ".hana.example:443?encrypt=true&validateCertificate=true");
            props.put(APP + ".regions." + region + ".user", "MRM");
            props.put(APP + ".regions." + region + ".password.env", "MRM_HANA_" + region.toUpperCase() + "_PASSWORD");
            props.put(APP + ".regions." + region + ".remote-source", region.equals("eu10") ? "US10_SOURCE" : "EU10_SOURCE");
        }
        return props;
    }

    static HanaProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate(HanaProperties.PREFIX, HanaProperties.class);
    }

    @Test
    void aValidConfigurationGivesTheBackend() {
        assertThat(bind(valid()).replication()).isNotNull();
    }

    @Test
    void everyProblemIsNamedByItsKey() {
        Map<String, String> props = valid();
        props.put(APP + ".regions.us10.jdbc-url", "jdbc:postgresql://x/y");
        props.put(APP + ".regions.eu10.remote-source", "us10 source");
        props.remove(APP + ".regions.eu10.password.env");

        String message = assertThatThrownBy(bind(props)::replication).isInstanceOf(IllegalArgumentException.class)
                .actual().getMessage();

        assertThat(message).contains(APP + ".regions.us10.jdbc-url: must look like jdbc:sap://")
                .contains(APP + ".regions.eu10.remote-source: remote source 'us10 source' is not valid")
                .contains(APP + ".regions.eu10.password needs exactly one of");
    }
}
