package io.mrm.hook.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.HookCommand;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.readiness.ReadinessCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Executes hook step commands: the {@link CommandGate} first (a stale epoch is REJECTED_STALE, a passed deadline
 * FAILED_RETRIABLE, and a rehearsal's epoch is never recorded), then the {@link HookExecutor} (once per command
 * id), and answers with the hook's outcome, its detail and what it observed.
 *
 * <p>VETOED is answered only to a pre-flight command; a hook step's deadline is the command's less
 * {@code ackMargin}, kept free to publish the ack. A rehearsal runs the hook's read-only checks
 * ({@link HookBackend#rehearse}) and its ack says {@code rehearsal=true, changed=false}.
 */
public final class HookCommandHandler {

    /** The error code of a pre-flight hook's veto. */
    public static final String VETO = "VETO";
    /** The error code of a hook that failed: its detail says why. */
    public static final String HOOK_FAILED = "HOOK_FAILED";

    private final HookExecutor executor;
    private final Clock clock;
    private final Duration ackMargin;
    private final CommandGate gate = new CommandGate();

    public HookCommandHandler(HookExecutor executor, Clock clock, Duration ackMargin) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ackMargin = Objects.requireNonNull(ackMargin, "ackMargin");
        if (ackMargin.isNegative()) {
            throw new IllegalArgumentException("ackMargin must not be negative, was " + ackMargin);
        }
    }

    /** Always an acknowledgement: no failure of a hook, however unexpected, escapes. */
    public CommandAck handle(HookCommand command) {
        Instant start = clock.instant();
        Optional<CommandAck> refusal = gate.refusal(command, start);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        HookRunCommand run = (HookRunCommand) command;
        HookOutcome outcome;
        try {
            outcome = executor.execute(step(run));
        } catch (IllegalArgumentException e) {
            // a valid command the hook cannot take (e.g. an id longer than a hook's delivery id allows)
            outcome = HookOutcome.fatal("the command cannot be run as a hook step: " + e.getMessage());
        }
        return ack(run, outcome, start);
    }

    /** The hook step a command asks for; the hook must end {@code ackMargin} before the command's deadline. */
    private HookStep step(HookRunCommand run) {
        return new HookStep(
                run.id(),
                run.applicationId(),
                run.fromRegion(),
                run.toRegion(),
                run.step().epoch(),
                HookMode.valueOf(run.mode().name()),
                run.hook(),
                run.step().deadline().minus(ackMargin),
                run.step().rehearsing(),
                run.preflighting(),
                run.step().decisionId() + "/" + run.step().epoch() + "/"
                        + run.step().stepIndex());
    }

    private CommandAck ack(HookRunCommand run, HookOutcome outcome, Instant start) {
        AckOutcome ackOutcome = switch (outcome.status()) {
            case SUCCEEDED -> AckOutcome.SUCCEEDED;
            case FAILED_RETRIABLE -> AckOutcome.FAILED_RETRIABLE;
            case FAILED_FATAL -> AckOutcome.FAILED_FATAL;
            // HookExecutor never lets a hook that acts answer VETO; kept fatal should that change
            case VETOED -> run.preflighting() ? AckOutcome.VETOED : AckOutcome.FAILED_FATAL;
        };
        String code = switch (ackOutcome) {
            case SUCCEEDED -> null;
            case VETOED -> VETO;
            default -> HOOK_FAILED;
        };
        Map<String, String> observed = new TreeMap<>(outcome.observed());
        observed.put("hook", run.hook());
        if (run.step().rehearsing()) {
            observed.put("rehearsal", "true");
            observed.put("changed", "false");
        }
        Instant end = clock.instant();
        return Acks.of(
                run,
                ackOutcome,
                code,
                ReadinessCheck.clip(outcome.detail()),
                Math.max(0, Duration.between(start, end).toMillis()),
                observed,
                end,
                gate.highest(run.applicationId()));
    }
}
