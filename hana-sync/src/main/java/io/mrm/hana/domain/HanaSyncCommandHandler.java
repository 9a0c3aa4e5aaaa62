package io.mrm.hana.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DataCommand;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.readiness.Rehearsal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Executes data-replication step commands (drain, promote, re-protect, fence): epoch and deadline
 * gate, converge through the backend, and answer with what was observed afterwards. The contract has
 * no status command, so the acknowledgements of drain, promote and re-protect carry the status
 * (primary, direction, backlog, per-table state) in their observed state; a fence's carries the fenced
 * database's state only, because reading the full status would wait on every region, and the region
 * being fenced is often down. Running a command again changes nothing the second time.
 *
 * <p>Every acknowledgement carries the fence epoch: the highest epoch this actuator holds for the
 * application (its own gate's, or the backend's fencing table's when higher), and on a stale refusal
 * the epoch that refused the command, so that the engine can issue a higher one.
 *
 * <p>A drill's step ({@code step().rehearsing()}) never reaches a write: it runs the readiness checks of
 * its action ({@link DataReadinessChecker}) and, for a drain or promote, reads the backlog once (it never
 * waits for a drain), and says what it would have done.
 */
public final class HanaSyncCommandHandler {

    /** Kept free before the step deadline, so the ack (with the remaining backlog) arrives in time. */
    public static final Duration ACK_MARGIN = Duration.ofMillis(500);
    /** Fences waiting at once on databases that do not answer; a further one is refused, retriably. */
    static final int FENCE_WORKERS = 8;

    private final DataReplication replication;
    private final Clock clock;
    private final CommandGate gate = new CommandGate();
    private final BoundedCalls fences = new BoundedCalls(FENCE_WORKERS, "data-fence");

    /** Null when built without readiness checks: a rehearsal is then refused, never run for real. */
    private final Rehearsal rehearsal;

    public HanaSyncCommandHandler(DataReplication replication, Clock clock) {
        this(replication, clock, null);
    }

    public HanaSyncCommandHandler(DataReplication replication, Clock clock, Rehearsal rehearsal) {
        this.replication = replication;
        this.clock = clock;
        this.rehearsal = rehearsal;
    }

    /** Always an acknowledgement: no failure of the backend, however unexpected, escapes. */
    public CommandAck handle(DataCommand command) {
        Instant start = clock.instant();
        Optional<CommandAck> refusal = gate.refusal(command, start);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        if (command.step().rehearsing()) {
            return rehearse(command, start);
        }
        try {
            return execute(command, start);
        } catch (DataStaleEpochException e) {
            return Acks.of(
                    command,
                    AckOutcome.REJECTED_STALE,
                    e.code(),
                    e.getMessage(),
                    elapsed(start),
                    Map.of("fencingEpoch", Long.toString(e.storedEpoch())),
                    clock.instant(),
                    e.storedEpoch());
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
            // a defect or input no backend expected: fatal, so the plan pauses and someone looks
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

    /**
     * Reads only. Checks are named by the switch's target: a fence's and a re-protect's act on the region
     * being left, so their target is the other region (the re-protect's new primary).
     */
    private CommandAck rehearse(DataCommand command, Instant start) {
        long held = gate.highest(command.applicationId());
        if (rehearsal == null) {
            return Acks.of(
                    command,
                    AckOutcome.FAILED_FATAL,
                    "REHEARSAL_UNSUPPORTED",
                    "this hana-sync runs without readiness checks, so it cannot rehearse; nothing was done",
                    elapsed(start),
                    Map.of("rehearsal", "true", "changed", "false"),
                    clock.instant(),
                    held);
        }
        String app = command.applicationId();
        long epoch = command.step().epoch();
        if (command instanceof DataDrainCommand d) {
            return rehearsal.run(d, d.toRegion(), checks -> wouldDrain(d), held);
        }
        if (command instanceof DataPromoteCommand p) {
            String from = rehearsal.otherRegion(app, p.region());
            // a forced promote does not wait for the region it leaves, so neither does its rehearsal
            return rehearsal.run(
                    p,
                    p.region(),
                    checks -> p.forced()
                            ? "would promote " + p.region() + " (forced) under epoch " + epoch + ", fencing " + from
                                    + " where it answers in time (" + Rehearsal.seen(checks) + ")"
                            : "would promote " + p.region() + " under epoch " + epoch + ", fencing " + from + " first ("
                                    + backlogSentence(replication.backlog(app, from, p.region()), null) + "; "
                                    + Rehearsal.seen(checks) + ")",
                    held);
        }
        if (command instanceof DataFenceCommand f) {
            return rehearsal.run(
                    f,
                    rehearsal.otherRegion(app, f.region()),
                    checks ->
                            "would fence " + f.region() + " under epoch " + epoch + " (" + Rehearsal.seen(checks) + ")",
                    held);
        }
        DataReprotectCommand r = (DataReprotectCommand) command;
        return rehearsal.run(
                r,
                r.fromRegion(),
                checks -> "would re-protect: replicate " + r.fromRegion() + " -> " + r.toRegion() + " under epoch "
                        + epoch + " (" + Rehearsal.seen(checks) + ")",
                held);
    }

    /** A drain's rehearsal reads the backlog once: over the drain's bound, the real drain would refuse. */
    private String wouldDrain(DataDrainCommand d) throws ActuatorFailure {
        Backlog backlog = replication.backlog(d.applicationId(), d.fromRegion(), d.toRegion());
        if (d.maxBacklogBytes() != null && backlog.known() && backlog.bytes() > d.maxBacklogBytes()) {
            throw ActuatorFailure.fatal(
                    DataDrainCommand.BACKLOG_TOO_LARGE,
                    "would refuse to drain " + d.fromRegion() + "->" + d.toRegion() + ": "
                            + backlogSentence(backlog, d.maxBacklogBytes()));
        }
        return "would drain " + d.fromRegion() + "->" + d.toRegion() + " ("
                + backlogSentence(backlog, d.maxBacklogBytes()) + ")";
    }

    private static String backlogSentence(Backlog backlog, Long bound) {
        if (!backlog.known()) {
            return "backlog not measured: " + backlog.how();
        }
        String b = "backlog " + backlog.bytes() + " bytes";
        if (bound == null) {
            return b;
        }
        return b + (backlog.bytes() <= bound ? ", within" : ", more than") + " the drain bound of " + bound + " bytes";
    }

    /** Every action is named, so a new one does not compile until it is dispatched here. */
    private CommandAck execute(DataCommand command, Instant start) throws ActuatorFailure {
        return switch (command.action()) {
            case DATA_DRAIN -> withStatus(command, start, before -> drain((DataDrainCommand) command, start, before));
            case DATA_PROMOTE ->
                withStatus(command, start, before -> promote((DataPromoteCommand) command, start, before));
            case DATA_REPROTECT ->
                withStatus(command, start, before -> reprotect((DataReprotectCommand) command, start, before));
            case DATA_FENCE -> fence((DataFenceCommand) command, start);
            case DNS_ROUTE,
                    DNS_VERIFY,
                    EVENTS_SET_STANDBY,
                    EVENTS_SET_ACTIVE,
                    EVENTS_DRAIN,
                    EVENTS_VERIFY,
                    PREFLIGHT_HOOK,
                    HOOK -> throw new IllegalStateException(command.action() + " is not a data action");
        };
    }

    @FunctionalInterface
    private interface Converge {
        CommandAck from(ReplicationStatus before) throws ActuatorFailure;
    }

    /**
     * Reads the status first: the backend's fencing table refuses a stale epoch even if this actuator
     * never saw the newer one.
     */
    private CommandAck withStatus(DataCommand command, Instant start, Converge converge) throws ActuatorFailure {
        ReplicationStatus before = replication.status(command.applicationId());
        long epoch = command.step().epoch();
        if (before.fencingEpoch() > epoch) {
            return ack(
                    command,
                    start,
                    AckOutcome.REJECTED_STALE,
                    DataStaleEpochException.CODE,
                    "the fencing table holds epoch " + before.fencingEpoch() + " > " + epoch,
                    before,
                    false,
                    Map.of());
        }
        return converge.from(before);
    }

    private CommandAck drain(DataDrainCommand drain, Instant start, ReplicationStatus before) throws ActuatorFailure {
        String app = drain.applicationId();
        if (drain.toRegion().equals(before.primaryRegion())) {
            // re-delivered after the promote: everything was applied before the switch
            return ack(
                    drain,
                    start,
                    AckOutcome.SUCCEEDED,
                    null,
                    drain.toRegion() + " is already the primary",
                    before,
                    false,
                    Map.of());
        }
        if (!before.replicates(drain.fromRegion(), drain.toRegion())) {
            // e.g. the capture is (re)starting; the plan retries within its attempts
            return ack(
                    drain,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NOT_REPLICATING",
                    "nothing replicates " + drain.fromRegion() + "->" + drain.toRegion(),
                    before,
                    false,
                    Map.of());
        }
        Map<String, String> measured = new TreeMap<>();
        if (drain.maxBacklogBytes() != null) {
            Backlog backlog = replication.backlog(app, drain.fromRegion(), drain.toRegion());
            measured.putAll(backlog.details());
            measured.put("maxBacklogBytes", Long.toString(drain.maxBacklogBytes()));
            measured.put(
                    "backlogBytes", backlog.known() ? Long.toString(backlog.bytes()) : "unknown: " + backlog.how());
            if (backlog.known() && backlog.bytes() > drain.maxBacklogBytes()) {
                // refused before anything is written (no marker, no fence): the engine falls back to forced
                return ack(
                        drain,
                        start,
                        AckOutcome.FAILED_FATAL,
                        DataDrainCommand.BACKLOG_TOO_LARGE,
                        "the backlog "
                                + drain.fromRegion() + "->" + drain.toRegion() + " is " + backlog.bytes() + " bytes ("
                                + backlog.how() + "), more than the drain's bound of " + drain.maxBacklogBytes()
                                + " bytes: not drained, nothing changed",
                        before,
                        false,
                        measured);
            }
        }
        DrainResult result = replication.drain(app, drain.fromRegion(), drain.toRegion(), budget(drain));
        ReplicationStatus after = replication.status(app);
        Map<String, String> extra = new TreeMap<>(measured);
        extra.putAll(result.details());
        extra.put("remaining", Long.toString(result.remaining()));
        if (!result.complete()) {
            return ack(
                    drain,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "DRAIN_TIMEOUT",
                    result.remaining() + " still to apply when the step's deadline came near",
                    after,
                    false,
                    extra);
        }
        return ack(
                drain,
                start,
                AckOutcome.SUCCEEDED,
                null,
                drain.toRegion() + " applied everything " + drain.fromRegion() + " had committed",
                after,
                false,
                extra);
    }

    private CommandAck promote(DataPromoteCommand promote, Instant start, ReplicationStatus before)
            throws ActuatorFailure {
        long epoch = promote.step().epoch();
        // always through the backend, even when it looks done: an earlier attempt may have stopped
        // between the new primary's fencing row and its grant, and the backend finishes what is left
        boolean done = promote.region().equals(before.primaryRegion()) && before.fencingEpoch() == epoch;
        ReplicationStatus after = replication.promote(
                promote.applicationId(), promote.region(), epoch, promote.forced(), budget(promote));
        if (!promote.region().equals(after.primaryRegion())) {
            return ack(
                    promote,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NOT_CONVERGED",
                    "promoted " + promote.region() + " but the primary is " + after.primaryRegion(),
                    after,
                    !done,
                    Map.of());
        }
        String detail = done
                ? promote.region() + " is already the primary"
                : "promoted " + promote.region() + " (was "
                        + (before.primaryRegion() == null ? "no primary known" : before.primaryRegion()) + ", "
                        + promote.mode() + ")"
                        + dataPath(after.details());
        return ack(promote, start, AckOutcome.SUCCEEDED, null, detail, after, !done, Map.of());
    }

    private CommandAck reprotect(DataReprotectCommand reprotect, Instant start, ReplicationStatus before)
            throws ActuatorFailure {
        long epoch = reprotect.step().epoch();
        if (before.replicates(reprotect.fromRegion(), reprotect.toRegion()) && before.fencingEpoch() == epoch) {
            return ack(
                    reprotect,
                    start,
                    AckOutcome.SUCCEEDED,
                    null,
                    "already replicating " + reprotect.fromRegion() + "->" + reprotect.toRegion(),
                    before,
                    false,
                    Map.of());
        }
        if (before.primaryRegion() == null) {
            // e.g. the new primary does not answer for a moment: only it can say it is the primary
            return ack(
                    reprotect,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NO_PRIMARY_SEEN",
                    "no database of "
                            + reprotect.applicationId() + " answers as the primary now; " + reprotect.fromRegion()
                            + " should",
                    before,
                    false,
                    Map.of());
        }
        if (!reprotect.fromRegion().equals(before.primaryRegion())) {
            return ack(
                    reprotect,
                    start,
                    AckOutcome.FAILED_FATAL,
                    "NOT_PRIMARY",
                    reprotect.fromRegion() + " is not the primary (" + before.primaryRegion() + " is)",
                    before,
                    false,
                    Map.of());
        }
        ReplicationStatus after =
                replication.reprotect(reprotect.applicationId(), reprotect.fromRegion(), reprotect.toRegion(), epoch);
        boolean ok = after.replicates(reprotect.fromRegion(), reprotect.toRegion());
        return ack(
                reprotect,
                start,
                ok ? AckOutcome.SUCCEEDED : AckOutcome.FAILED_RETRIABLE,
                ok ? null : "NOT_CONVERGED",
                (ok ? "replicating " : "not yet replicating ") + reprotect.fromRegion() + "->" + reprotect.toRegion(),
                after,
                true,
                Map.of());
    }

    /** What the audit should show of the old primary: fenced or not, and the data left behind on it. */
    private static String dataPath(Map<String, String> details) {
        String fenced = details.get("oldPrimaryFenced");
        if (fenced == null || fenced.startsWith("not needed")) {
            return "";
        }
        StringBuilder text =
                new StringBuilder("true".equals(fenced) ? "; old primary fenced" : "; old primary NOT fenced");
        details.forEach((key, value) -> {
            if (key.startsWith("dataLeftBehind")) {
                text.append(", ").append(key).append('=').append(value);
            }
        });
        return text.toString();
    }

    /**
     * No status read first (it would wait on a region that may be down): the backend checks the region,
     * the epoch and the primary itself, and the whole call is bounded by the step's deadline.
     */
    private CommandAck fence(DataFenceCommand fence, Instant start) throws ActuatorFailure {
        String app = fence.applicationId();
        String region = fence.region();
        long epoch = fence.step().epoch();
        Duration budget = budget(fence);
        FenceResult result = fences.call(
                () -> replication.fence(app, region, epoch, budget), budget, "fencing " + region + "'s database");
        Map<String, String> observed = new TreeMap<>(result.details());
        observed.put("region", region);
        observed.put("fenced", "true");
        observed.put("fencingEpoch", Long.toString(result.fencingEpoch()));
        observed.put("changed", Boolean.toString(result.changed()));
        String detail = result.changed()
                ? "fenced " + region + "'s database at epoch " + epoch + ": the application can no longer write there"
                : region + "'s database was already fenced at epoch " + result.fencingEpoch();
        return Acks.of(
                fence,
                AckOutcome.SUCCEEDED,
                null,
                detail,
                elapsed(start),
                observed,
                clock.instant(),
                held(fence, result.fencingEpoch()));
    }

    private Duration budget(DataCommand command) {
        Duration left =
                Duration.between(clock.instant(), command.step().deadline()).minus(ACK_MARGIN);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private CommandAck ack(
            DataCommand command,
            Instant start,
            AckOutcome outcome,
            String code,
            String detail,
            ReplicationStatus status,
            boolean changed,
            Map<String, String> extra) {
        Map<String, String> observed = status.observed();
        observed.putAll(extra);
        observed.put("changed", Boolean.toString(changed));
        long fenceEpoch =
                outcome == AckOutcome.REJECTED_STALE ? status.fencingEpoch() : held(command, status.fencingEpoch());
        return Acks.of(command, outcome, code, detail, elapsed(start), observed, clock.instant(), fenceEpoch);
    }

    /** The highest epoch held for the application: this actuator's, or the backend's when higher. */
    private long held(DataCommand command, long backendEpoch) {
        return Math.max(gate.highest(command.applicationId()), backendEpoch);
    }

    private long elapsed(Instant start) {
        return Duration.between(start, clock.instant()).toMillis();
    }
}
