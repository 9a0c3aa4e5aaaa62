package io.mrm.aem.domain;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.EventsCommand;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.readiness.Rehearsal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Executes event-broker replication commands and answers each with what it observed:
 * <ul>
 *   <li>set-role: (fenced, see {@link RoleFence}) read, change the role only if it differs, then read
 *       back until the broker shows it, bounded;</li>
 *   <li>drain: wait, bounded, until the old site's replication queue is empty and its bridge up;</li>
 *   <li>verify: the delivery check (publish a persistent message and receive it) when configured,
 *       else the VPN's state and role.</li>
 * </ul>
 * Every acknowledgement's observed map carries the VPN's replication status (role,
 * {@code replicationEnabled}, bridge and remote bridge, replication queue depth) as last read: the
 * event contract has no status command, so the status travels with every answer. Running a command
 * again changes nothing the second time. Waits, and every broker request, end before the command's
 * deadline (less a margin), so an acknowledgement, even a failed one, arrives while the plan still
 * waits for it: a set-standby is also the best-effort fence of a region a forced failover leaves,
 * whose broker may not answer at all.
 *
 * <p>Every acknowledgement carries the fence epoch: the highest epoch this actuator holds for the
 * application (its own gate's; the broker's fence marks only ever hold a higher one on a stale
 * refusal), and on a stale refusal the epoch that refused the command, so that the engine can issue
 * a higher one.
 *
 * <p>A drill's step ({@code step().rehearsing()}) sends the broker no write and no fence mark, and never
 * waits for a drain: it runs the readiness checks of its action ({@link EventsReadinessChecker}, GETs only)
 * and says what it would have done.
 */
public final class AemSyncCommandHandler {

    private final EventBrokers brokers;
    private final ActuatorLimits limits;
    private final Clock clock;
    private final Sleeper sleeper;
    private final RoleFence fence;
    private final CommandGate gate = new CommandGate();
    /** Null when built without readiness checks: a rehearsal is then refused, never run for real. */
    private final Rehearsal rehearsal;

    public AemSyncCommandHandler(
            EventBrokers brokers, ActuatorLimits limits, String instance, Clock clock, Sleeper sleeper) {
        this(brokers, limits, instance, clock, sleeper, null);
    }

    public AemSyncCommandHandler(
            EventBrokers brokers,
            ActuatorLimits limits,
            String instance,
            Clock clock,
            Sleeper sleeper,
            Rehearsal rehearsal) {
        this.rehearsal = rehearsal;
        this.brokers = brokers;
        this.limits = limits;
        this.clock = clock;
        this.sleeper = sleeper;
        this.fence = new RoleFence(instance, limits, clock, sleeper);
    }

    /** Always an acknowledgement: no failure of the broker or its client, however unexpected, escapes. */
    public CommandAck handle(EventsCommand command) {
        Instant start = clock.instant();
        Optional<CommandAck> refusal = gate.refusal(command, start);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        try {
            if (command.step().rehearsing()) {
                return rehearse(command, start);
            }
            return execute(command, start);
        } catch (RuntimeException e) {
            // a defect or an answer no adapter expected: fatal, so the plan pauses and someone looks
            return ack(command, start, AckOutcome.FAILED_FATAL, "UNEXPECTED", e.toString(), Map.of());
        }
    }

    /**
     * Reads only. Checks are named by the switch's target: a set-standby acts on the region being left, so
     * its target is the other region; a drain's is its {@code toRegion}.
     */
    private CommandAck rehearse(EventsCommand command, Instant start) {
        String app = command.applicationId();
        long held = gate.highest(app);
        if (rehearsal == null) {
            return Acks.of(
                    command,
                    AckOutcome.FAILED_FATAL,
                    "REHEARSAL_UNSUPPORTED",
                    "this aem-sync runs without readiness checks, so it cannot rehearse; nothing was done",
                    Duration.between(start, clock.instant()).toMillis(),
                    Map.of("rehearsal", "true", "changed", "false"),
                    clock.instant(),
                    held);
        }
        long epoch = command.step().epoch();
        if (command instanceof EventsSetRoleCommand c) {
            String role = c.role().name().toLowerCase(Locale.ROOT);
            String target = c.role() == ReplicationRole.STANDBY ? rehearsal.otherRegion(app, c.region()) : c.region();
            return rehearsal.run(
                    c,
                    target,
                    checks -> "would set " + vpnOf(app, c.region()) + " " + role + " under epoch " + epoch
                            + (limits.brokerFencing() ? ", with its fence mark" : "") + " ("
                            + Rehearsal.seen(checks) + ")",
                    held);
        }
        if (command instanceof EventsDrainCommand c) {
            return rehearsal.run(
                    c,
                    c.toRegion(),
                    checks -> "would wait until " + vpnOf(app, c.fromRegion()) + "'s replication queue towards "
                            + c.toRegion() + " is empty (" + Rehearsal.seen(checks) + ")",
                    held);
        }
        EventsVerifyCommand v = (EventsVerifyCommand) command;
        return rehearsal.run(
                v,
                v.region(),
                checks -> "would verify " + vpnOf(app, v.region()) + " (" + Rehearsal.seen(checks) + ")",
                held);
    }

