package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.domain.StepSpec;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.OperatorKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyFileTest {

    static final String KEY = "MCowBQYDK2VwAyEAcri0doenCaFZnRT4sTXx8mkAz92IAdFujW/nol868Tk=";

    @Test
    void writtenPoliciesReadBackEqual() throws Exception {
        // given two applications that differ from the defaults in every key, and two operators
        ApplicationPolicy shop = new ApplicationPolicy(
                "shop",
                "region-a",
                "region-b",
                Set.of("app", "api"),
                Set.of("hana"),
                3,
                5,
                4,
                Duration.ofMillis(1500),
                DecisionMode.MANUAL,
                Duration.ofMinutes(10),
                1,
                Duration.ofHours(6),
                List.of(StepAction.EVENTS_SET_ACTIVE, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY),
                List.of(),
                Duration.ofSeconds(90),
                5,
                Duration.ofMillis(250),
                Set.of(StepAction.DNS_ROUTE),
                true,
                Set.of("v1", "v2", "v3"),
                Duration.ofSeconds(2),
                Duration.ofMinutes(10),
                Duration.ofSeconds(4),
                Duration.ofSeconds(20),
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
        ApplicationPolicy orders = ApplicationPolicy.defaults("orders", "eu10", "us10");
        String other = OperatorKeys.oneLine(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic());
        RequestAuthority authority = new RequestAuthority(
                true,
                List.of(
                        new Operator("alice", Set.of(OperatorRole.OPERATOR), KEY),
                        new Operator("bob@example.com", Set.of(OperatorRole.APPROVER, OperatorRole.OPERATOR), other)),
                Duration.ofMinutes(2),
                Duration.ofSeconds(10));
        Map<String, ApplicationPolicy> policies = new LinkedHashMap<>();
        policies.put("shop", shop);
        policies.put("orders", orders);

        // when written and read back
        String yaml = PolicyFile.write(policies, authority);
        PolicySettings.Policies read = PolicyFile.read(yaml, null);

        // then everything is equal, and the YAML uses the engine's keys
        assertThat(read.applications()).isEqualTo(policies);
        assertThat(read.authority()).isEqualTo(authority);
        assertThat(PolicyRecords.fingerprint(read.applications().get("shop"), read.authority()))
                .isEqualTo(PolicyRecords.fingerprint(shop, authority));
        assertThat(yaml)
                .startsWith("mrm:\n  decision:\n")
                .contains("failure-threshold: 5")
                .contains("stale-after: 1500ms")
                .contains("hold-down: 10m")
                .contains("two-person-rule: true")
                .contains("max-age: 2m");
    }

    @Test
    void aPlanWithHooksStepSettingsAndAForcedVariantIsWrittenAndReadBackAsTheEngineReadsIt() {
        ApplicationPolicy orders = ApplicationPolicy.defaults("orders", "eu10", "us10")
                .withSteps(
                        List.of(
                                new StepSpec(
                                        StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(20), 1, false),
                                StepSpec.of(StepAction.DATA_DRAIN),
                                StepSpec.of(StepAction.DATA_PROMOTE),
                                new StepSpec(StepAction.DNS_ROUTE, null, null, 5, false),
                                new StepSpec(StepAction.HOOK, "cpi-orders", Duration.ofMinutes(10), null, true)),
                        List.of(StepSpec.of(StepAction.DATA_PROMOTE), StepSpec.of(StepAction.DNS_ROUTE)));

        String yaml = PolicyFile.write(Map.of("orders", orders), RequestAuthority.signed(List.of()));

        assertThat(PolicyFile.read(yaml, null).applications().get("orders")).isEqualTo(orders);
        assertThat(yaml).contains("month-end-close").contains("forced-plan:").contains("attempts: 5");
    }

    @Test
    void unwrappedKeysCamelCaseCommaListsAndEngineOnlyKeysAreAccepted() {
        String yaml = """
                tick-interval: 1s
                requestSignatures: {required: false}
                applications:
                  - id: shop
                    primaryRegion: region-a
                    standby_region: region-b
                    plan: DNS_ROUTE, dns-verify
                    mode: manual
                    vantages: v1, v2
                """;

        PolicySettings.Policies read = PolicyFile.read(yaml, null);

        ApplicationPolicy shop = read.applications().get("shop");
        assertThat(shop.plan()).containsExactly(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        assertThat(shop.mode()).isEqualTo(DecisionMode.MANUAL);
        assertThat(read.authority().signaturesRequired()).isFalse();
    }

    @Test
    void defaultsAreTheEngines() {
        PolicySettings.Policies read = PolicyFile.read("""
                mrm:
                  decision:
                    applications:
                      - {id: orders, primary-region: eu10, standby-region: us10,
                         vantages: [vantage-1, vantage-2, vantage-3]}
                """, null);

        assertThat(read.applications().get("orders")).isEqualTo(ApplicationPolicy.defaults("orders", "eu10", "us10"));
        assertThat(read.authority()).isEqualTo(RequestAuthority.signed(List.of()));
    }

    @Test
    void anUnknownKeyIsRefusedWithItsName() {
        assertThatThrownBy(() -> PolicyFile.read("""
                applications:
                  - {id: orders, primary-region: eu10, standby-region: us10, failure-treshold: 5}
                """, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mrm.decision.applications[0].failure-treshold is not a setting; did you mean "
                        + "mrm.decision.applications[0].failure-threshold?");
        assertThatThrownBy(() -> PolicyFile.read("""
                request-signatures: {required: true, max_age: 5m, maxskew: 1s}
                applications: [{id: orders, primary-region: eu10, standby-region: us10, vantages: [v1, v2]}]
                """, null))
                .hasMessageContaining("mrm.decision.request-signatures.maxskew is not a setting; did you mean "
                        + "mrm.decision.request-signatures.max-age?");
        assertThatThrownBy(() -> PolicyFile.read("operator: []\napplications: []", null))
                .hasMessageContaining("mrm.decision.operator is not a setting; did you mean mrm.decision.operators?");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "quorum: 0|mrm.decision.applications[orders].quorum: must be greater than or equal to 1, was 0",
                "failure-threshold: 101|failure-threshold: must be less than or equal to 100, was 101",
                "quorum: two|quorum: 'two' is not a whole number",
                "stale-after: 0s|mrm.decision.applications[orders].stale-after must be positive",
                "stale-after: soon|stale-after: 'soon' is not a duration",
                "mode: SOMETIMES|mode: 'SOMETIMES' is not one of [AUTOMATIC, MANUAL]",
                "plan: [DNS_ROUTE, DNS_FLIP]|plan[1]: 'DNS_FLIP' is not one of",
                "standby-region: eu10|primary-region and standby-region must differ, both are 'eu10'",
                "standby-region: US10|standby-region: must match",
                "alert-components: [app]|a component cannot be both in health-components and alert-components",
                "parallel-steps: [EVENTS_SET_STANDBY]|EVENTS_SET_STANDBY is the plan's first step",
                "two-person-rule: maybe|two-person-rule: 'maybe' is not true or false",
                "step-max-attempts: 21|step-max-attempts: must be less than or equal to 20",
                "vantages: []|mrm.decision.applications[orders].vantages: must name the vantage points",
                "vantages: [v1]|quorum 2 needs at least 2 vantages, but only 1 are declared",
                "vantages: [V1]|vantages: must match",
                "proposal-timeout: 0s|proposal-timeout must be positive",
                "fence-timeout: 0s|fence-timeout must be positive",
                "max-observation-skew: -1s|max-observation-skew: '-1s' is not a duration",
                "plan: [DATA_PROMOTE, DATA_FENCE]|DATA_FENCE is not a plan step of its own",
                "failover-drain-max-backlog: 0MB|mrm.decision.applications[orders].failover-drain-max-backlog must be positive",
                "failover-drain-max-backlog: -1|failover-drain-max-backlog must be positive",
                "failover-drain-max-backlog: lots|failover-drain-max-backlog: 'lots' is not a data size",
                "failover-drain-max-backlog: 512mb|failover-drain-max-backlog: '512mb' is not a data size",
                "failover-drain-max-backlog: 1.5GB|failover-drain-max-backlog: '1.5GB' is not a data size"
            })
    void badValuesAreRefusedWithTheEnginesMessage(String line, String message) {
        String yaml = "applications:\n  - id: orders\n    primary-region: eu10\n"
                + (line.startsWith("standby-region") ? "" : "    standby-region: us10\n")
                + (line.startsWith("vantages") ? "" : "    vantages: [v1, v2, v3]\n") + "    " + line + "\n";

        assertThatThrownBy(() -> PolicyFile.read(yaml, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void operatorsAreCheckedAndKeyFilesResolvedAgainstTheFilesFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("alice.pub"), KEY);
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, """
                operators:
                  - {id: alice, roles: [operator, approver], public-key-file: alice.pub}
                applications: [{id: orders, primary-region: eu10, standby-region: us10, vantages: [v1, v2]}]
                """);

        assertThat(PolicyFile.read(file).authority().operator("alice").roles())
                .containsExactlyInAnyOrder(OperatorRole.OPERATOR, OperatorRole.APPROVER);
        assertThatThrownBy(() -> PolicyFile.read("""
                operators: [{id: alice, roles: [operator], public-key: notakey}]
                applications: [{id: orders, primary-region: eu10, standby-region: us10, vantages: [v1, v2]}]
                """, null))
                .hasMessageContaining("mrm.decision.operators[0] (alice): operator alice: public key");
        assertThatThrownBy(() -> PolicyFile.read("""
                operators: [{id: alice, roles: [operator]}]
                applications: [{id: orders, primary-region: eu10, standby-region: us10, vantages: [v1, v2]}]
                """, null))
                .hasMessageContaining("set exactly one of public-key and public-key-file");
        assertThatThrownBy(() -> PolicyFile.read("applications: []", null))
                .hasMessageContaining("mrm.decision.applications: must not be empty");
    }

    @Test
    void theBacklogBoundIsReadInSpringsDataSizeSyntaxWrittenBackAndAbsentByDefault() {
        String yaml = "applications:\n  - {id: orders, primary-region: eu10, standby-region: us10, vantages: [v1, v2],"
                + " failover-drain-max-backlog: %s}\n";

        assertThat(PolicyFile.read(yaml.formatted("512MB"), null)
                        .applications()
                        .get("orders")
                        .failoverDrainMaxBacklogBytes())
                .isEqualTo(512L * 1024 * 1024);
        assertThat(PolicyFile.read(yaml.formatted("1048576"), null)
                        .applications()
                        .get("orders")
                        .failoverDrainMaxBacklogBytes())
                .isEqualTo(1024L * 1024);
        assertThat(PolicyFile.read(yaml.formatted("2 GB"), null)
                        .applications()
                        .get("orders")
                        .failoverDrainMaxBacklogBytes())
                .isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(ApplicationPolicy.defaults("orders", "eu10", "us10").failoverDrainMaxBacklogBytes())
                .isNull();

        ApplicationPolicy bounded = ApplicationPolicy.defaults("orders", "eu10", "us10")
                .withFailoverDrainMaxBacklogBytes(512L * 1024 * 1024);
        String written = PolicyFile.write(Map.of("orders", bounded), RequestAuthority.signed(List.of()));
        assertThat(written).contains("failover-drain-max-backlog: 512MB");
        assertThat(PolicyFile.read(written, null).applications().get("orders")).isEqualTo(bounded);
        assertThat(PolicyFile.write(
                        Map.of("orders", bounded.withFailoverDrainMaxBacklogBytes(null)),
                        RequestAuthority.signed(List.of())))
                .doesNotContain("failover-drain-max-backlog");
    }

    @Test
    void theBacklogBoundIsRecordedAndAPolicyWithoutItKeepsItsFingerprint() {
        ApplicationPolicy policy = ApplicationPolicy.defaults("orders", "eu10", "us10");
        ApplicationPolicy bounded = policy.withFailoverDrainMaxBacklogBytes(300_000_000L);
        RequestAuthority authority = RequestAuthority.signed(List.of());

        var record = PolicyRecords.of("p:1", java.time.Instant.parse("2026-11-25T10:00:00Z"), bounded, authority);

        assertThat(record.policy().failoverDrainMaxBacklogBytes()).isEqualTo(300_000_000L);
        assertThat(PolicyRecords.policy(record)).isEqualTo(bounded);
        assertThat(PolicyRecords.record(policy).failoverDrainMaxBacklogBytes()).isNull();
        assertThat(PolicyRecords.fingerprint(bounded, authority))
                .isNotEqualTo(PolicyRecords.fingerprint(policy, authority));
    }

    @Test
    void policyRecordsRoundTrip() {
        ApplicationPolicy policy =
                ApplicationPolicy.defaults("orders", "eu10", "us10").withTwoPersonRule(true);
        RequestAuthority authority = RequestAuthority.signed(
                List.of(new Operator("alice", Set.of(OperatorRole.OPERATOR, OperatorRole.APPROVER), KEY)));

        var record = PolicyRecords.of("p:1", java.time.Instant.parse("2026-11-25T10:00:00Z"), policy, authority);

        assertThat(PolicyRecords.policy(record)).isEqualTo(policy);
        assertThat(PolicyRecords.authority(record)).isEqualTo(authority);
        assertThat(record.fingerprintMatches()).isTrue();
    }
}
