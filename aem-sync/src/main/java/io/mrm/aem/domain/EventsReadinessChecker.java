package io.mrm.aem.domain;

import io.mrm.events.command.ReplicationRole;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * aem-sync's read-only checks: for a switch of an application towards each of its regions R, could the
 * events steps run now? Each region's broker is read once per round (its VPN, the SEMP user's access
 * levels, the delivery-check queue) and every check is derived from those reads:
 * <ul>
 *   <li>on the region being left (reported with region R): {@code EVENTS_SET_STANDBY} — replication
 *       enabled, the SEMP user may change the role; {@code EVENTS_DRAIN} — the replication bridge is up, the
 *       replication queue's backlog;</li>
 *   <li>on R: {@code EVENTS_SET_ACTIVE} — replication enabled (with the mate's bridge as seen from R), the
 *       SEMP user may change the role; {@code EVENTS_VERIFY} — the VPN is not down, and the delivery-check
 *       queue exists and takes and delivers messages when a delivery check is configured.</li>
 * </ul>
 * A down mate bridge does not make {@code EVENTS_SET_ACTIVE} fail: a forced failover away from a lost region
 * meets exactly that, and the role change still runs; the drain check on the region being left is where a
 * down bridge counts. Nothing here throws: a read that failed becomes NOT_READY when sending the same request
 * in the step would fail too (refused credentials, a missing access level or VPN), UNKNOWN when there was no
 * conclusive answer. The reads of one region end within their share of {@code budget}, and once a region
 * gave no answer it is not asked again in the same round.
 */
public final class EventsReadinessChecker implements ReadinessChecker {

    private final VpnInspections inspections;
    private final boolean brokerFencing;
    private final Duration budget;
    private final Clock clock;

    /**
     * @param brokerFencing whether set-role keeps fence marks on the broker (they need VPN read-write)
     * @param budget        how long the reads of one application may take in all
     */
    public EventsReadinessChecker(VpnInspections inspections, boolean brokerFencing, Duration budget, Clock clock) {
        if (budget == null || budget.isZero() || budget.isNegative()) {
            throw new IllegalArgumentException("budget must be positive, was " + budget);
        }
        this.inspections = inspections;
        this.brokerFencing = brokerFencing;
        this.budget = budget;
        this.clock = clock;
    }

    @Override
    public Actuator actuator() {
        return Actuator.AEM;
    }

    @Override
    public List<String> applications() {
        return inspections.applications();
    }

    @Override
    public List<String> regions(String applicationId) {
        return inspections.regions(applicationId);
    }

    @Override
    public List<ReadinessCheck> check(String applicationId) {
        List<String> regions = regions(applicationId);
        Instant start = clock.instant();
        Map<String, Readings> readings = new LinkedHashMap<>();
        for (int i = 0; i < regions.size(); i++) {
            // each region gets its share: a broker that never answers cannot starve the other's reads
            Instant until = start.plus(budget.multipliedBy(i + 1L).dividedBy(regions.size()));
            String region = regions.get(i);
            readings.put(region, read(applicationId, region, until));
        }
        List<ReadinessCheck> checks = new ArrayList<>();
        for (String target : regions) {
            Readings onTarget = readings.get(target);
            List<String> others =
                    regions.stream().filter(r -> !r.equals(target)).toList();
            if (others.size() == 1) {
                Readings onSource = readings.get(others.get(0));
                checks.add(replication(target, StepAction.EVENTS_SET_STANDBY, onSource, false));
                checks.add(roleAccess(target, StepAction.EVENTS_SET_STANDBY, onSource));
                checks.add(bridge(target, onSource));
                checks.add(backlog(target, onSource));
            } else {
                for (StepAction action : List.of(StepAction.EVENTS_SET_STANDBY, StepAction.EVENTS_DRAIN)) {
                    checks.add(check(
                            target,
                            action,
                            "other-region",
                            ReadinessStatus.NOT_READY,
                            "application " + applicationId + " has " + regions.size()
                                    + " regions configured under mrm.aem.applications." + applicationId
                                    + ".regions; the region being left is known only with exactly two",
                            start,
                            0));
                }
            }
            checks.add(replication(target, StepAction.EVENTS_SET_ACTIVE, onTarget, true));
            checks.add(roleAccess(target, StepAction.EVENTS_SET_ACTIVE, onTarget));
            checks.add(vpnUp(target, onTarget));
            deliveryQueue(target, onTarget).ifPresent(checks::add);
        }
        return checks;
    }

    // --- the reads ---------------------------------------------------------------------------------

    /** One read's result: a value or why there is none, when it ran and how long it took. */
    private record Reading<T>(T value, InspectionFailure failure, Instant at, long ms) {}

    private record Readings(
            String region,
            String describe,
            Reading<VpnState> state,
            Reading<SempAccess> access,
            Reading<Optional<QueueState>> queue) {}

    @FunctionalInterface
    private interface Read<T> {
        T read() throws InspectionFailure;
    }

    private Readings read(String applicationId, String region, Instant until) {
        Optional<VpnInspection> configured = inspections.inspection(applicationId, region);
        if (configured.isEmpty()) {
            InspectionFailure none = new InspectionFailure(
                    InspectionFailure.Kind.REFUSED,
                    "no Message VPN is configured for application " + applicationId + " in region " + region
                            + " (mrm.aem.applications." + applicationId + ".regions." + region + ")");
            Reading<Object> failed = new Reading<>(null, none, clock.instant(), 0);
            return new Readings(region, "region " + region, cast(failed), cast(failed), cast(failed));
        }
        VpnInspection vpn = configured.get().within(until);
        Reading<VpnState> state = timed(vpn::state);
        if (state.failure() != null) {
            // the same broker, the same answer: do not wait for it three times
            return new Readings(region, vpn.describe(), state, cast(state), cast(state));
        }
        Reading<SempAccess> access = timed(vpn::access);
        Reading<Optional<QueueState>> queue =
                access.failure() != null && access.failure().kind() == InspectionFailure.Kind.NO_ANSWER
                        ? cast(access)
                        : timed(vpn::deliveryQueue);
        return new Readings(region, vpn.describe(), state, access, queue);
    }

    @SuppressWarnings("unchecked")
    private static <T> Reading<T> cast(Reading<?> failed) {
        return (Reading<T>) new Reading<>(null, failed.failure(), failed.at(), failed.ms());
    }

    private <T> Reading<T> timed(Read<T> read) {
        Instant at = clock.instant();
        try {
            T value = read.read();
            return new Reading<>(value, null, at, took(at));
        } catch (InspectionFailure e) {
            return new Reading<>(null, e, at, took(at));
        } catch (RuntimeException e) {
            // an answer no adapter expected: the check cannot tell
            return new Reading<>(
                    null, new InspectionFailure(InspectionFailure.Kind.NO_ANSWER, "unexpected: " + e), at, took(at));
        }
    }

    private long took(Instant at) {
        return Math.max(0, Duration.between(at, clock.instant()).toMillis());
    }

    // --- the checks --------------------------------------------------------------------------------

    /** Replication enabled on the VPN; for set-active the mate's bridge as R sees it, for information. */
    private ReadinessCheck replication(String target, StepAction action, Readings on, boolean withMate) {
        Reading<VpnState> read = on.state();
        if (read.failure() != null) {
            return failed(target, action, "replication", on, read);
        }
        VpnState state = read.value();
        if (!state.replicationEnabled()) {
            return check(
                    target,
                    action,
                    "replication",
                    ReadinessStatus.NOT_READY,
                    on.describe() + " does not have replication enabled: the step would fail; enable replication"
                            + " on the VPN of both sites (SEMP v2 MsgVpn replicationEnabled)",
                    read);
        }
        String seen = on.describe() + ": replication enabled, role " + lower(state.role());
        if (withMate) {
            seen += ", mate's bridge "
                    + (state.remoteBridgeUp() == null ? "not reported" : state.remoteBridgeUp() ? "up" : "down");
            if (Boolean.FALSE.equals(state.remoteBridgeUp())) {
                seen += " (the role change still runs; messages queued on the region being left stay there)";
            }
        }
        return check(target, action, "replication", ReadinessStatus.READY, seen, read);
    }

    /** The SEMP user may change the VPN's replication role (and write fence marks, with broker fencing on). */
    private ReadinessCheck roleAccess(String target, StepAction action, Readings on) {
        Reading<SempAccess> read = on.access();
        if (read.failure() != null) {
            return failed(target, action, "role-access", on, read);
        }
        SempAccess access = read.value();
        String levels = "global access level " + orUnknown(access.globalLevel()) + ", VPN access level "
                + orUnknown(access.vpnLevel());
        if (!access.reported()) {
            return check(
                    target,
                    action,
                    "role-access",
                    ReadinessStatus.UNKNOWN,
                    on.describe() + ": the broker does not report the SEMP user's access level (SEMP v2 about/user)",
                    read);
        }
        if (!access.mayChangeRole()) {
            return check(
                    target,
                    action,
                    "role-access",
                    ReadinessStatus.NOT_READY,
                    "not authorised: the SEMP user on " + on.describe() + " has " + levels
                            + "; changing a Message VPN's replicationRole needs global read-write or admin",
                    read);
        }
        if (brokerFencing && !access.mayWriteQueues()) {
            return check(
                    target,
                    action,
                    "role-access",
                    ReadinessStatus.NOT_READY,
                    "not authorised: the SEMP user on " + on.describe() + " has " + levels
                            + "; the fence marks need VPN read-write (or mrm.aem.broker-fencing=false)",
                    read);
        }
        return check(
                target,
                action,
                "role-access",
                ReadinessStatus.READY,
                on.describe() + ": the SEMP user may change the replication role (" + levels + ")",
                read);
    }

    /** The drain waits for the replication queue to empty over the bridge: a down bridge means it cannot. */
    private ReadinessCheck bridge(String target, Readings on) {
        Reading<VpnState> read = on.state();
        StepAction action = StepAction.EVENTS_DRAIN;
        if (read.failure() != null) {
            return failed(target, action, "replication-bridge", on, read);
        }
        VpnState state = read.value();
        if (!state.replicationEnabled()) {
            return check(
                    target,
                    action,
                    "replication-bridge",
                    ReadinessStatus.NOT_READY,
                    on.describe() + " does not have replication enabled: there is no bridge to drain over",
                    read);
        }
        if (state.bridgeUp() == null) {
            return check(
                    target,
                    action,
                    "replication-bridge",
                    ReadinessStatus.UNKNOWN,
                    on.describe() + ": the broker did not report replicationBridgeUp",
                    read);
        }
        if (!state.bridgeUp()) {
            return check(
                    target,
                    action,
                    "replication-bridge",
                    ReadinessStatus.NOT_READY,
                    "replication bridge of " + on.describe() + " is down: the drain would not empty its"
                            + " replication queue; check the link between the sites and replication on both VPNs",
                    read);
        }
        return check(
                target,
                action,
                "replication-bridge",
                ReadinessStatus.READY,
                "replication bridge of " + on.describe() + " is up",
                read);
    }

    private ReadinessCheck backlog(String target, Readings on) {
        Reading<VpnState> read = on.state();
        StepAction action = StepAction.EVENTS_DRAIN;
        if (read.failure() != null) {
            return failed(target, action, "replication-backlog", on, read);
        }
        VpnState state = read.value();
        if (!state.replicationEnabled()) {
            return check(
                    target,
                    action,
                    "replication-backlog",
                    ReadinessStatus.NOT_READY,
                    on.describe() + " does not have replication enabled: it has no replication queue",
                    read);
        }
        if (!state.replicationQueueKnown()) {
            return check(
                    target,
                    action,
                    "replication-backlog",
                    ReadinessStatus.UNKNOWN,
                    "the replication queue of " + on.describe() + " could not be read",
                    read);
        }
        String depth =
                state.queuedMessages() != null ? state.queuedMessages() + " messages" : state.queuedBytes() + " bytes";
        return check(
                target,
                action,
                "replication-backlog",
                ReadinessStatus.READY,
                depth + " in the replication queue of " + on.describe(),
                read);
    }

    /** The verify step needs the VPN up (or standby, before the switch); down, it would fail. */
    private ReadinessCheck vpnUp(String target, Readings on) {
        Reading<VpnState> read = on.state();
        StepAction action = StepAction.EVENTS_VERIFY;
        if (read.failure() != null) {
            return failed(target, action, "vpn-state", on, read);
        }
        VpnState state = read.value();
        if ("down".equalsIgnoreCase(state.state())) {
            return check(
                    target,
                    action,
                    "vpn-state",
                    ReadinessStatus.NOT_READY,
                    on.describe() + " is operationally down: enable the Message VPN",
                    read);
        }
        return check(
                target,
                action,
                "vpn-state",
                ReadinessStatus.READY,
                on.describe() + " is " + (state.state() == null ? "in a state not reported" : state.state()),
                read);
    }

    private Optional<ReadinessCheck> deliveryQueue(String target, Readings on) {
        Reading<Optional<QueueState>> read = on.queue();
        StepAction action = StepAction.EVENTS_VERIFY;
        if (read.failure() != null) {
            // reported only when a delivery check is configured; a failed VPN read already says why
            return on.state().failure() != null
                    ? Optional.empty()
                    : Optional.of(failed(target, action, "delivery-queue", on, read));
        }
        if (read.value().isEmpty()) {
            return Optional.empty();
        }
        QueueState queue = read.value().get();
        String name = "queue " + queue.queue() + " of VPN " + queue.vpn();
        if (!queue.exists()) {
            return Optional.of(check(
                    target,
                    action,
                    "delivery-queue",
                    ReadinessStatus.NOT_READY,
                    name + " does not exist on " + on.describe()
                            + ": the delivery check would fail; create the durable queue or correct delivery-check.queue",
                    read));
        }
        if (Boolean.FALSE.equals(queue.ingressEnabled()) || Boolean.FALSE.equals(queue.egressEnabled())) {
            return Optional.of(check(
                    target,
                    action,
                    "delivery-queue",
                    ReadinessStatus.NOT_READY,
                    name + " has " + (Boolean.FALSE.equals(queue.ingressEnabled()) ? "ingress" : "egress")
                            + " disabled: the delivery check's message would not get through; enable both",
                    read));
        }
        return Optional.of(check(
                target,
                action,
                "delivery-queue",
                ReadinessStatus.READY,
                name + " exists with ingress and egress enabled",
                read));
    }

    /** A read that failed, as the step sending the same request would fare. */
    private ReadinessCheck failed(String target, StepAction action, String name, Readings on, Reading<?> read) {
        InspectionFailure failure = read.failure();
        ReadinessStatus status = failure.kind() == InspectionFailure.Kind.NO_ANSWER
                ? ReadinessStatus.UNKNOWN
                : ReadinessStatus.NOT_READY;
        String why = switch (failure.kind()) {
            case CREDENTIALS_REFUSED ->
                "credentials refused by "
                        + on.describe()
                        + ": check the region's username and password (or bearer token)";
            case NOT_AUTHORISED ->
                "not authorised on " + on.describe() + ": the SEMP user's access level does not allow the request";
            case NOT_FOUND -> "not found on " + on.describe() + ": check the region's vpn setting";
            case NO_ANSWER -> "no conclusive answer from " + on.describe();
            case REFUSED -> "refused by " + on.describe();
        };
        return check(target, action, name, status, why + " (" + failure.getMessage() + ")", read);
    }

    private static ReadinessCheck check(
            String target, StepAction action, String name, ReadinessStatus status, String reason, Reading<?> read) {
        return check(target, action, name, status, reason, read.at(), read.ms());
    }

    private static ReadinessCheck check(
            String target, StepAction action, String name, ReadinessStatus status, String reason, Instant at, long ms) {
        return new ReadinessCheck(target, action, name, status, ReadinessCheck.clip(reason), at, ms);
    }

    private static String lower(ReplicationRole role) {
        return role == null ? "not reported" : role.name().toLowerCase(Locale.ROOT);
    }

    private static String orUnknown(String level) {
        return level == null ? "not reported" : level;
    }
}
