package io.mrm.hook.domain;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The hook actuator's readiness: for each application a hook serves and each of that application's two regions,
 * one check named after the hook ({@link HookBackend#probe}, read-only), of action PREFLIGHT_HOOK for a
 * pre-flight hook and HOOK otherwise. Which applications a hook serves, in which regions, is configuration
 * ({@code served}); a hook that names none is not checked.
 *
 * <p>The checks of one round share {@code bound}: a probe gets what is left of it, and once nothing is left the
 * remaining checks are UNKNOWN without being run. A probe that throws is UNKNOWN, never an exception.
 */
public final class HookReadinessChecker implements ReadinessChecker {

    private final Map<String, HookBackend> hooks;
    private final Map<String, Map<String, List<String>>> served;
    private final Duration bound;
    private final Clock clock;

    /**
     * @param hooks  hook name → hook
     * @param served hook name → application id → the application's two regions
     * @param bound  the longest one application's checks may take in all
     */
    public HookReadinessChecker(
            Map<String, HookBackend> hooks,
            Map<String, Map<String, List<String>>> served,
            Duration bound,
            Clock clock) {
        this.hooks = Map.copyOf(hooks);
        this.served = new LinkedHashMap<>(served);
        served.keySet().forEach(name -> {
            if (!this.hooks.containsKey(name)) {
                throw new IllegalArgumentException("readiness of hook '" + name + "', which is not configured");
            }
        });
        this.bound = Objects.requireNonNull(bound, "bound");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Actuator actuator() {
        return Actuator.HOOK;
    }

    @Override
    public List<String> applications() {
        Set<String> applications = new LinkedHashSet<>();
        served.values().forEach(apps -> applications.addAll(apps.keySet()));
        return List.copyOf(applications);
    }

    @Override
    public List<String> regions(String applicationId) {
        return served.values().stream()
                .filter(apps -> apps.containsKey(applicationId))
                .map(apps -> apps.get(applicationId))
                .findFirst()
                .orElse(List.of());
    }

    @Override
    public List<ReadinessCheck> check(String applicationId) {
        Instant roundEnds = clock.instant().plus(bound);
        List<ReadinessCheck> checks = new ArrayList<>();
        served.forEach((name, apps) -> {
            List<String> regions = apps.get(applicationId);
            if (regions == null) {
                return;
            }
            HookBackend hook = hooks.get(name);
            StepAction action = hook.preflight() ? StepAction.PREFLIGHT_HOOK : StepAction.HOOK;
            for (String region : regions) {
                checks.add(probe(name, hook, action, applicationId, region, roundEnds));
            }
        });
        return checks;
    }

    private ReadinessCheck probe(
            String name, HookBackend hook, StepAction action, String applicationId, String region, Instant roundEnds) {
        Instant started = clock.instant();
        Duration left = Duration.between(started, roundEnds);
        ReadinessStatus status;
        String reason;
        if (left.isNegative() || left.isZero()) {
            status = ReadinessStatus.UNKNOWN;
            reason = "not checked: the round's " + bound.toMillis() + " ms were spent on other checks";
        } else {
            HookOutcome outcome;
            try {
                outcome = Objects.requireNonNull(hook.probe(applicationId, region, left), "no outcome");
            } catch (RuntimeException e) {
                outcome = HookOutcome.retriable("the check failed: " + e);
            }
            status = switch (outcome.status()) {
                case SUCCEEDED -> ReadinessStatus.READY;
                case FAILED_FATAL, VETOED -> ReadinessStatus.NOT_READY;
                case FAILED_RETRIABLE -> ReadinessStatus.UNKNOWN;
            };
            reason = outcome.detail().isBlank() ? status.name() : outcome.detail();
        }
        long took = Math.max(0, Duration.between(started, clock.instant()).toMillis());
        return new ReadinessCheck(region, action, name, status, ReadinessCheck.clip(reason), started, took);
    }
}
