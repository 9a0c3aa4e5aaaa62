package io.mrm.dns.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Executes DNS step commands: converge (read, change only if different, read back) and answer
 * with what was observed. Running the same command twice changes nothing the second time.
 *
 * <p>Every acknowledgement carries the fence epoch: the highest epoch this actuator holds for the
 * application (its own gate's, or the authority's fencing token when higher), and on a stale refusal
 * the epoch that refused the command, so that the engine can issue a higher one.
 */
public final class DnsCommandHandler {

    private final DnsRouter router;
    private final Clock clock;
    private final CommandGate gate = new CommandGate();

    public DnsCommandHandler(DnsRouter router, Clock clock) {
        this.router = router;
        this.clock = clock;
    }

    /** Always an acknowledgement: no failure of the backend, however unexpected, escapes. */
    public CommandAck handle(DnsCommand command) {
        Instant start = clock.instant();
        Optional<CommandAck> refusal = gate.refusal(command, start);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        return execute(command, start);
    }

    private CommandAck execute(DnsCommand command, Instant start) {
        String app = command.applicationId();
        try {
            if (command instanceof DnsRouteCommand route) {
                return route(route, app, start);
            }
            DnsVerifyCommand verify = (DnsVerifyCommand) command;
            DnsState current = router.current(app);
            boolean ok = verify.expectedRegion().equals(current.region());
            return ack(command, start, ok ? AckOutcome.SUCCEEDED : AckOutcome.FAILED_RETRIABLE,
                    ok ? null : "NOT_YET_VISIBLE", "answers with " + current.region(), current, false);
        } catch (DnsRouterException e) {
            return Acks.of(command, e.retriable() ? AckOutcome.FAILED_RETRIABLE : AckOutcome.FAILED_FATAL, e.code(),
                    e.getMessage(), elapsed(start), Map.of(), clock.instant(), held(command, 0));
        } catch (RuntimeException e) {
            // a defect or an answer no router expected: fatal, so the plan pauses and someone looks
            return Acks.of(command, AckOutcome.FAILED_FATAL, "UNEXPECTED", e.toString(), elapsed(start), Map.of(),
                    clock.instant(), held(command, 0));
        }
    }

    private CommandAck route(DnsRouteCommand route, String app, Instant start) throws DnsRouterException {
        String target = route.targetRegion();
        DnsState before = router.current(app);
        if (before.epoch() > route.step().epoch()) {
            // the zone itself says a newer decision switched this name: this actuator is behind
            return ack(route, start, AckOutcome.REJECTED_STALE, "FENCED_BY_NEWER_EPOCH",
                    "the authority holds epoch " + before.epoch() + " > " + route.step().epoch(), before, false);
        }
        boolean move = !target.equals(before.region());
        if (move || before.epoch() < route.step().epoch()) {
            router.routeTo(app, target, route.step().epoch(), before);
        }
        DnsState after = router.current(app);
        if (!target.equals(after.region())) {
            return ack(route, start, AckOutcome.FAILED_RETRIABLE, "NOT_CONVERGED",
                    "routed to " + target + " but the authority answers " + after.region(), after, move);
        }
        return ack(route, start, AckOutcome.SUCCEEDED, null, move
                ? "routed from " + before.region() + " to " + after.region() : "already routed to " + after.region(),
                after, move);
    }

    private CommandAck ack(DnsCommand command, Instant start, AckOutcome outcome, String code, String detail,
                           DnsState state, boolean changed) {
        Map<String, String> observed = new TreeMap<>(state.details());
        observed.put("region", String.valueOf(state.region()));
        observed.put("fencingEpoch", Long.toString(state.epoch()));
        observed.put("changed", Boolean.toString(changed));
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