    private String vpnOf(String app, String region) {
        return brokers.vpn(app, region).map(ReplicatedVpn::describe).orElse("the VPN of " + region);
    }

    private CommandAck execute(EventsCommand command, Instant start) {
        String region = command instanceof EventsSetRoleCommand c
                ? c.region()
                : command instanceof EventsDrainCommand c ? c.fromRegion() : ((EventsVerifyCommand) command).region();
        Optional<ReplicatedVpn> configured = brokers.vpn(command.applicationId(), region);
        if (configured.isEmpty()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_FATAL,
                    "NOT_CONFIGURED",
                    "no Message VPN is configured "
                            + "for application " + command.applicationId() + " in region " + region
                            + " (mrm.aem.applications."
                            + command.applicationId() + ".regions." + region + ")",
                    Map.of());
        }
        // waits end a whole margin before the deadline, requests half a one: the clean-up after a wait that
        // ran to its end still has time, and a broker that never answers leaves the ack half the margin
        ReplicatedVpn vpn = configured
                .get()
                .within(command.step().deadline().minus(limits.ackMargin().dividedBy(2)));
        Map<String, String> observed = new LinkedHashMap<>();
        try {
            if (command instanceof EventsSetRoleCommand c) {
                return setRole(c, vpn, start, observed);
            }
            if (command instanceof EventsDrainCommand c) {
                return drain(c, vpn, start, observed);
            }
            return verify((EventsVerifyCommand) command, vpn, start, observed);
        } catch (ActuatorFailure e) {
            return ack(command, start, e.outcome(), e.code(), vpn.describe() + ": " + e.getMessage(), observed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "INTERRUPTED",
                    "aem-sync was stopping while it executed the command",
                    observed);
        }
    }

    private CommandAck setRole(
            EventsSetRoleCommand command, ReplicatedVpn vpn, Instant start, Map<String, String> observed)
            throws ActuatorFailure, InterruptedException {
        String app = command.applicationId();
        long epoch = command.step().epoch();
        ReplicationRole desired = command.role();
        Instant until = bound(command, start, limits.roleChangeTimeout());
        RoleFence.Admitted admitted = null;
        if (limits.brokerFencing()) {
            RoleFence.Admission admission = fence.enter(vpn, app, epoch, until);
            if (admission instanceof RoleFence.Refused refused) {
                observed.put("fenceEpoch", Long.toString(refused.newerEpoch()));
                return ack(
                        command,
                        start,
                        AckOutcome.REJECTED_STALE,
                        "FENCED_BY_NEWER_EPOCH",
                        vpn.describe()
                                + " carries the fence of epoch " + refused.newerEpoch() + " > " + epoch
                                + ": a newer decision has acted on it",
                        observed,
                        refused.newerEpoch());
            }
            if (admission instanceof RoleFence.StillWaiting waiting) {
                return ack(
                        command,
                        start,
                        AckOutcome.FAILED_RETRIABLE,
                        "FENCE_BUSY",
                        vpn.describe() + ": actuators of older epochs are still changing it (" + waiting.holders()
                                + ")",
                        observed);
            }
            admitted = (RoleFence.Admitted) admission;
            observed.put("fenceEpoch", Long.toString(epoch));
        }
        VpnState before;
        boolean changed;
        try {
            before = vpn.read();
            observed.putAll(before.observed());
            if (!before.replicationEnabled()) {
                return ack(
                        command,
                        start,
                        AckOutcome.FAILED_FATAL,
                        "REPLICATION_NOT_ENABLED",
                        vpn.describe() + " does not have replication enabled; enable it on both sites first",
                        observed);
            }
            changed = before.role() != desired;
            if (changed) {
                if (admitted != null && !clock.instant().isBefore(admitted.writeBy())) {
                    return ack(
                            command,
                            start,
                            AckOutcome.FAILED_RETRIABLE,
                            "INTENT_LEASE_EXPIRED",
                            vpn.describe() + ": too slow to write within the intent lease; nothing was changed",
                            observed);
                }
                vpn.setRole(desired);
            }
        } finally {
            if (admitted != null) {
                leaveQuietly(vpn, app, admitted);
            }
        }
        observed.put("changed", Boolean.toString(changed));
        VpnState after = before;
        while (after.role() != desired) {
            if (limits.brokerFencing()) {
                // a newer epoch may have set another role since: then this one will never show
                long highest = RoleFence.highestFence(vpn.marks(app));
                if (highest > epoch) {
                    observed.putAll(after.observed());
                    observed.put("fenceEpoch", Long.toString(highest));
                    return ack(
                            command,
                            start,
                            AckOutcome.REJECTED_STALE,
                            "SUPERSEDED",
                            vpn.describe() + " was taken over by epoch " + highest + " after this command set it",
                            observed,
                            highest);
                }
            }
            if (!clock.instant().plus(limits.pollInterval()).isBefore(until)) {
                break;
            }
            sleeper.sleep(limits.pollInterval());
            after = vpn.read();
        }
        observed.putAll(after.observed());
        if (after.role() == desired) {
            String detail = changed
                    ? "set " + vpn.describe() + " " + lower(desired) + " (was " + lower(before.role()) + ")"
                    : vpn.describe() + " already " + lower(desired);
            return ack(command, start, AckOutcome.SUCCEEDED, null, detail, observed);
        }
        return ack(
                command,
                start,
                AckOutcome.FAILED_RETRIABLE,
                "NOT_CONVERGED",
                "asked " + vpn.describe()
                        + " to become " + lower(desired) + " but it still reports " + lower(after.role()) + " after "
                        + Duration.between(start, clock.instant()).toMillis() + " ms",
                observed);
    }

    private CommandAck drain(EventsDrainCommand command, ReplicatedVpn vpn, Instant start, Map<String, String> observed)
            throws ActuatorFailure, InterruptedException {
        Instant until = bound(command, start, limits.drainMaxWait());
        ActuatorFailure lastError = null;
        VpnState state = null;
        while (true) {
            try {
                state = vpn.read();
                lastError = null;
                observed.putAll(state.observed());
                if (!state.replicationEnabled()) {
                    return ack(
                            command,
                            start,
                            AckOutcome.FAILED_FATAL,
                            "REPLICATION_NOT_ENABLED",
                            vpn.describe() + " does not have replication enabled: there is nothing to drain",
                            observed);
                }
                if (state.replicationQueueEmpty() && Boolean.TRUE.equals(state.bridgeUp())) {
                    return ack(
                            command,
                            start,
                            AckOutcome.SUCCEEDED,
                            null,
                            "replication queue of " + vpn.describe() + " is empty and its bridge up: drained towards "
                                    + command.toRegion(),
                            observed);
                }
            } catch (ActuatorFailure e) {
                if (!e.retriable()) {
                    throw e;
                }
                lastError = e; // a blip while draining: keep waiting until the bound
            }
            if (!clock.instant().plus(limits.pollInterval()).isBefore(until)) {
                break;
            }
            sleeper.sleep(limits.pollInterval());
        }
        long waited = Duration.between(start, clock.instant()).toMillis();
        if (lastError != null) {
            throw ActuatorFailure.retriable(
                    lastError.code(),
                    lastError.getMessage() + " (still failing after " + waited + " ms of draining)",
                    lastError);
        }
        String remaining = !state.replicationQueueKnown()
                ? "an unknown number of messages (replication queue unreadable)"
                : state.queuedMessages() != null
                        ? state.queuedMessages() + " messages"
                        : state.queuedBytes() + " bytes";
        if (!Boolean.TRUE.equals(state.bridgeUp())) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "BRIDGE_DOWN",
                    "replication bridge of "
                            + vpn.describe() + " is " + state.bridge() + " after " + waited + " ms; " + remaining
                            + " remain queued towards " + command.toRegion(),
                    observed);
        }
        return ack(
                command,
                start,
                AckOutcome.FAILED_RETRIABLE,
                "NOT_DRAINED",
                remaining + " remain in the " + "replication queue of " + vpn.describe() + " after " + waited + " ms",
                observed);
    }

    private CommandAck verify(
            EventsVerifyCommand command, ReplicatedVpn vpn, Instant start, Map<String, String> observed)
            throws ActuatorFailure, InterruptedException {
        VpnState state = vpn.read();
        observed.putAll(state.observed());
        // a standby site's VPN is operationally "standby" (SEMP v2 monitor MsgVpn.state): not active, not down
        boolean standby = "standby".equalsIgnoreCase(state.state());
        if (state.state() != null && !state.state().equalsIgnoreCase("up") && !standby) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "VPN_NOT_UP",
                    vpn.describe() + " is " + state.state(),
                    observed);
        }
        if (standby || (state.replicationEnabled() && state.role() != ReplicationRole.ACTIVE)) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NOT_ACTIVE",
                    vpn.describe() + " is not the active replication site: " + state.summary(),
                    observed);
        }
        Optional<DeliveryCheck> check = brokers.deliveryCheck(command.applicationId(), command.region());
        if (check.isEmpty()) {
            return ack(
                    command,
                    start,
                    AckOutcome.SUCCEEDED,
                    null,
                    "state check (no delivery check configured): " + state.summary(),
                    observed);
        }
        Instant until = bound(command, start, limits.verifyTimeout());
        Duration budget = Duration.between(clock.instant(), until);
        if (budget.isNegative() || budget.isZero()) {
            return ack(
                    command,
                    start,
                    AckOutcome.FAILED_RETRIABLE,
                    "NO_TIME_LEFT",
                    "no time left before the " + "deadline for the delivery check on "
                            + check.get().describe(),
                    observed);
        }
        Duration roundTrip = check.get().roundTrip(command.id(), budget);
        observed.put("roundTripMs", Long.toString(roundTrip.toMillis()));
        return ack(
                command,
                start,
                AckOutcome.SUCCEEDED,
                null,
                "published a persistent message and received it in " + roundTrip.toMillis() + " ms ("
                        + check.get().describe() + ")",
                observed);
    }

    private void leaveQuietly(ReplicatedVpn vpn, String app, RoleFence.Admitted admitted) {
        try {
            fence.leave(vpn, app, admitted);
        } catch (ActuatorFailure | RuntimeException e) {
            // the intent then lapses after its lease; newer epochs wait at most that long
        }
    }

    /** The earlier of start + {@code max} and the command's deadline less the margin. */
    private Instant bound(EventsCommand command, Instant start, Duration max) {
        Instant byDeadline = command.step().deadline().minus(limits.ackMargin());
        Instant byMax = start.plus(max);
        return byDeadline.isBefore(byMax) ? byDeadline : byMax;
    }

    private CommandAck ack(
            EventsCommand command,
            Instant start,
            AckOutcome outcome,
            String code,
            String detail,
            Map<String, String> observed) {
        return ack(command, start, outcome, code, detail, observed, 0);
    }

    /** @param brokerEpoch the fence on the broker, when it is what refused the command (else 0) */
    private CommandAck ack(
            EventsCommand command,
            Instant start,
            AckOutcome outcome,
            String code,
            String detail,
            Map<String, String> observed,
            long brokerEpoch) {
        Instant now = clock.instant();
        long fenceEpoch = outcome == AckOutcome.REJECTED_STALE && brokerEpoch > 0
                ? brokerEpoch
                : Math.max(gate.highest(command.applicationId()), brokerEpoch);
        return Acks.of(
                command,
                outcome,
                code,
                abbreviate(detail),
                Duration.between(start, now).toMillis(),
                observed,
                now,
                fenceEpoch);
    }

    private static String lower(ReplicationRole role) {
        return role == null ? "unknown" : role.name().toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String text) {
        return text == null || text.length() <= 1500 ? text : text.substring(0, 1497) + "...";
    }
}
