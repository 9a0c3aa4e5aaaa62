package io.mrm.hana.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DataCommand;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Executes data-replication step commands (drain, promote, re-protect): epoch and deadline gate,
 * converge through the backend, and answer with the status observed afterwards. The contract has no
 * status command, so every acknowledgement carries the status (primary, direction, backlog, per-table
 * state) in its observed state. Running a command again changes nothing the second time.
 */
public final class HanaSyncCommandHandler {

    /** Kept free before the step deadline, so the ack (with the remaining backlog) arrives in time. */
    static final Duration ACK_MARGIN = Duration.ofMillis(500);

    private final DataReplication replication;
    private final Clock clock;
    private final CommandGate gate = new CommandGate();

    public HanaSyncCommandHandler(DataReplication replication, Clock clock) {
        this.replication = replication;
        this.clock = clock;
    }

    public CommandAck handle(DataCommand command) {
        Instant start = clock.instant();
        return gate.refusal(command, start).orElseGet(() -> execute(command, start));
    }

    private CommandAck execute(DataCommand command, Instant start) {
        String app = command.applicationId();
        long epoch = command.step().epoch();
        try {
            ReplicationStatus before = replication.status(app);
            if (before.fencingEpoch() > epoch) {
                return ack(command, start, AckOutcome.REJECTED_STALE, DataStaleEpochException.CODE,
                        "the fencing table holds epoch " + before.fencingEpoch() + " > " + epoch, before, false, Map.of());
            }
            if (command instanceof DataDrainCommand drain) {
                return drain(drain, start, before);
            }
            if (command instanceof DataPromoteCommand promote) {
                return promote(promote, start, before);
            }
            return reprotect((DataReprotectCommand) command, start, before);
        } catch (DataStaleEpochException e) {
            return Acks.of(command, AckOutcome.REJECTED_STALE, e.code(), e.getMessage(), elapsed(start),
                    Map.of("fencingEpoch", Long.toString(e.storedEpoch())), clock.instant());
        } catch (DataReplicationException e) {
            return Acks.of(command, e.retriable() ? AckOutcome.FAILED_RETRIABLE : AckOutcome.FAILED_FATAL, e.code(),
                    e.getMessage(), elapsed(start), Map.of(), clock.instant());
        }
    }

    private CommandAck drain(DataDrainCommand drain, Instant start, ReplicationStatus before)
            throws DataReplicationException {
        String app = drain.applicationId();
        if (drain.toRegion().equals(before.primaryRegion())) {
            // re-delivered after the promote: everything was applied before the switch
            return ack(drain, start, AckOutcome.SUCCEEDED, null, drain.toRegion() + " is already the primary",
                    before, false, Map.of());
        }
        if (!before.replicates(drain.fromRegion(), drain.toRegion())) {
            // e.g. the capture is (re)starting; the plan retries within its attempts
            return ack(drain, start, AckOutcome.FAILED_RETRIABLE, "NOT_REPLICATING",
                    "nothing replicates " + drain.fromRegion() + "->" + drain.toRegion(), before, false, Map.of());
        }
        DrainResult result = replication.drain(app, drain.fromRegion(), drain.toRegion(), budget(drain));
        ReplicationStatus after = replication.status(app);
        Map<String, String> extra = new TreeMap<>(result.details());
        extra.put("remaining", Long.toString(result.remaining()));
        if (!result.complete()) {
            return ack(drain, start, AckOutcome.FAILED_RETRIABLE, "DRAIN_TIMEOUT", result.remaining()
                    + " still to apply when the step's deadline came near", after, false, extra);
        }
        return ack(drain, start, AckOutcome.SUCCEEDED, null, drain.toRegion() + " applied everything "
                + drain.fromRegion() + " had committed", after, false, extra);
    }

    private CommandAck promote(DataPromoteCommand promote, Instant start, ReplicationStatus before)
            throws DataReplicationException {
        long epoch = promote.step().epoch();
        if (promote.region().equals(before.primaryRegion()) && before.fencingEpoch() == epoch) {
            return ack(promote, start, AckOutcome.SUCCEEDED, null, promote.region() + " is already the primary",
                    before, false, Map.of());
        }
        ReplicationStatus after = replication.promote(promote.applicationId(), promote.region(), epoch, budget(promote));
        if (!promote.region().equals(after.primaryRegion())) {
            return ack(promote, start, AckOutcome.FAILED_RETRIABLE, "NOT_CONVERGED", "promoted " + promote.region()
                    + " but the primary is " + after.primaryRegion(), after, true, Map.of());
        }
        return ack(promote, start, AckOutcome.SUCCEEDED, null, "promoted " + promote.region() + " (was "
                + before.primaryRegion() + ")", after, true, Map.of());
    }

    private CommandAck reprotect(DataReprotectCommand reprotect, Instant start, ReplicationStatus before)
            throws DataReplicationException {
        long epoch = reprotect.step().epoch();
        if (before.replicates(reprotect.fromRegion(), reprotect.toRegion()) && before.fencingEpoch() == epoch) {
            return ack(reprotect, start, AckOutcome.SUCCEEDED, null, "already replicating "
                    + reprotect.fromRegion() + "->" + reprotect.toRegion(), before, false, Map.of());
        }
        if (!reprotect.fromRegion().equals(before.primaryRegion())) {
            return ack(reprotect, start, AckOutcome.FAILED_FATAL, "NOT_PRIMARY", reprotect.fromRegion()
                    + " is not the primary (" + before.primaryRegion() + " is)", before, false, Map.of());
        }
        ReplicationStatus after = replication.reprotect(reprotect.applicationId(), reprotect.fromRegion(),
                reprotect.toRegion(), epoch);
        boolean ok = after.replicates(reprotect.fromRegion(), reprotect.toRegion());
        return ack(reprotect, start, ok ? AckOutcome.SUCCEEDED : AckOutcome.FAILED_RETRIABLE, ok ? null : "NOT_CONVERGED",
                (ok ? "replicating " : "not yet replicating ") + reprotect.fromRegion() + "->" + reprotect.toRegion(),
                after, true, Map.of());
    }

    private Duration budget(DataCommand command) {
        Duration left = Duration.between(clock.instant(), command.step().deadline()).minus(ACK_MARGIN);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private CommandAck ack(DataCommand command, Instant start, AckOutcome outcome, String code, String detail,
                           ReplicationStatus status, boolean changed, Map<String, String> extra) {
        Map<String, String> observed = status.observed();
        observed.putAll(extra);
        observed.put("changed", Boolean.toString(changed));
        return Acks.of(command, outcome, code, detail, elapsed(start), observed, clock.instant());
    }

    private long elapsed(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
