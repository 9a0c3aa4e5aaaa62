package io.mrm.decision.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ReadinessPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The readiness settings of an application: a nested group or dotted keys, as strict as the others. */
class ReadinessSettingsTest {

    private static Map<String, Object> application() {
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
    void leftOutTheRuleIsOnWithFiveMinutesAndUnknownProceeds() {
        assertThat(read(application()).readiness()).isEqualTo(ReadinessPolicy.DEFAULTS);
        assertThat(ReadinessPolicy.DEFAULTS).isEqualTo(new ReadinessPolicy(true, Duration.ofMinutes(5), false));
    }

    @Test
    void aNestedGroupAndDottedKeysReadTheSame() {
        Map<String, Object> nested = application();
        nested.put("readiness", Map.of("maxAge", "2m", "unknown-blocks", "true", "required", false));
        Map<String, Object> dotted = application();
        dotted.put("readiness.max-age", "2m");
        dotted.put("readiness.unknown-blocks", true);
        dotted.put("readiness.required", "false");

        ReadinessPolicy expected = new ReadinessPolicy(false, Duration.ofMinutes(2), true);
        assertThat(read(nested).readiness()).isEqualTo(expected);
        assertThat(read(dotted).readiness()).isEqualTo(expected);
    }

    @Test
    void theJournalsPolicyRecordCarriesTheReadinessSettingsSoAReplayUsesThem() {
        Map<String, Object> app = application();
        app.put("readiness", Map.of("max-age", "2m", "unknown-blocks", true, "required", false));
        ApplicationPolicy policy = read(app);

        var recorded = PolicyRecords.record(policy);
        assertThat(recorded.readinessRequired()).isFalse();
        assertThat(recorded.readinessMaxAgeMs()).isEqualTo(120_000L);
        assertThat(recorded.readinessUnknownBlocks()).isTrue();
        var record = PolicyRecords.of(
                "p-1",
                java.time.Instant.parse("2026-12-01T00:00:00Z"),
                policy,
                io.mrm.decision.domain.RequestAuthority.unsignedAccepted());
        // through the journal's JSON, as a replay reads it
        var read = io.mrm.events.codec.EventJson.readUnchecked(
                io.mrm.events.codec.EventJson.write(record), io.mrm.events.journal.PolicyRecord.class);
        assertThat(PolicyRecords.policy(read).readiness()).isEqualTo(policy.readiness());
    }

    @Test
    void anUnknownOrBadReadinessKeyIsAnErrorNamingIt() {
        Map<String, Object> typo = application();
        typo.put("readiness", Map.of("max-agee", "2m"));
        assertThatThrownBy(() -> read(typo))
                .hasMessageContaining("readiness.max-agee is not a setting")
                .hasMessageContaining("did you mean mrm.decision.applications[0].readiness.max-age");
        assertThat(PolicySettings.unknownKeys(Map.of("applications", List.of(typo))))
                .extracting(PolicySettings.UnknownKey::key)
                .containsExactly("mrm.decision.applications[0].readiness.max-agee");

        Map<String, Object> zero = application();
        zero.put("readiness", Map.of("max-age", "0s"));
        assertThatThrownBy(() -> read(zero)).hasMessageContaining("readiness.max-age must be positive");

        Map<String, Object> notAGroup = application();
        notAGroup.put("readiness", "on");
        assertThatThrownBy(() -> read(notAGroup)).hasMessageContaining("readiness is not a setting");
    }
}
