package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.codec.EventJson;
import io.mrm.events.journal.PolicyRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A policy read by the engine, recorded in the journal, replayed, written by mrmctl and read again is the same
 * policy with the same fingerprint.
 */
class PolicyFilePlanRoundTripTest {

    static final RequestAuthority AUTHORITY = RequestAuthority.signed(List.of());

    private static Map<String, Object> app(Object plan, List<String> parallelSteps) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("id", "shop");
        app.put("primary-region", "eu10");
        app.put("standby-region", "us10");
        app.put("vantages", List.of("vantage-1", "vantage-2", "vantage-3"));
        app.put("plan", plan);
        app.put("parallel-steps", parallelSteps);
        return app;
    }

    private static ApplicationPolicy engineReads(Map<String, Object> app) {
        return PolicySettings.applications(Map.of("applications", List.of(app))).get("shop");
    }

    /** Engine → journal → replay → mrmctl's policy file → read again. */
    private static ApplicationPolicy roundTrip(ApplicationPolicy engine) throws Exception {
        PolicyRecord recorded = EventJson.read(
                EventJson.write(PolicyRecords.of("pol-1", Instant.parse("2026-12-06T10:00:00Z"), engine, AUTHORITY)),
                PolicyRecord.class);
        assertThat(recorded.fingerprintMatches()).isTrue();
        ApplicationPolicy replayed = PolicyRecords.policy(recorded);
        assertThat(replayed).isEqualTo(engine);
        String yaml = PolicyFile.write(Map.of("shop", replayed), AUTHORITY);
        return PolicyFile.read(yaml, null).applications().get("shop");
    }

    @Test
    void aStepWrittenAsAMapThatIsNotParallelStaysAloneThoughItsActionIsInParallelSteps() throws Exception {
        // DNS_VERIFY by name would run with the route (parallel-steps); as a map without parallel it runs alone
        ApplicationPolicy engine =
                engineReads(app(List.of("DNS_ROUTE", Map.of("action", "DNS_VERIFY")), List.of("DNS_VERIFY")));
        assertThat(engine.steps().get(1).parallel()).isFalse();

        ApplicationPolicy again = roundTrip(engine);

        assertThat(again.steps()).isEqualTo(engine.steps());
        assertThat(again).isEqualTo(engine);
        assertThat(PolicyRecords.fingerprint(again, AUTHORITY)).isEqualTo(PolicyRecords.fingerprint(engine, AUTHORITY));
    }

    @Test
    void aPlainPlanWithParallelStepsKeepsItsRecordAndFingerprint() throws Exception {
        ApplicationPolicy engine = engineReads(app("DNS_ROUTE,DNS_VERIFY", List.of("DNS_VERIFY")));
        assertThat(PolicyRecords.record(engine).steps()).isNull();

        ApplicationPolicy again = roundTrip(engine);

        assertThat(again).isEqualTo(engine);
        assertThat(PolicyRecords.record(again).steps())
                .as("still recorded as before steps existed")
                .isNull();
        assertThat(PolicyRecords.fingerprint(again, AUTHORITY)).isEqualTo(PolicyRecords.fingerprint(engine, AUTHORITY));
    }

    @Test
    void aPlanWithHooksAndAForcedPlanSurvivesTheWholeWay() throws Exception {
        Map<String, Object> app = app(
                List.of(
                        Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze", "timeout", "20s", "attempts", 2),
                        Map.of("action", "PREFLIGHT_HOOK", "hook", "month-end-close", "attempts", 1),
                        "EVENTS_SET_STANDBY",
                        "DATA_DRAIN",
                        "DATA_PROMOTE",
                        "EVENTS_SET_ACTIVE",
                        "DNS_ROUTE",
                        "DNS_VERIFY",
                        Map.of("action", "HOOK", "hook", "notify", "timeout", "1500ms")),
                List.of("DNS_VERIFY"));
        app.put(
                "forced-plan",
                List.of(
                        Map.of("action", "PREFLIGHT_HOOK", "hook", "change-freeze"),
                        "DATA_PROMOTE",
                        "DNS_ROUTE",
                        Map.of("action", "HOOK", "hook", "notify", "parallel", true)));
        ApplicationPolicy engine = engineReads(app);

        ApplicationPolicy again = roundTrip(engine);

        assertThat(again).isEqualTo(engine);
        assertThat(PolicyRecords.fingerprint(again, AUTHORITY)).isEqualTo(PolicyRecords.fingerprint(engine, AUTHORITY));
    }
}
