package io.mrm.hook.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the configured hook for a step, once per command id, fenced by epoch and bounded by the step's deadline.
 *
 * <ul>
 *   <li>A command id already run returns its recorded outcome without calling the hook again, unless that
 *       outcome was {@code FAILED_RETRIABLE}: then the hook runs again (the hook de-duplicates by the same id).
 *   <li>An epoch lower than the highest seen for the application is refused ({@code FAILED_FATAL}): a zombie
 *       engine instance cannot act.
 *   <li>The hook gets the time left until the deadline (by the injected clock); a step whose deadline has
 *       passed does not start.
 *   <li>A rehearsal runs the hook's read-only checks only.
 * </ul>
 *
 * What it remembers is in memory and bounded ({@code rememberedCommands}, oldest forgotten first).
 */
public final class HookExecutor {

    private final Map<String, HookBackend> hooks;
    private final Clock clock;
    private final int rememberedCommands;
    private final Map<String, Object> applicationLocks = new ConcurrentHashMap<>();
    private final Map<String, Long> highestEpoch = new HashMap<>();
    private final Map<String, Recorded> outcomes;

    private record Recorded(HookStep step, HookOutcome outcome) {}

    /**
     * @param hooks              hook name (a step's {@code kind}) → the hook
     * @param clock              judges the deadlines
     * @param rememberedCommands how many command ids are remembered for de-duplication
     */
    public HookExecutor(Map<String, HookBackend> hooks, Clock clock, int rememberedCommands) {
        this.hooks = Map.copyOf(hooks);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (rememberedCommands < 1) {
            throw new IllegalArgumentException("rememberedCommands must be at least 1, was " + rememberedCommands);
        }
        this.rememberedCommands = rememberedCommands;
        this.outcomes = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Recorded> eldest) {
                return size() > HookExecutor.this.rememberedCommands;
            }
        };
    }

    /** Runs the step; one application's steps run one at a time. */
    public HookOutcome execute(HookStep step) {
        Objects.requireNonNull(step, "step");
        synchronized (applicationLocks.computeIfAbsent(step.application(), a -> new Object())) {
            HookOutcome outcome = run(step);
            synchronized (outcomes) {
                outcomes.put(step.commandId(), new Recorded(step, outcome));
            }
            return outcome;
        }
    }

    private HookOutcome run(HookStep step) {
        Recorded earlier;
        synchronized (outcomes) {
            earlier = outcomes.get(step.commandId());
        }
        if (earlier != null) {
            if (!earlier.step().sameRequestAs(step)) {
                return HookOutcome.fatal("command id " + step.commandId() + " was already used for a different step ("
                        + describe(earlier.step()) + ")");
            }
            if (earlier.outcome().status() != HookOutcome.Status.FAILED_RETRIABLE) {
                return earlier.outcome();
            }
        }
        synchronized (highestEpoch) {
            long highest = highestEpoch.getOrDefault(step.application(), Long.MIN_VALUE);
            if (step.epoch() < highest) {
                return HookOutcome.fatal("stale epoch " + step.epoch() + ": epoch " + highest
                        + " was already seen for application " + step.application());
            }
            highestEpoch.put(step.application(), step.epoch());
        }
        HookBackend hook = hooks.get(step.kind());
        if (hook == null) {
            return HookOutcome.fatal("no hook named '" + step.kind() + "' is configured (configured: "
                    + String.join(", ", hooks.keySet().stream().sorted().toList()) + ")");
        }
        Instant now = clock.instant();
        Duration timeLeft = Duration.between(now, step.deadline());
        if (timeLeft.isZero() || timeLeft.isNegative()) {
            return HookOutcome.retriable("deadline " + step.deadline() + " passed before hook '" + step.kind()
                    + "' started (now " + now + ")");
        }
        try {
            HookOutcome outcome = step.rehearsal() ? hook.rehearse(step, timeLeft) : hook.apply(step, timeLeft);
            return Objects.requireNonNull(outcome, "hook returned no outcome");
        } catch (RuntimeException e) {
            // A hook classifies its backend's failures itself; what escapes is a bug or a broken setting.
            return HookOutcome.fatal("hook '" + step.kind() + "' failed unexpectedly: " + e);
        }
    }

    private static String describe(HookStep step) {
        return step.kind() + " for " + step.application() + " " + step.fromRegion() + "->" + step.toRegion() + " epoch "
                + step.epoch() + (step.rehearsal() ? " rehearsal" : "");
    }
}
