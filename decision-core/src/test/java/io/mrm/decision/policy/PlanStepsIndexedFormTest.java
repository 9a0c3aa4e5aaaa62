package io.mrm.decision.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans written in Spring's indexed form ({@code plan[0].action=...}), as environment variables give them. */
class PlanStepsIndexedFormTest {

    private static Map<String, Object> app(Object plan) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("id", "shop");
        app.put("primary-region", "eu10");
        app.put("standby-region", "us10");
        app.put("vantages", List.of("vantage-1", "vantage-2", "vantage-3"));
        app.put("plan", plan);
        return app;
    }

    private static ApplicationPolicy read(Map<String, Object> application) {
        return PolicySettings.applications(Map.of("applications", List.of(application)))
                .get("shop");
    }

    @Test
    void theIndexedFormWithStringValuesReadsAsTheListForm() {
        Map<String, Object> indexed = new LinkedHashMap<>();
        // the binder hands over strings, and keys in no particular order
        indexed.put("1", "DNS_ROUTE");
        indexed.put("0", Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze", "attempts", "2"));
        indexed.put("2", Map.of("action", "DNS_VERIFY", "parallel", "true", "timeout", "30s"));
        List<Object> list = List.of(
                Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze", "attempts", 2),
                "DNS_ROUTE",
                Map.of("action", "DNS_VERIFY", "parallel", true, "timeout", "30s"));

        assertThat(read(app(indexed))).isEqualTo(read(app(list)));
    }

    @Test
    void aGapInTheIndicesIsRefusedNamingTheMissingStep() {
        // plan[1] deleted (or misnumbered): reading on would renumber the steps, and an error about plan[2]
        // would name plan[1]; Spring's binder leaves such elements unbound and refuses them too
        Map<String, Object> indexed = new LinkedHashMap<>();
        indexed.put("0", Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze"));
        indexed.put("2", "DNS_ROUTE");

        assertThatThrownBy(() -> read(app(indexed)))
                .hasMessageContaining("mrm.decision.applications[shop].plan[1] is missing")
                .hasMessageContaining("plan[2] is given");
    }

    @Test
    void anIndexGivenTwiceIsRefused() {
        Map<String, Object> indexed = new LinkedHashMap<>();
        indexed.put("0", Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze"));
        indexed.put("00", "DNS_ROUTE");
        indexed.put("1", "DNS_VERIFY");

        assertThatThrownBy(() -> read(app(indexed)))
                .hasMessageContaining("mrm.decision.applications[shop].plan: index 0 is given twice");
    }
}
