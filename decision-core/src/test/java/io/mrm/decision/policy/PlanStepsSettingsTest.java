package io.mrm.decision.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.StepSpec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.decision.StepAction;
import io.mrm.events.journal.PolicyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-application plans, step by step: how they are written, what is refused, and that a replay runs the same. */
class PlanStepsSettingsTest {

    private static Map<String, Object> app() {
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

    private static Map<String, Object> step(Object... keysAndValues) {
        Map<String, Object> step = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            step.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return step;
    }

    static Map<String, Object> withHooks() {
        Map<String, Object> app = app();
        app.put(
                "plan",
                List.of(
                        step("action", "PREFLIGHT_HOOK", "hook", "month-end-close", "timeout", "20s", "attempts", 1),
                        "EVENTS_SET_STANDBY",
                        step("action", "DATA_DRAIN", "timeout", "5m"),
                        step("action", "EVENTS_DRAIN", "parallel", true),
                        "DATA_PROMOTE",
                        "EVENTS_SET_ACTIVE",
                        step("action", "dns-route", "attempts", "5"),
                        "DNS_VERIFY",
                        step("action", "HOOK", "hook", "cpi-orders", "timeout", "10m")));
        app.put(
                "forced-plan",
                List.of(
                        "DATA_PROMOTE",
                        "EVENTS_SET_ACTIVE",
                        "DNS_ROUTE",
                        step("action", "HOOK", "hook", "cpi-orders", "timeout", "10m", "parallel", "true")));
        return app;
    }

    @Test
    void aPlanIsWrittenStepByStepWithHooksGroupsAndItsOwnTimeoutsAndAttempts() {
        ApplicationPolicy p = read(withHooks());

        assertThat(p.plan())
                .containsExactly(
                        StepAction.PREFLIGHT_HOOK,
                        StepAction.EVENTS_SET_STANDBY,
                        StepAction.DATA_DRAIN,
                        StepAction.EVENTS_DRAIN,
                        StepAction.DATA_PROMOTE,
                        StepAction.EVENTS_SET_ACTIVE,
                        StepAction.DNS_ROUTE,
                        StepAction.DNS_VERIFY,
                        StepAction.HOOK);
        assertThat(p.steps().get(0))
                .isEqualTo(
                        new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(20), 1, false));
        assertThat(p.steps().get(3)).isEqualTo(new StepSpec(StepAction.EVENTS_DRAIN, null, null, null, true));
        assertThat(p.steps().get(6).maxAttempts()).isEqualTo(5);
        assertThat(p.stepsFor(true)).hasSize(4);
        assertThat(p.stepsFor(true).get(3).parallel()).isTrue();
    }

    @Test
    void thePlainListOfActionsStillMeansWhatItMeantAndIsRecordedAsBefore() {
        Map<String, Object> app = app();
        app.put("plan", "DNS_ROUTE,DNS_VERIFY");
        app.put("parallel-steps", List.of("DNS_VERIFY"));
        ApplicationPolicy p = read(app);

        assertThat(p.steps())
                .containsExactly(
                        StepSpec.of(StepAction.DNS_ROUTE), new StepSpec(StepAction.DNS_VERIFY, null, null, null, true));
        assertThat(p.forcedSteps()).isNull();
        // the journal keeps the record it had before plans had steps: same fingerprint, no new fields
        assertThat(PolicyRecords.record(p).steps()).isNull();
        assertThat(PolicyRecords.record(p).forcedSteps()).isNull();
    }

    @Test
    void aReplayReadsBackExactlyThePlanTheEngineRan() throws Exception {
        ApplicationPolicy p = read(withHooks());
        PolicyRecord written = PolicyRecords.of("pol-1", Instant.parse("2026-12-06T10:00:00Z"), p, anyone());
        PolicyRecord read = EventJson.read(EventJson.write(written), PolicyRecord.class);

        assertThat(PolicyRecords.policy(read)).isEqualTo(p);
        assertThat(read.fingerprintMatches()).isTrue();
        List<StepSpec> longerHook = new java.util.ArrayList<>(p.steps());
        longerHook.set(0, new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(21), 1, false));
        assertThat(PolicyRecords.fingerprint(p.withSteps(longerHook, p.forcedSteps()), anyone()))
                .as("a step's own timeout is part of the policy")
                .isNotEqualTo(written.fingerprint());
    }

    private static io.mrm.decision.domain.RequestAuthority anyone() {
        return new io.mrm.decision.domain.RequestAuthority(
                false, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    @Test
    void whatAPlanCannotBeIsRefusedAtStartUpNamingTheStep() {
        Map<String, Object> late = app();
        late.put("plan", List.of("DNS_ROUTE", step("action", "PREFLIGHT_HOOK", "hook", "h")));
        assertThatThrownBy(() -> read(late))
                .hasMessageContaining("mrm.decision.applications[shop].plan[1] (PREFLIGHT_HOOK)")
                .hasMessageContaining("runs before anything changes");

        Map<String, Object> noHook = app();
        noHook.put("plan", List.of("DNS_ROUTE", step("action", "HOOK")));
        assertThatThrownBy(() -> read(noHook))
                .hasMessageContaining("mrm.decision.applications[shop].plan[1]")
                .hasMessageContaining("needs the name of the hook");

        Map<String, Object> hookOnDns = app();
        hookOnDns.put("plan", List.of(step("action", "DNS_ROUTE", "hook", "x")));
        assertThatThrownBy(() -> read(hookOnDns)).hasMessageContaining("only a hook step");

        Map<String, Object> misspelt = app();
        misspelt.put("plan", List.of(step("action", "DNS_ROUTE", "timout", "5s")));
        assertThatThrownBy(() -> read(misspelt))
                .hasMessageContaining("mrm.decision.applications[shop].plan[0].timout is not a setting")
                .hasMessageContaining("did you mean mrm.decision.applications[shop].plan[0].timeout");
        assertThat(PolicySettings.unknownKeys(Map.of("applications", List.of(misspelt))))
                .extracting(PolicySettings.UnknownKey::key)
                .containsExactly("mrm.decision.applications[0].plan[0].timout");

        Map<String, Object> forcedDrain = app();
        forcedDrain.put("forced-plan", List.of("DATA_DRAIN", "DATA_PROMOTE"));
        assertThatThrownBy(() -> read(forcedDrain))
                .hasMessageContaining("forced-plan[0] (DATA_DRAIN)")
                .hasMessageContaining("cannot hold a step on that region");

        Map<String, Object> withPreflight = app();
        withPreflight.put(
                "plan",
                List.of(step("action", "PREFLIGHT_HOOK", "hook", "h"), step("action", "DNS_ROUTE", "parallel", true)));
        assertThatThrownBy(() -> read(withPreflight))
                .hasMessageContaining("cannot run together with a pre-flight hook");

        Map<String, Object> zero = app();
        zero.put("plan", List.of(step("action", "DNS_ROUTE", "attempts", 0)));
        assertThatThrownBy(() -> read(zero))
                .hasMessageContaining("plan[0].attempts: must be greater than or equal to 1");

        Map<String, Object> reprotectHook = app();
        reprotectHook.put("reprotect-plan", List.of("DATA_REPROTECT", "HOOK"));
        assertThatThrownBy(() -> read(reprotectHook)).hasMessageContaining("reprotect-plan");
    }
}
