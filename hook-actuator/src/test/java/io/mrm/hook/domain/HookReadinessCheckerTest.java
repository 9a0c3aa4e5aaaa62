package io.mrm.hook.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HookReadinessCheckerTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));

    /** A hook whose probe answers what the test says per region, taking the time the test says. */
    final class ProbedHook implements HookBackend {
        final boolean preflight;
        final Function<String, HookOutcome> answer;
        final Duration takes;
        final List<String> probed = new ArrayList<>();

        ProbedHook(boolean preflight, Function<String, HookOutcome> answer, Duration takes) {
            this.preflight = preflight;
            this.answer = answer;
            this.takes = takes;
        }

        @Override
        public HookOutcome apply(HookStep step, Duration timeLeft) {
            throw new AssertionError("a readiness check must not run a step");
        }

        @Override
        public HookOutcome rehearse(HookStep step, Duration timeLeft) {
            throw new AssertionError("a readiness check must not run a step");
        }

        @Override
        public HookOutcome probe(String application, String region, Duration timeLeft) {
            probed.add(application + " " + region);
            clock.advance(takes);
            return answer.apply(region);
        }

        @Override
        public boolean preflight() {
            return preflight;
        }
    }

    static Map<String, Map<String, List<String>>> served(String... hooks) {
        Map<String, Map<String, List<String>>> served = new LinkedHashMap<>();
        for (String hook : hooks) {
            served.put(hook, Map.of("orders", List.of("eu10", "us10")));
        }
        return served;
    }

    @Test
    void eachServedHookIsCheckedTowardsBothRegionsUnderItsStepAction() {
        ProbedHook freeze = new ProbedHook(true, r -> HookOutcome.succeeded("handshake ok", Map.of()), Duration.ZERO);
        ProbedHook cpi = new ProbedHook(
                false,
                r -> r.equals("us10") ? HookOutcome.fatal("401 from the token URL") : HookOutcome.retriable("503"),
                Duration.ofMillis(40));
        HookReadinessChecker checker = new HookReadinessChecker(
                Map.of("change-freeze", freeze, "cpi-orders", cpi),
                served("change-freeze", "cpi-orders"),
                Duration.ofSeconds(10),
                clock);

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checker.actuator()).isEqualTo(Actuator.HOOK);
        assertThat(checker.applications()).containsExactly("orders");
        assertThat(checker.regions("orders")).containsExactly("eu10", "us10");
        assertThat(checks)
                .extracting(c -> c.check() + " " + c.action() + " " + c.region() + " " + c.status())
                .containsExactly(
                        "change-freeze PREFLIGHT_HOOK eu10 READY",
                        "change-freeze PREFLIGHT_HOOK us10 READY",
                        "cpi-orders HOOK eu10 UNKNOWN",
                        "cpi-orders HOOK us10 NOT_READY");
        assertThat(checks.get(3).reason()).isEqualTo("401 from the token URL");
        assertThat(checks.get(3).durationMs()).isEqualTo(40);
    }

    @Test
    void onceTheRoundsBoundIsSpentTheRemainingChecksAreUnknownWithoutRunning() {
        ProbedHook slow = new ProbedHook(false, r -> HookOutcome.succeeded("ok", Map.of()), Duration.ofSeconds(6));
        HookReadinessChecker checker = new HookReadinessChecker(
                Map.of("notify-ops", slow), served("notify-ops"), Duration.ofSeconds(5), clock);

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(slow.probed).containsExactly("orders eu10");
        assertThat(checks)
                .extracting(ReadinessCheck::status)
                .containsExactly(ReadinessStatus.READY, ReadinessStatus.UNKNOWN);
        assertThat(checks.get(1).reason()).contains("not checked");
    }

    @Test
    void aProbeThatThrowsIsUnknown() {
        ProbedHook broken = new ProbedHook(
                false,
                r -> {
                    throw new IllegalStateException("environment variable X is not set");
                },
                Duration.ZERO);
        HookReadinessChecker checker = new HookReadinessChecker(
                Map.of("notify-ops", broken), served("notify-ops"), Duration.ofSeconds(5), clock);

        assertThat(checker.check("orders")).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(c.reason()).contains("environment variable X is not set");
            assertThat(c.action()).isEqualTo(StepAction.HOOK);
        });
    }

    @Test
    void anApplicationNoHookServesHasNoChecks() {
        ProbedHook hook = new ProbedHook(false, r -> HookOutcome.succeeded("ok", Map.of()), Duration.ZERO);
        HookReadinessChecker checker = new HookReadinessChecker(
                Map.of("notify-ops", hook), served("notify-ops"), Duration.ofSeconds(5), clock);

        assertThat(checker.check("billing")).isEmpty();
        assertThat(checker.regions("billing")).isEmpty();
        assertThat(hook.probed).isEmpty();
    }

    @Test
    void readinessOfAHookThatIsNotConfiguredIsRefused() {
        assertThatThrownBy(() -> new HookReadinessChecker(Map.of(), served("notify-ops"), Duration.ofSeconds(5), clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notify-ops");
    }
}
