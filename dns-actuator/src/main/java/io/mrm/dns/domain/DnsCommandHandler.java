package io.mrm.dns.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.Rehearsal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executes DNS step commands: converge (read, change only if different, read back) and answer
 * with what was observed. Running the same command twice changes nothing the second time.
 *
 * <p>A route is acknowledged once the authority applies it everywhere (a change still pending is
 * waited for, within the command's deadline, and is never acknowledged as routed). A verify asks what
 * clients are answered ({@link DnsRouter#answers}), not what is configured, and reports how long
 * resolvers may still hold the answer from before the switch (with {@link Pacing#waitOutCachedAnswers},
 * it waits that out). Every wait ends {@link Pacing#ackMargin} before the command's deadline.
 *
 * <p>Every acknowledgement carries the fence epoch: the highest epoch this actuator holds for the
 * application (its own gate's, or the authority's fencing token when higher), and on a stale refusal
 * the epoch that refused the command, so that the engine can issue a higher one.
 *
 * <p>A drill's step ({@code step().rehearsing()}) never reaches the router's write: it runs the readiness
 * checks of its action towards its region ({@link DnsReadinessChecker}) and says what it would have done.
 */
public final class DnsCommandHandler {

    public static final String CHANGE_PENDING = "CHANGE_PENDING";
    public static final String OLD_ANSWER_MAY_BE_CACHED = "OLD_ANSWER_MAY_BE_CACHED";

    /** What clients were answered before this actuator's last switch of an application. */
    private record OldAnswer(String to, Duration ttl) {}

    /** Since when every source answers with {@code region}, as this actuator first saw it. */
    private record Seen(String region, Instant since) {}

    private final DnsRouter router;
    private final Clock clock;
    private final Pacing pacing;
    /** Null when built without readiness checks: a rehearsal is then refused, never run for real. */
    private final Rehearsal rehearsal;

    private final CommandGate gate = new CommandGate();
    // In memory on purpose: losing either only makes a report less exact or a wait longer, never
    // shorter (a restarted actuator sees the switch later than it happened, and falls back to the TTL
    // served now), while what decides an outcome (answers, pending changes) is read from the backend.
    private final Map<String, OldAnswer> oldAnswers = new ConcurrentHashMap<>();
    private final Map<String, Seen> allAnswersSince = new ConcurrentHashMap<>();

    /** Reads once per command and never waits ({@link Pacing#ONCE}). */
    public DnsCommandHandler(DnsRouter router, Clock clock) {
        this(router, clock, Pacing.ONCE);
    }

    public DnsCommandHandler(DnsRouter router, Clock clock, Pacing pacing) {
        this(router, clock, pacing, null);
    }

    public DnsCommandHandler(DnsRouter router, Clock clock, Pacing pacing, Rehearsal rehearsal) {
        this.router = router;
        this.clock = clock;
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.rehearsal = rehearsal;
    }

    /** Always an acknowledgement: no failure of the backend, however unexpected, escapes. */
    public CommandAck handle(DnsCommand command) {
        Instant start = clock.instant();
        Optional<CommandAck> refusal = gate.refusal(command, start);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (command.step().rehearsing()) {
            return rehearse(command, start);
        }
        return execute(command, start);
    }

    /** Reads only: the checks of the step, and the region the name points at now (for the sentence). */
    private CommandAck rehearse(DnsCommand command, Instant start) {
        long held = gate.highest(command.applicationId());
        if (rehearsal == null) {
            return Acks.of(
                    command,
                    AckOutcome.FAILED_FATAL,
                    "REHEARSAL_UNSUPPORTED",
                    "this DNS actuator runs without readiness checks, so it cannot rehearse; nothing was done",
                    elapsed(start),
                    Map.of("rehearsal", "true", "changed", "false"),
                    clock.instant(),
                    held);
        }
        if (command instanceof DnsRouteCommand route) {
            String target = route.targetRegion();
            return rehearsal.run(command, target, checks -> wouldRoute(route, checks), held);
        }
        String expected = ((DnsVerifyCommand) command).expectedRegion();
        return rehearsal.run(
                command,
                expected,
                checks -> "would verify that " + command.applicationId() + "'s name answers with " + expected + " ("
                        + Rehearsal.seen(checks) + ")",
                held);
    }

    private String wouldRoute(DnsRouteCommand route, List<ReadinessCheck> checks) throws ActuatorFailure {
        DnsState now = router.current(route.applicationId());
        if (now.epoch() > route.step().epoch()) {
            throw ActuatorFailure.fatal(
                    "FENCED_BY_NEWER_EPOCH",
                    "would be refused: the authority holds epoch " + now.epoch() + " > "
                            + route.step().epoch());
        }
        String from = now.region() == null ? "no configured region" : now.region();
        return "would route " + route.applicationId() + " from " + from + " to " + route.targetRegion()
                + " and write fencing token " + route.step().epoch() + " (" + Rehearsal.seen(checks) + ")";
    }

    private CommandAck execute(DnsCommand command, Instant start) {
        String app = command.applicationId();
        try {
            if (command instanceof DnsRouteCommand route) {
                return route(route, app, start);
            }
            return verify((DnsVerifyCommand) command, app, start);
        } catch (ActuatorFailure e) {
            return Acks.of(
                    command,
                    e.outcome(),
                    e.code(),
                    e.getMessage(),
                    elapsed(start),
                    Map.of(),
                    clock.instant(),
                    held(command, 0));
        } catch (RuntimeException e) {
            // a defect or an answer no router expected: fatal, so the plan pauses and someone looks
            return Acks.of(
                    command,
                    AckOutcome.FAILED_FATAL,
                    "UNEXPECTED",
                    e.toString(),
                    elapsed(start),
                    Map.of(),
                    clock.instant(),
                    held(command, 0));
        }
    }

    private CommandAck route(DnsRouteCommand route, String app, Instant start) throws ActuatorFailure {
        String target = route.targetRegion();
        long epoch = route.step().epoch();
        Instant until = lastMoment(route);
        DnsState before = router.current(app);
        if (before.epoch() <= epoch) {
            // a change made before (by an earlier attempt, or another instance) is applied first
            before = settled(app, before, until);
        }
        if (before.epoch() > epoch) {
            // the zone itself says a newer decision switched this name: this actuator is behind
            return ack(
                    route,
                    start,
                    AckOutcome.REJECTED_STALE,
                    "FENCED_BY_NEWER_EPOCH",
                    "the authority holds epoch " + before.epoch() + " > " + epoch,
                    before,
                    false,
                    Map.of());
        }
        if (before.isPending()) {
            return ack(
                    route,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    CHANGE_PENDING,
                    "the change to " + before.region() + " at epoch "
                            + before.epoch() + " is still pending (" + before.pendingChange()
                            + "); nothing changed, a retry"
                            + " waits for it again",
                    before,
                    false,
                    Map.of());
        }
        boolean move = !target.equals(before.region());
        if (move) {
            rememberOldAnswer(app, target);
        }
        if (move || before.epoch() < epoch) {
            router.routeTo(app, target, epoch, before);
        }
        DnsState after = settled(app, router.current(app), until);
        if (after.isPending()) {
            return ack(
                    route,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    CHANGE_PENDING,
                    "routed to " + after.region()
                            + ", but the change is still pending (" + after.pendingChange()
                            + ") at the command's deadline;"
                            + " a retry waits for it",
                    after,
                    move,
                    Map.of());
        }
        if (!target.equals(after.region())) {
            return ack(
                    route,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NOT_CONVERGED",
                    "routed to " + target + " but the authority answers " + after.region(),
                    after,
                    move,
                    Map.of());
        }
        return ack(
                route,
                start,
                AckOutcome.SUCCEEDED,
                null,
                move
                        ? "routed from " + before.region() + " to " + after.region()
                        : "already routed to " + after.region(),
                after,
                move,
                Map.of());
    }

    /**
     * Succeeds when no change is pending and every source that answers answers with the expected
     * region (and, with {@link Pacing#waitOutCachedAnswers}, the old answer's TTL has run out since);
     * reads again until then or until the deadline.
     */
    private CommandAck verify(DnsVerifyCommand verify, String app, Instant start) throws ActuatorFailure {
        String expected = verify.expectedRegion();
        Instant until = lastMoment(verify);
        while (true) {
            DnsState state = router.current(app);
            AnswerCheck check = AnswerCheck.of(expected, router.answers(app));
            Instant now = clock.instant();
            Map<String, String> observed = new TreeMap<>(check.observed());
            String code;
            String detail;
            if (state.isPending()) {
                allAnswersSince.remove(app);
                observed.put("pendingChange", state.pendingChange());
                code = CHANGE_PENDING;
                detail = "the change is still pending (" + state.pendingChange() + "); " + check.summary();
            } else if (!check.allExpected()) {
                allAnswersSince.remove(app);
                code = check.code();
                detail = check.summary();
            } else {
                Seen seen = allAnswersSince.compute(
                        app, (k, s) -> s != null && s.region().equals(expected) ? s : new Seen(expected, now));
                Instant cachedUntil = cachedUntil(app, expected, check, seen.since(), observed);
                detail = check.summary() + cachedSentence(app, expected, cachedUntil, now);
                if (!pacing.waitOutCachedAnswers() || !now.isBefore(cachedUntil)) {
                    return ack(verify, start, AckOutcome.SUCCEEDED, null, detail, state, false, observed);
                }
                code = OLD_ANSWER_MAY_BE_CACHED;
            }
            if (!canWait(until)) {
                return ack(verify, start, AckOutcome.FAILED_RETRIABLE, code, detail, state, false, observed);
            }
            pause();
        }
    }

    /** The TTL of what clients were answered before the switch, best effort: it only feeds verify's report. */
    private void rememberOldAnswer(String app, String target) {
        try {
            List<DnsAnswer> answers = router.answers(app);
            List<DnsAnswer> old = answers.stream()
                    .filter(a -> a.answered() && !target.equals(a.region()))
                    .toList();
            Optional<Duration> ttl =
                    old.stream().map(DnsAnswer::ttl).filter(Objects::nonNull).max(Comparator.naturalOrder());
            if (ttl.isPresent() || (old.isEmpty() && answers.stream().anyMatch(DnsAnswer::answered))) {
                oldAnswers.put(app, new OldAnswer(target, ttl.orElse(Duration.ZERO)));
                return;
            }
        } catch (ActuatorFailure e) {
            // not known then; verify says so
        }
        oldAnswers.remove(app);
    }

    private Instant cachedUntil(
            String app, String expected, AnswerCheck check, Instant since, Map<String, String> observed) {
        OldAnswer old = oldAnswers.get(app);
        Duration ttl = old != null && old.to().equals(expected) ? old.ttl() : check.longestTtl();
        Instant cachedUntil = ttl == null ? since : since.plus(ttl);
        observed.put("allAnswersSince", since.toString());
        observed.put(
                "oldAnswerTtlSeconds",
                old != null && old.to().equals(expected)
                        ? Long.toString(old.ttl().toSeconds())
                        : "unknown");
        observed.put("oldAnswersCachedUntil", cachedUntil.toString());
        return cachedUntil;
    }

    private String cachedSentence(String app, String expected, Instant cachedUntil, Instant now) {
        OldAnswer old = oldAnswers.get(app);
        String until = now.isBefore(cachedUntil) ? " until " + cachedUntil : " no longer (since " + cachedUntil + ")";
        if (old != null && old.to().equals(expected)) {
            return "; resolvers may hold the answer from before the switch (TTL "
                    + old.ttl().toSeconds() + " s)" + until;
        }
        return "; the TTL of the answer before the switch is not known to this actuator (it did not switch, or"
                + " restarted since), so the TTL served now is assumed: resolvers may hold an older answer" + until;
    }

    /** Reads again while a change is pending, until the deadline allows no further read. */
    private DnsState settled(String app, DnsState read, Instant until) throws ActuatorFailure {
        DnsState state = read;
        while (state.isPending() && canWait(until)) {
            pause();
            state = router.current(app);
        }
        return state;
    }

    /** The latest moment to acknowledge: the deadline less the margin the acknowledgement needs. */
    private Instant lastMoment(DnsCommand command) {
        return command.step().deadline().minus(pacing.ackMargin());
    }

    private boolean canWait(Instant until) {
        return pacing.waits() && !clock.instant().plus(pacing.pollInterval()).isAfter(until);
    }

    private void pause() throws ActuatorFailure {
        try {
            pacing.pause().pause(pacing.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", "interrupted while waiting for the DNS to settle", e);
        }
    }

    private CommandAck ack(
            DnsCommand command,
            Instant start,
            AckOutcome outcome,
            String code,
            String detail,
            DnsState state,
            boolean changed,
            Map<String, String> extra) {
        Map<String, String> observed = new TreeMap<>(state.details());
        observed.putAll(extra);
        observed.put("region", String.valueOf(state.region()));
        observed.put("fencingEpoch", Long.toString(state.epoch()));
        observed.put("changed", Boolean.toString(changed));
        if (state.isPending()) {
            observed.put("pendingChange", state.pendingChange());
        }
        // a stale refusal reports the authority's token that refused it, not this actuator's
        long fenceEpoch = outcome == AckOutcome.REJECTED_STALE ? state.epoch() : held(command, state.epoch());
        return Acks.of(command, outcome, code, detail, elapsed(start), observed, clock.instant(), fenceEpoch);
    }

    /** The highest epoch held for the application: this actuator's, or the authority's when higher. */
    private long held(DnsCommand command, long authorityEpoch) {
        return Math.max(gate.highest(command.applicationId()), authorityEpoch);
    }

    private long elapsed(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
