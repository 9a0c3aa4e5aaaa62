package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.config.DecisionEngineProperties;
import io.mrm.decision.config.PolicyKeysCheck;
import io.mrm.decision.policy.PolicySettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

/**
 * The same policy YAML read both ways: as a backtest's policy file (mrmctl's {@link PolicyFile}) and as the engine's
 * configuration (Spring's environment, the engine's start-up key check, its binding and {@code read()}). Both go
 * through {@link PolicySettings}, so both accept the same policies, with equal results, and refuse the same mistakes
 * with the same words.
 */
class PolicySettingsParityTest {

    private static final String APP =
            "{id: orders, primary-region: eu10, standby-region: us10, " + "vantages: [vantage-1, vantage-2, vantage-3]";

    static String policy(String applicationExtra, String decisionExtra) {
        return "mrm:\n  decision:\n" + decisionExtra + "    applications:\n      - " + APP + applicationExtra + "}\n";
    }

    /** The engine's way: the YAML as a Spring configuration file, checked and read as at start-up. */
    static PolicySettings.Policies engine(String yaml) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader()
                .load("policy.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
                .forEach(environment.getPropertySources()::addFirst);
        new PolicyKeysCheck(environment).postProcessBeanFactory(null);
        return Binder.get(environment)
                .bind(PolicySettings.PREFIX, DecisionEngineProperties.class)
                .get()
                .read();
    }

    static PolicySettings.Policies file(String yaml) {
        return PolicyFile.read(yaml, null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ", quorum: 3, failure-threshold: 5, mode: MANUAL, plan: [DNS_ROUTE, DNS_VERIFY]",
                ", failureThreshold: 4, stale_after: 45s, failover-drain-max-backlog: 512MB, two-person-rule: true",
                ", health-components: [app, db], alert-components: [latency], degraded-not-a-target: [db]",
            })
    void bothAcceptTheSamePolicyAndReadItEqually(String extra) throws IOException {
        String yaml = policy(extra, "    request-signatures: {max-age: 2m}\n    commit-interval: 50ms\n");

        PolicySettings.Policies fromFile = file(yaml);
        PolicySettings.Policies fromEngine = engine(yaml);

        assertThat(fromEngine.applications()).isEqualTo(fromFile.applications());
        assertThat(fromEngine.authority()).isEqualTo(fromFile.authority());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                ", failure-treshold: 5|"
                        + "mrm.decision.applications[0].failure-treshold is not a setting; did you mean "
                        + "mrm.decision.applications[0].failure-threshold?",
                ", quorum: 0|mrm.decision.applications[orders].quorum: must be greater than or equal to 1, was 0",
                ", plan: [DNS_ROUTE, REBOOT_THE_WORLD]|'REBOOT_THE_WORLD' is not one of",
                ", stale-after: soon|mrm.decision.applications[orders].stale-after: 'soon' is not a duration",
                ", failover-drain-max-backlog: 5M|mrm.decision.applications[orders].failover-drain-max-backlog: '5M' is not "
                        + "a data size",
                ", alert-components: [app]|both in health-components and alert-components",
                ", degraded-not-a-target: [db]|'db' is neither in health-components nor in alert-components",
            })
    void bothRefuseTheSameApplicationMistakeInTheSameWords(String extra, String message) {
        String yaml = policy(extra, "");

        assertThatThrownBy(() -> file(yaml)).hasMessageContaining(message);
        assertThatThrownBy(() -> engine(yaml)).hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "request-signatures: {max-age: 0s}\\n|mrm.decision.request-signatures.max-age must be positive",
                "request-signatures: {maxskew: 1s}\\n|mrm.decision.request-signatures.maxskew is not a setting",
                "aplications: []\\n|mrm.decision.aplications is not a setting; did you mean mrm.decision.applications?",
                "operators: [{id: alice, roles: [operator]}]\\n|mrm.decision.operators[0] (alice): set exactly one of "
                        + "public-key and public-key-file",
                "operators: [{id: alice, roles: [admin], public-key: x}]\\n|'admin' is not one of",
            })
    void bothRefuseTheSameMistakeOutsideTheApplications(String decisionExtra, String message) {
        String yaml = policy("", "    " + decisionExtra.replace("\\n", "\n"));

        assertThatThrownBy(() -> file(yaml)).hasMessageContaining(message);
        assertThatThrownBy(() -> engine(yaml)).hasMessageContaining(message);
    }
}
