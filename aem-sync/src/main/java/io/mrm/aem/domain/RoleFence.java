package io.mrm.aem.domain;

import io.mrm.events.ack.ActuatorFailure;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps two actuator instances with different epochs from flip-flopping a VPN's role, using only
 * what every instance shares: the broker. SEMP v2 has no conditional write (no compare-and-set on
 * {@code replicationRole}), but creating a named object is atomic and listing is consistent, so
 * each application keeps two kinds of {@link FenceMark} on the VPN:
 * <ul>
 *   <li>a <b>fence</b> per epoch that has acted on the VPN, permanent: a command whose epoch is
 *       below the highest fence is refused;</li>
 *   <li>an <b>intent</b> per actuator about to write, deleted once its write has returned: an
 *       actuator writes only after every intent of a lower epoch is gone.</li>
 * </ul>
 * Protocol for epoch E: create intent(E); refuse if a fence above E exists; create fence(E); wait
 * until no intent below E remains (re-checking the fences each time); write; delete intent(E).
 *
 * <p>Why a stale writer can never land after a newer one: the older actuator's intent exists from
 * before its fence check until after its write. If the newer actuator's wait saw no such intent,
 * the older one created it after fence(E) existed, so its check refuses it; if the wait saw it,
 * the newer one writes only after the older one's write returned.
 *
 * <p>Assumptions, stated because they are what the guarantee rests on: the broker applies each
 * request atomically and a later read sees it; a write is applied within the request timeout or not
 * at all; and an actuator that crashed holding an intent is recognised by the intent's age
 * ({@code intentLease}, judged by the readers' clocks, so clocks must agree to well within it). An
 * actuator does not start a write once its own intent is older than the lease minus one request
 * timeout.
 */
public final class RoleFence {

    /** The outcome of {@link #enter}. */
    public sealed interface Admission {}

    /** May write until {@code writeBy}; must call {@link #leave} afterwards. */
    public record Admitted(FenceMark intent, Instant writeBy, List<String> abandonedIntents) implements Admission {}

    /** A newer epoch has acted on this VPN. */
    public record Refused(long newerEpoch) implements Admission {}

    /** Older actuators still hold intents; nothing was changed. */
    public record StillWaiting(String holders) implements Admission {}

    private final String instance;
    private final ActuatorLimits limits;
    private final Clock clock;
    private final Sleeper sleeper;

    public RoleFence(String instance, ActuatorLimits limits, Clock clock, Sleeper sleeper) {
        this.instance = instance;
        this.limits = limits;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Announces the intent to write for {@code epoch} and waits (until {@code until}) for the right to. */
    public Admission enter(ReplicatedVpn vpn, String applicationId, long epoch, Instant until)
            throws ActuatorFailure, InterruptedException {
        // milliseconds: the precision a mark keeps on the broker, so the listed copy equals this one
        FenceMark intent = FenceMark.intent(epoch, instance, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        vpn.create(applicationId, intent);
        try {
            boolean fenced = false;
            List<String> abandoned = new java.util.ArrayList<>();
            while (true) {
                List<FenceMark> marks = vpn.marks(applicationId);
                long highest = highestFence(marks);
                if (highest > epoch) {
                    deleteQuietly(vpn, applicationId, intent); // the refusal stands whatever the clean-up does
                    return new Refused(highest);
                }
                if (!fenced && highest < epoch) {
                    vpn.create(applicationId, FenceMark.fence(epoch));
                    fenced = true;
                    continue; // list again: the fence must exist before the intents are judged
                }
                fenced = true;
                deleteOwnLeftovers(vpn, applicationId, marks, intent);
                Instant now = clock.instant();
                List<FenceMark> older = marks.stream()
                        .filter(m -> !m.isFence() && m.epoch() < epoch && !isOwnLeftover(m, intent))
                        .sorted(Comparator.comparingLong(FenceMark::epoch))
                        .toList();
                List<FenceMark> live = new java.util.ArrayList<>();
                for (FenceMark other : older) {
                    if (other.created().plus(limits.intentLease()).isBefore(now)) {
                        vpn.delete(applicationId, other);
                        abandoned.add(describe(other));
                    } else {
                        live.add(other);
                    }
                }
                if (live.isEmpty()) {
                    Instant writeBy =
                            intent.created().plus(limits.intentLease()).minus(limits.requestTimeout());
                    return new Admitted(intent, writeBy, List.copyOf(abandoned));
                }
                if (!now.plus(limits.pollInterval()).isBefore(until)) {
                    deleteQuietly(vpn, applicationId, intent);
                    return new StillWaiting(
                            live.stream().map(RoleFence::describe).collect(Collectors.joining(", ")));
                }
                sleeper.sleep(limits.pollInterval());
            }
        } catch (ActuatorFailure | InterruptedException | RuntimeException e) {
            deleteQuietly(vpn, applicationId, intent);
            throw e;
        }
    }

    /** Ends a write: deletes the intent, and the fences of older epochs (housekeeping, best effort). */
    public void leave(ReplicatedVpn vpn, String applicationId, Admitted admitted) throws ActuatorFailure {
        vpn.delete(applicationId, admitted.intent());
        try {
            for (FenceMark mark : vpn.marks(applicationId)) {
                if (mark.isFence() && mark.epoch() < admitted.intent().epoch()) {
                    vpn.delete(applicationId, mark);
                }
            }
        } catch (ActuatorFailure e) {
            // old fences only cost a line in a listing; the next switch removes them
        }
    }

    /**
     * An intent of this instance other than the one it holds now is a leftover: this instance runs one
     * command per application at a time, so it is not writing under it. Leftovers arise on a replicated
     * pair: an intent created while the VPN was active is config-synced to the mate site, and its deletion,
     * made after the same command demoted the VPN, is not (a standby site's changes stay local). Without
     * this, the next decision on the mate would wait for the leftover's whole lease.
     */
    private boolean isOwnLeftover(FenceMark mark, FenceMark current) {
        return !mark.isFence()
                && mark.instance().equals(current.instance())
                && mark.epoch() <= current.epoch()
                && !mark.equals(current);
    }

    private void deleteOwnLeftovers(ReplicatedVpn vpn, String applicationId, List<FenceMark> marks, FenceMark current) {
        for (FenceMark mark : marks) {
            if (isOwnLeftover(mark, current)) {
                deleteQuietly(vpn, applicationId, mark);
            }
        }
    }

    /** The highest fence epoch on the VPN for the application, 0 if none. */
    public static long highestFence(List<FenceMark> marks) {
        return marks.stream()
                .filter(FenceMark::isFence)
                .mapToLong(FenceMark::epoch)
                .max()
                .orElse(0);
    }

    private static void deleteQuietly(ReplicatedVpn vpn, String applicationId, FenceMark intent) {
        try {
            vpn.delete(applicationId, intent);
        } catch (ActuatorFailure | RuntimeException e) {
            // the intent expires after its lease
        }
    }

    private static String describe(FenceMark intent) {
        return "epoch " + intent.epoch() + " held by " + intent.instance() + " since " + intent.created();
    }
}
