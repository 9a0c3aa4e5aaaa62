package io.mrm.hana.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.hana.adapter.postgres.PostgresApplication;
import io.mrm.hana.adapter.postgres.TableName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Bound by Spring's own binder from the keys an operator writes, then checked. */
class PostgresPropertiesTest {

    static final String APP = "mrm.data.postgres.applications.orders";

    static Map<String, String> valid() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(APP + ".initial-primary", "eu10");
        props.put(APP + ".app-role", "orders_app");
        props.put(APP + ".tables[0]", "sales.orders");
        props.put(APP + ".tables[1]", "customer");
        props.put(APP + ".regions.eu10.jdbc-url", "jdbc:postgresql://db.eu10.internal:5432/orders?sslmode=verify-full");
        props.put(APP + ".regions.eu10.user", "mrm");
        props.put(APP + ".regions.eu10.password.env", "MRM_PG_EU10_PASSWORD");
        props.put(APP + ".regions.us10.jdbc-url", "jdbc:postgresql://db.us10.internal/orders?sslmode=verify-full");
        props.put(APP + ".regions.us10.user", "mrm");
        props.put(APP + ".regions.us10.password.file", "/run/secrets/pg-us10");
        return props;
    }

    static PostgresProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate(PostgresProperties.PREFIX, PostgresProperties.class);
    }

    @Test
    void aValidConfigurationGivesTheApplication() {
        List<PostgresApplication> apps = bind(valid()).applicationSettings();

        assertThat(apps).hasSize(1);
        PostgresApplication app = apps.get(0);
        assertThat(app.tables()).containsExactly(new TableName("sales", "orders"), new TableName("public", "customer"));
        assertThat(app.regions().get("us10").port()).isEqualTo(5432);
        assertThat(app.regions().get("eu10").password()).hasToString("environment variable MRM_PG_EU10_PASSWORD");
        assertThat(app.regions().get("us10").password()).hasToString("file /run/secrets/pg-us10");
    }

    @Test
    void everyProblemIsNamedByItsKey() {
        Map<String, String> props = valid();
        props.put(APP + ".tables[1]", "Robert'); DROP TABLE students;--");
        props.put(APP + ".initial-primary", "ap10");
        props.put(APP + ".regions.us10.jdbc-url", "jdbc:mysql://db/orders");
        props.put(APP + ".regions.eu10.password.file", "/run/secrets/also");
        props.remove(APP + ".app-role");

        String message = assertThatThrownBy(bind(props)::applicationSettings)
                .isInstanceOf(IllegalArgumentException.class)
                .actual()
                .getMessage();

        assertThat(message)
                .contains(APP + ".tables[1]: table 'Robert'); DROP TABLE students;--' is not valid")
                .contains(APP + ".initial-primary: must name one of the regions")
                .contains(APP + ".regions.us10.jdbc-url: jdbc-url must look like jdbc:postgresql://")
                .contains(APP + ".regions.eu10.password needs exactly one of")
                .contains(APP + ".app-role: missing");
    }

    @Test
    void aDatabaseOutsideLoopbackWithoutVerifiedTlsIsRefusedUnlessOptedOut() {
        Map<String, String> props = valid();
        props.put(APP + ".regions.us10.jdbc-url", "jdbc:postgresql://db.us10.internal/orders?sslmode=require");

        assertThatThrownBy(bind(props)::applicationSettings)
                .hasMessageContaining(
                        APP
                                + ".regions.us10.jdbc-url must verify TLS outside loopback: add sslmode=verify-full (was sslmode=require)");

        props.put(APP + ".regions.us10.allow-unverified-tls", "true");
        assertThat(bind(props).applicationSettings()).hasSize(1);
    }

    @Test
    void noApplicationIsAProblem() {
        assertThatThrownBy(bind(Map.of())::applicationSettings).hasMessageContaining("mrm.data.postgres.applications");
    }
}
