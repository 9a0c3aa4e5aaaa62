package io.mrm.decision.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Policies are read from configuration; a bad one must stop the engine with a message naming the key. */
class DecisionEnginePropertiesTest {

    static DecisionEngineProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bind("mrm.decision", DecisionEngineProperties.class).get();
    }

    static Map<String, String> app(String... extra) {
        Map<String, String> values = new HashMap<>();
        values.put("mrm.decision.applications[0].id", "orders");
        values.put("mrm.decision.applications[0].primary-region", "eu10");
        values.put("mrm.decision.applications[0].standby-region", "us10");
        for (int i = 0; i < extra.length; i += 2) {
            values.put("mrm.decision.applications[0]." + extra[i], extra[i + 1]);
        }
        return values;
    }

    @Test
    void defaultsFollowTheDocumentedPolicy() {
        ApplicationPolicy policy = bind(app()).policies().get("orders");
        assertThat(policy.quorum()).isEqualTo(2);
        assertThat(policy.failureThreshold()).isEqualTo(3);
        assertThat(policy.recoveryThreshold()).isEqualTo(3);
        assertThat(policy.mode()).isEqualTo(DecisionMode.AUTOMATIC);
        assertThat(policy.plan()).isEqualTo(ApplicationPolicy.DEFAULT_PLAN);
        assertThat(policy.healthComponents()).containsExactly("app");
    }

    @Test
    void sameRegionTwiceIsRefusedNamingTheApplication() {
        assertThatThrownBy(() -> bind(app("standby-region", "eu10")))
                .hasStackTraceContaining("mrm.decision.applications[orders]: primary-region and standby-region must differ");
    }

    @Test
    void aComponentCannotBeBothHealthAndAlertOnly() {
        assertThatThrownBy(() -> bind(app("alert-components", "app")))
                .hasStackTraceContaining("both in health-components and alert-components");
    }

    @Test
    void unknownPlanActionIsRefused() {
        assertThatThrownBy(() -> bind(app("plan", "DNS_ROUTE,REBOOT_THE_WORLD")))
                .hasStackTraceContaining("REBOOT_THE_WORLD");
    }

    @Test
    void duplicateApplicationIdIsRefused() {
        Map<String, String> values = app();
        values.put("mrm.decision.applications[1].id", "orders");
        values.put("mrm.decision.applications[1].primary-region", "eu20");
        values.put("mrm.decision.applications[1].standby-region", "us20");
        assertThatThrownBy(() -> bind(values)).hasStackTraceContaining("id 'orders' appears twice");
    }
}
