package io.mrm.events.readiness;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A drill's step ({@code step().rehearsing()}), the same in every actuator: the actuator's own read-only
 * readiness checks of the command's action towards the switch's target, bounded short, and an ack that says
 * what the step would have done. Nothing here records an epoch or changes a backend: the caller has passed
 * the {@link io.mrm.events.command.CommandGate}, which does not record a rehearsal's epoch either.
 *
 * <p>Outcome: every check READY is SUCCEEDED with the actuator's "would ..." sentence; a NOT_READY check
 * is FAILED_FATAL (the real step would fail), an UNKNOWN one FAILED_RETRIABLE, both with the check's reason.
 * The ack's {@code durationMs} is the measured time of the checks (the engine sums the steps' into a
 * predicted RTO); {@code observed} says {@code rehearsal=true} and each check's status and time.
 */
public final class Rehearsal {

    public static final String NOT_READY = "REHEARSAL_NOT_READY";
    public static final String UNKNOWN = "REHEARSAL_UNKNOWN";
    public static final String TIMED_OUT = "REHEARSAL_TIMED_OUT";
    public static final String NO_CHECKS = "REHEARSAL_NO_CHECKS";

    private final ReadinessChecker checker;
    private final Clock clock;
    private final Duration bound;
    private final Duration ackMargin;
    private final ExecutorService workers;

    /**
     * @param bound     the longest the checks may take ({@code mrm.readiness.timeout}); the step's deadline
     *                  less {@code ackMargin} bounds them too, whichever comes first
     * @param ackMargin kept free before the step's deadline for the ack
     */
    public Rehearsal(ReadinessChecker checker, Clock clock, Duration bound, Duration ackMargin) {
        this.checker = Objects.requireNonNull(checker, "checker");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("the rehearsal bound must be positive, was " + bound);
        }
        this.bound = bound;
        this.ackMargin = Objects.requireNonNull(ackMargin, "ackMargin");
        AtomicInteger n = new AtomicInteger();
        // a check stuck on a backend that does not answer is left behind (interrupted), never waited for
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rehearsal-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** What a step would have done, said from its READY checks; it may read more (only read), and fail. */
    @FunctionalInterface
    public interface Saying {
        String say(List<ReadinessCheck> checks) throws ActuatorFailure;
    }

    /** The application's region other than {@code region}: the target of a switch that leaves {@code region}. */
    public String otherRegion(String applicationId, String region) {
        return checker.regions(applicationId).stream()
                .filter(r -> !r.equals(region))
                .findFirst()
                .orElse(region);
    }

    /**
     * Runs the checks of {@code command}'s action towards {@code target} and acknowledges.
     *
     * @param would      what the step would have done, said from its READY checks (e.g. "would promote region-b
     *                   (backlog 0 bytes)"); called only when every check is READY; a failure it throws is
     *                   acknowledged with its own outcome
     * @param fenceEpoch the fence epoch the actuator holds, reported as on every ack (a rehearsal does not move it)
     */
    public CommandAck run(StepCommand command, String target, Saying would, long fenceEpoch) {
        Instant start = clock.instant();
        Duration left = Duration.between(start, command.step().deadline().minus(ackMargin));
        Duration within = left.compareTo(bound) < 0 ? left : bound;
        if (within.isNegative() || within.isZero()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    TIMED_OUT,
                    "no time left before the step's deadline to run the checks; nothing was done",
                    Map.of(),
                    fenceEpoch);
        }
        // the checks and the sentence (which may read more) run together, within the bound
        Future<CommandAck> running = workers.submit(() -> judge(command, target, would, fenceEpoch, start));
        try {
            return running.get(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    TIMED_OUT,
                    "the read-only checks of " + command.action() + " towards " + target + " did not end within "
                            + within.toMillis() + " ms (bounded by mrm.readiness.timeout and the step's deadline)",
                    Map.of("checkedRegion", target),
                    fenceEpoch);
        } catch (ExecutionException e) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    UNKNOWN,
                    "the read-only checks of " + command.action() + " failed: " + e.getCause(),
                    Map.of(),
                    fenceEpoch);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.cancel(true);
            return ack(command, start, AckOutcome.FAILED_RETRIABLE, UNKNOWN, "interrupted", Map.of(), fenceEpoch);
        }
    }

    private CommandAck judge(StepCommand command, String target, Saying would, long fenceEpoch, Instant start) {
        List<ReadinessCheck> checks = checker.check(command.applicationId(), target, command.action());
        Map<String, String> observed = new TreeMap<>();
        observed.put("checkedRegion", target);
        for (ReadinessCheck c : checks) {
            observed.merge("check." + c.check(), c.status().name(), (a, b) -> a + "," + b);
            observed.merge("ms." + c.check(), Long.toString(c.durationMs()), (a, b) -> a + "," + b);
        }
        if (checks.isEmpty()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    NO_CHECKS,
                    "no readiness check of " + command.action() + " towards " + target
                            + " (is the region configured for " + command.applicationId() + "?)",
                    observed,
                    fenceEpoch);
        }
        List<ReadinessCheck> notReady = with(checks, ReadinessStatus.NOT_READY);
        if (!notReady.isEmpty()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_FATAL,
                    NOT_READY,
                    "would fail: " + reasons(notReady),
                    observed,
                    fenceEpoch);
        }
        List<ReadinessCheck> unknown = with(checks, ReadinessStatus.UNKNOWN);
        if (!unknown.isEmpty()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    UNKNOWN,
                    "could not tell: " + reasons(unknown),
                    observed,
                    fenceEpoch);
        }
        String said;
        try {
            said = would.say(checks);
        } catch (ActuatorFailure e) {
            return ack(command, start, e.outcome(), e.code(), e.getMessage(), observed, fenceEpoch);
        } catch (RuntimeException e) {
            return ack(
                    command, start, AckOutcome.FAILED_RETRIABLE, UNKNOWN, "could not tell: " + e, observed, fenceEpoch);
        }
        return ack(command, start, AckOutcome.SUCCEEDED, null, said, observed, fenceEpoch);
    }

    /** The READY checks' reasons, joined: what a "would ..." sentence cites as seen. */
    public static String seen(List<ReadinessCheck> checks) {
        return String.join("; ", checks.stream().map(ReadinessCheck::reason).toList());
    }

    private static List<ReadinessCheck> with(List<ReadinessCheck> checks, ReadinessStatus status) {
        return checks.stream().filter(c -> c.status() == status).toList();
    }

    private static String reasons(List<ReadinessCheck> checks) {
        return String.join(
                "; ", checks.stream().map(c -> c.check() + ": " + c.reason()).toList());
    }

    private CommandAck ack(
            StepCommand command,
            Instant start,
            AckOutcome outcome,
            String code,
            String detail,
            Map<String, String> checks,
            long fenceEpoch) {
        Instant end = clock.instant();
        Map<String, String> observed = new TreeMap<>(checks);
        observed.put("rehearsal", "true");
        observed.put("changed", "false");
        long took = Math.max(0, Duration.between(start, end).toMillis());
        return Acks.of(command, outcome, code, ReadinessCheck.clip(detail), took, observed, end, fenceEpoch);
    }
}
