package io.mrm.decision.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.PolicySettings.Setting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The settings table is what reading does: writing a setting's declared default gives the same policy as leaving
 * it out, and a setting declared without a default is either required or read as nothing. So the defaults the
 * configuration reference shows cannot drift from the ones the engine and mrmctl apply.
 */
class PolicySettingsTableTest {

    private static Map<String, Object> minimalApplication() {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("id", "shop");
        app.put("primary-region", "eu10");
        app.put("standby-region", "us10");
        app.put("vantages", List.of("vantage-1", "vantage-2", "vantage-3"));
        return app;
    }

    private static ApplicationPolicy read(Map<String, Object> application) {
        return PolicySettings.applications(Map.of("applications", List.of(application)))
                .get("shop");
    }

    @Test
    void writingAnApplicationSettingsDeclaredDefaultIsTheSameAsLeavingItOut() {
        ApplicationPolicy leftOut = read(minimalApplication());
        for (Setting setting : PolicySettings.APPLICATION_SETTINGS) {
            if (setting.defaultValue() == null) {
                continue;
            }
            Map<String, Object> app = minimalApplication();
            app.put(setting.key(), setting.defaultValue());
            assertThat(read(app))
                    .as("applications[*].%s declared default '%s'", setting.key(), setting.defaultValue())
                    .isEqualTo(leftOut);
        }
    }

    @Test
    void anApplicationSettingWithoutADefaultIsRequiredOrReadAsNothing() {
        Set<String> required = Set.of("id", "primary-region", "standby-region", "vantages");
        Set<String> none = PolicySettings.APPLICATION_SETTINGS.stream()
                .filter(s -> s.defaultValue() == null)
                .map(Setting::key)
                .collect(Collectors.toSet());
        // a new setting without a default must be added to one of the two groups here, deliberately
        assertThat(none)
                .containsExactlyInAnyOrder(
                        "id",
                        "primary-region",
                        "standby-region",
                        "vantages",
                        "alert-components",
                        "parallel-steps",
                        "degraded-not-a-target",
                        "failover-drain-max-backlog",
                        "forced-plan");
        for (String key : required) {
            Map<String, Object> app = minimalApplication();
            app.remove(key);
            assertThatThrownBy(() -> read(app))
                    .as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("." + key);
        }
        ApplicationPolicy leftOut = read(minimalApplication());
        assertThat(leftOut.alertComponents()).isEmpty();
        assertThat(leftOut.parallelSteps()).isEmpty();
        assertThat(leftOut.degradedNotATarget()).isEmpty();
        assertThat(leftOut.failoverDrainMaxBacklogBytes()).isNull();
        assertThat(leftOut.forcedSteps()).isNull();
    }

    @Test
    void writingASignatureSettingsDeclaredDefaultIsTheSameAsLeavingItOut() {
        RequestAuthority leftOut = PolicySettings.authority(Map.of(), file -> "");
        for (Setting setting : PolicySettings.SIGNATURE_SETTINGS) {
            assertThat(setting.defaultValue()).as(setting.key()).isNotNull();
            RequestAuthority written = PolicySettings.authority(
                    Map.of("request-signatures", Map.of(setting.key(), setting.defaultValue())), file -> "");
            assertThat(written)
                    .as("request-signatures.%s declared default '%s'", setting.key(), setting.defaultValue())
                    .isEqualTo(leftOut);
        }
    }

    @Test
    void theKeySetsAreTheTablesAndEachGroupSitsWhereItIsRead() {
        assertThat(PolicySettings.APPLICATION_KEYS)
                .containsExactlyElementsOf(PolicySettings.APPLICATION_SETTINGS.stream()
                        .map(Setting::key)
                        .toList());
        assertThat(PolicySettings.GROUPS.keySet())
                .containsExactly("request-signatures", "operators[*]", "applications[*]");
        // every group is one of the policy's keys directly under the prefix
        assertThat(PolicySettings.GROUPS.keySet().stream().map(g -> g.replace("[*]", "")))
                .containsExactlyInAnyOrderElementsOf(PolicySettings.DECISION_KEYS);
    }
}
