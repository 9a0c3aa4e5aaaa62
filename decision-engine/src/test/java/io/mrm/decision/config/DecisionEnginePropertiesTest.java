package io.mrm.decision.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.events.operator.OperatorKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Policies are read from configuration; a bad one must stop the engine with a message naming the key. */
class DecisionEnginePropertiesTest {

    /** Binds the settings and reads the policy through PolicySettings, as the engine does at start-up. */
    static DecisionEngineProperties bind(Map<String, String> values) {
        DecisionEngineProperties props = new Binder(new MapConfigurationPropertySource(values))
                .bind("mrm.decision", DecisionEngineProperties.class)
                .get();
        props.read();
        return props;
    }

    static Map<String, String> app(String... extra) {
        Map<String, String> values = new HashMap<>();
        values.put("mrm.decision.applications[0].id", "orders");
        values.put("mrm.decision.applications[0].primary-region", "eu10");
        values.put("mrm.decision.applications[0].standby-region", "us10");
        values.put("mrm.decision.applications[0].vantages", "vantage-1,vantage-2,vantage-3");
        for (int i = 0; i < extra.length; i += 2) {
            values.put("mrm.decision.applications[0]." + extra[i], extra[i + 1]);
        }
        return values;
    }

    @Test
    void theEnginesDefaultsAreThoseOfApplicationPolicyWhichBacktestPolicyFilesUseToo() {
        assertThat(bind(app()).policies().get("orders"))
                .isEqualTo(ApplicationPolicy.defaults("orders", "eu10", "us10"));
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
    void aPlanWithHooksAndItsOwnStepSettingsIsReadFromPropertiesAsFromAPolicyFile() {
        ApplicationPolicy policy = bind(app(
                        "plan[0].action", "PREFLIGHT_HOOK",
                        "plan[0].hook", "month-end-close",
                        "plan[0].timeout", "20s",
                        "plan[0].attempts", "1",
                        "plan[1]", "EVENTS_SET_STANDBY",
                        "plan[2]", "DATA_DRAIN",
                        "plan[3]", "DATA_PROMOTE",
                        "plan[4]", "EVENTS_SET_ACTIVE",
                        "plan[5].action", "DNS_ROUTE",
                        "plan[5].attempts", "5",
                        "plan[6]", "DNS_VERIFY",
                        "plan[7].action", "HOOK",
                        "plan[7].hook", "cpi-orders",
                        "plan[7].parallel", "true",
                        "forced-plan[0]", "DATA_PROMOTE",
                        "forced-plan[1]", "DNS_ROUTE"))
                .policies()
                .get("orders");

        assertThat(policy.steps().get(0))
                .isEqualTo(new io.mrm.decision.domain.StepSpec(
                        io.mrm.events.decision.StepAction.PREFLIGHT_HOOK,
                        "month-end-close",
                        Duration.ofSeconds(20),
                        1,
                        false));
        assertThat(policy.steps().get(5).maxAttempts()).isEqualTo(5);
        assertThat(policy.steps().get(7).parallel()).isTrue();
        assertThat(policy.stepsFor(true)).hasSize(2);
        assertThatThrownBy(() -> bind(app("plan[0].action", "DNS_ROUTE", "plan[0].atempts", "2")))
                .hasStackTraceContaining("plan[0].atempts");
    }

    @Test
    void theBacklogBoundIsUnsetByDefaultAndReadAsTheBacktestsPolicyFilesReadIt() {
        assertThat(bind(app()).policies().get("orders").failoverDrainMaxBacklogBytes())
                .isNull();
        for (String size : java.util.List.of("512MB", "1GB", "1048576", "64KB", "2 GB", "+3MB")) {
            Long engine = bind(app("failover-drain-max-backlog", size))
                    .policies()
                    .get("orders")
                    .failoverDrainMaxBacklogBytes();
            assertThat(engine).as(size).isEqualTo(io.mrm.decision.policy.DataSizes.parse(size));
        }
        for (String bad : java.util.List.of("512mb", "1.5GB", "lots", "5M")) {
            assertThatThrownBy(() -> bind(app("failover-drain-max-backlog", bad)))
                    .as(bad)
                    .hasStackTraceContaining("failover-drain-max-backlog");
            assertThatThrownBy(() -> io.mrm.decision.policy.DataSizes.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> bind(app("failover-drain-max-backlog", "0MB")))
                .hasStackTraceContaining(
                        "mrm.decision.applications[orders].failover-drain-max-backlog must be positive");
    }

    @Test
    void sameRegionTwiceIsRefusedNamingTheApplication() {
        assertThatThrownBy(() -> bind(app("standby-region", "eu10")))
                .hasStackTraceContaining(
                        "mrm.decision.applications[orders]: primary-region and standby-region must differ");
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
        values.put("mrm.decision.applications[1].vantages", "vantage-1,vantage-2");
        assertThatThrownBy(() -> bind(values)).hasStackTraceContaining("id 'orders' appears twice");
    }

    @Test
    void signedRequestsAreRequiredByDefaultWithFiveMinutesToLiveAndNoTwoPersonRule() {
        DecisionEngineProperties props = bind(app());
        RequestAuthority authority = props.authority();

        assertThat(authority.signaturesRequired()).isTrue();
        assertThat(authority.maxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(authority.maxClockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(authority.operators()).isEmpty();
        assertThat(props.policies().get("orders").twoPersonRule()).isFalse();
        assertThat(bind(app("two-person-rule", "true")).policies().get("orders").twoPersonRule())
                .isTrue();
    }

    @Test
    void operatorsAreReadWithTheirRolesAndKeysInlineOrFromAFile(@TempDir Path dir) throws Exception {
        KeyPair alice = OperatorKeys.generate();
        KeyPair bob = OperatorKeys.generate();
        Path bobKey = Files.writeString(dir.resolve("bob.pub"), OperatorKeys.pem(bob.getPublic()));
        Map<String, String> values = app();
        values.put("mrm.decision.operators[0].id", "alice@example.com");
        values.put("mrm.decision.operators[0].roles", "operator,approver");
        values.put("mrm.decision.operators[0].public-key", OperatorKeys.oneLine(alice.getPublic()));
        values.put("mrm.decision.operators[1].id", "bob");
        values.put("mrm.decision.operators[1].roles", "viewer");
        values.put("mrm.decision.operators[1].public-key-file", bobKey.toString());

        RequestAuthority authority = bind(values).authority();

        assertThat(authority.operator("alice@example.com").roles())
                .containsExactlyInAnyOrder(OperatorRole.OPERATOR, OperatorRole.APPROVER);
        assertThat(authority.operator("alice@example.com").key()).isEqualTo(alice.getPublic());
        assertThat(authority.operator("bob").key()).isEqualTo(bob.getPublic());
    }

    @Test
    void aBadOperatorEntryStopsTheEngineWithAMessageNamingIt() {
        Map<String, String> neither = app();
        neither.put("mrm.decision.operators[0].id", "alice");
        neither.put("mrm.decision.operators[0].roles", "operator");
        assertThatThrownBy(() -> bind(neither).authority())
                .hasMessageContaining(
                        "mrm.decision.operators[0] (alice): set exactly one of public-key and public-key-file");

        Map<String, String> badKey = new HashMap<>(neither);
        badKey.put("mrm.decision.operators[0].public-key", "MCowBQYDK2VwAyEAtoo-short");
        assertThatThrownBy(() -> bind(badKey).authority()).hasMessageContaining("not an Ed25519 public key");

        Map<String, String> missingFile = new HashMap<>(neither);
        missingFile.put("mrm.decision.operators[0].public-key-file", "/no/such/alice.pub");
        assertThatThrownBy(() -> bind(missingFile).authority()).hasMessageContaining("cannot read public-key-file");

        Map<String, String> twice = new HashMap<>(neither);
        twice.put(
                "mrm.decision.operators[0].public-key",
                OperatorKeys.oneLine(OperatorKeys.generate().getPublic()));
        twice.put("mrm.decision.operators[1].id", "alice");
        twice.put("mrm.decision.operators[1].roles", "approver");
        twice.put(
                "mrm.decision.operators[1].public-key",
                OperatorKeys.oneLine(OperatorKeys.generate().getPublic()));
        assertThatThrownBy(() -> bind(twice)).hasStackTraceContaining("id 'alice' appears twice");

        Map<String, String> badRole = new HashMap<>(neither);
        badRole.put("mrm.decision.operators[0].roles", "admin");
        assertThatThrownBy(() -> bind(badRole)).hasStackTraceContaining("admin");

        Map<String, String> zeroAge = app();
        zeroAge.put("mrm.decision.request-signatures.max-age", "0s");
        assertThatThrownBy(() -> bind(zeroAge)).hasStackTraceContaining("max-age must be positive");
    }
}
