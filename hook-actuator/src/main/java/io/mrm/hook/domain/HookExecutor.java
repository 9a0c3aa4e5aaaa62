package io.mrm.hook.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the configured hook for a step, once per command id, bounded by the step's deadline. Epochs are fenced
 * before a step gets here, by the caller's {@link io.mrm.events.command.CommandGate} (one fence for the
 * actuator, which also answers a stale command as REJECTED_STALE).
 *
 * <ul>
 *   <li>A command id already run returns its recorded outcome without calling the hook again, unless that
 *       outcome was {@code FAILED_RETRIABLE}: then the hook runs again (the hook de-duplicates by the same id).
 *   <li>A step that asks a pre-flight hook of a hook that is not configured as one, or the reverse, is
 *       {@code FAILED_FATAL}: the engine's plan and this actuator's configuration disagree.
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

    /**
     * Runs the step; one application's steps run one at a time, and so do its rehearsals, but beside its real
     * steps: a drill's step that hangs never holds up a real failover's (the command lanes run them apart too).
     */
    public HookOutcome execute(HookStep step) {
        Objects.requireNonNull(step, "step");
        String lane = step.application() + (step.rehearsal() ? " rehearsal" : "");
        synchronized (applicationLocks.computeIfAbsent(lane, a -> new Object())) {
            HookOutcome outcome = run(step);
            synchronized (outcomes) {
                Recorded earlier = outcomes.get(step.commandId());
                // a refused reuse of the id must not replace what the step it belongs to was answered
                if (earlier == null || earlier.step().sameRequestAs(step)) {
                    outcomes.put(step.commandId(), new Recorded(step, outcome));
                }
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
        HookBackend hook = hooks.get(step.kind());
        if (hook == null) {
            return HookOutcome.fatal("no hook named '" + step.kind() + "' is configured (configured: "
                    + String.join(", ", hooks.keySet().stream().sorted().toList()) + ")");
        }
        if (step.preflight() != hook.preflight()) {
            return HookOutcome.fatal(
                    step.preflight()
                            ? "the plan runs hook '" + step.kind()
                                    + "' as a pre-flight step (PREFLIGHT_HOOK), but it is"
                                    + " not configured with preflight: true; nothing was called (make the plan's step a HOOK,"
                                    + " or configure the hook as a pre-flight hook)"
                            : "the plan runs hook '" + step.kind() + "' as a HOOK step, but it is configured with"
                                    + " preflight: true; nothing was called (make the plan's step a PREFLIGHT_HOOK, or"
                                    + " configure the hook without preflight)");
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
                + step.epoch() + (step.preflight() ? " pre-flight" : "") + (step.rehearsal() ? " rehearsal" : "");
    }
}
