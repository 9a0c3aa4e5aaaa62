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

/**
 * Executes DNS step commands: converge (read, change only if different, read back) and answer
 * with what was observed. Running the same command twice changes nothing the second time.
 */
public final class DnsCommandHandler {

    private final DnsRouter router;
    private final Clock clock;
    private final CommandGate gate = new CommandGate();

    public DnsCommandHandler(DnsRouter router, Clock clock) {
        this.router = router;
        this.clock = clock;
    }

    public CommandAck handle(DnsCommand command) {
        Instant start = clock.instant();
        return gate.refusal(command, start).orElseGet(() -> execute(command, start));
    }

    private CommandAck execute(DnsCommand command, Instant start) {
        String app = command.applicationId();
        try {
            if (command instanceof DnsRouteCommand route) {
                String before = router.currentRegion(app);
                boolean change = !route.targetRegion().equals(before);
                if (change) {
                    router.routeTo(app, route.targetRegion());
                }
                String after = router.currentRegion(app);
                if (!route.targetRegion().equals(after)) {
                    return ack(command, start, AckOutcome.FAILED_RETRIABLE, "NOT_CONVERGED",
                            "routed to " + route.targetRegion() + " but the authority answers " + after, after, change);
                }
                return ack(command, start, AckOutcome.SUCCEEDED, null, change
                        ? "routed from " + before + " to " + after : "already routed to " + after, after, change);
            }
            DnsVerifyCommand verify = (DnsVerifyCommand) command;
            String current = router.currentRegion(app);
            boolean ok = verify.expectedRegion().equals(current);
            return ack(command, start, ok ? AckOutcome.SUCCEEDED : AckOutcome.FAILED_RETRIABLE,
                    ok ? null : "NOT_YET_VISIBLE", "answers with " + current, current, false);
        } catch (DnsRouterException e) {
            return Acks.of(command, e.retriable() ? AckOutcome.FAILED_RETRIABLE : AckOutcome.FAILED_FATAL, e.code(),
                    e.getMessage(), elapsed(start), Map.of(), clock.instant());
        }
    }

    private CommandAck ack(DnsCommand command, Instant start, AckOutcome outcome, String code, String detail,
                           String region, boolean changed) {
        return Acks.of(command, outcome, code, detail, elapsed(start),
                Map.of("region", String.valueOf(region), "changed", Boolean.toString(changed)), clock.instant());
    }

    private long elapsed(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
