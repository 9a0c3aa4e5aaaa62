package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the external alerts received so far say about each component, per sender (the sender is the
 * observation's vantage, so two senders are two witnesses): a component is DOWN while any alert routed
 * to it fires. One observation per component per {@link #receive} or {@link #refresh}, never one per
 * alert instance, so three firing pods are one DOWN report, not three.
 *
 * <ul>
 *   <li>Alert instances are told apart by their {@link ExternalAlert#identity() fingerprint}: a
 *       resolved sibling ends only its own instance.</li>
 *   <li>A resolution is not evidence of health: an alert also resolves when whatever evaluated it died
 *       (the Prometheus of a region that is down). When a component's last alert resolves it is no
 *       longer reported, and the engine lets its last DOWN go stale; only a component whose routes say
 *       {@link AlertRoute#resolvedMeansUp()} is reported UP instead, for {@code maxAge}.</li>
 *   <li>Senders repeat a firing alert rarely (Alertmanager after its repeat interval, hours by default;
 *       Azure Monitor never), so {@link #refresh} reports every component held, to be called on the probe
 *       cadence: the engine's stale-after never ages out an alert that still fires.</li>
 *   <li>A firing alert counts until the sender's {@code endsAt}, and at most {@code maxAge} after the
 *       last notification that carried it; then it is dropped without news, which is not health either.</li>
 * </ul>
 *
 * <p>Not thread-safe: the caller serialises calls (and hands the observations over in the same order).
 */
public final class AlertedComponents {

    /** The result of one notification: the observations to publish, and how many alerts no route took. */
    public record Received(List<HealthObservation> observations, int unmatched) {}

    /** A component as seen by one sender. */
    private record Key(String source, ComponentKey component) {}

    /** What is held about one component from one sender. */
    private static final class Held {
        /** Firing alert instances by identity, in the order they were first seen. */
        final Map<String, Firing> firing = new LinkedHashMap<>();
        /** Set when all alerts resolved and the routes take that as health: reported UP until then. */
        Instant upUntil;

        ExternalAlert lastResolved;

        boolean isEmpty() {
            return firing.isEmpty() && upUntil == null;
        }
    }

    private record Firing(ExternalAlert alert, Instant expiresAt) {}

    private final AlertRouter router;
    private final Duration maxAge;
    private final String vantageRegion;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Map<Key, Held> held = new LinkedHashMap<>();

    /**
     * @param maxAge        how long a firing alert counts without a repeat (and a resolution taken as health
     *                      is reported UP); longer than the sender's repeat interval
     * @param vantageRegion the region or site of this monitor instance, or null when not configured
     * @param clock         the time of each observation and of each expiry
     * @param ids           a fresh event id per observation
     */
    public AlertedComponents(
            AlertRouter router, Duration maxAge, String vantageRegion, Clock clock, Supplier<String> ids) {
        this.router = Require.present("router", router);
        this.maxAge = Require.present("maxAge", maxAge);
        if (maxAge.isZero() || maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must be positive");
        }
        this.vantageRegion = Require.optionalName("vantageRegion", vantageRegion);
        this.clock = Require.present("clock", clock);
        this.ids = Require.present("ids", ids);
    }

    /**
     * Takes in one notification (all its alerts, in order) and reports each component it touched, once:
     * DOWN while any of its alerts fires, UP when all resolved and its routes take that as health, and
     * nothing when it has nothing left to report.
     */
    public Received receive(List<ExternalAlert> alerts) {
        Instant now = clock.instant();
        expire(now);
        Set<Key> touched = new LinkedHashSet<>();
        int unmatched = 0;
        for (ExternalAlert alert : alerts) {
            List<ComponentKey> components = router.components(alert);
            if (components.isEmpty()) {
                unmatched++;
                continue;
            }
            for (ComponentKey component : components) {
                Key key = new Key(alert.source(), component);
                take(held.computeIfAbsent(key, k -> new Held()), component, alert, now);
                touched.add(key);
            }
        }
        List<HealthObservation> out = new ArrayList<>();
        for (Key key : touched) {
            Held h = held.get(key);
            if (h.isEmpty()) {
                held.remove(key);
            } else {
                out.add(observation(key, h, now));
            }
        }
        return new Received(out, unmatched);
    }

    /** The current state of every component held, one observation each, after dropping what expired. */
    public List<HealthObservation> refresh() {
        Instant now = clock.instant();
        expire(now);
        List<HealthObservation> out = new ArrayList<>(held.size());
        held.forEach((key, h) -> out.add(observation(key, h, now)));
        return out;
    }

    /** How many components are held (reported on each refresh). */
    public int size() {
        return held.size();
    }

    private void take(Held h, ComponentKey component, ExternalAlert alert, Instant now) {
        Instant expiresAt = now.plus(maxAge);
        if (alert.endsAt() != null && alert.endsAt().isBefore(expiresAt)) {
            expiresAt = alert.endsAt();
        }
        if (alert.firing() && expiresAt.isAfter(now)) {
            h.firing.put(alert.identity(), new Firing(alert, expiresAt));
            h.upUntil = null;
            return;
        }
        h.firing.remove(alert.identity());
        // a firing alert already past its end has ended without a resolution: no evidence of health
        if (!alert.firing() && h.firing.isEmpty() && router.resolvedMeansUp(component)) {
            h.upUntil = now.plus(maxAge);
            h.lastResolved = alert;
        }
    }

    private void expire(Instant now) {
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            h.firing.values().removeIf(f -> !f.expiresAt().isAfter(now));
            if (h.upUntil != null && !h.upUntil.isAfter(now)) {
                h.upUntil = null;
            }
            if (h.isEmpty()) {
                it.remove();
            }
        }
    }

    private HealthObservation observation(Key key, Held h, Instant now) {
        boolean down = !h.firing.isEmpty();
        String detail = down
                ? firingDetail(key.source(), h.firing.values())
                : describe(key.source() + " alert ", h.lastResolved, " resolved");
        ComponentKey c = key.component();
        return new HealthObservation(
                ids.get(),
                c.applicationId(),
                now,
                HealthObservation.SCHEMA_VERSION,
                c.region(),
                c.component(),
                ProbeKind.ALERT_WEBHOOK,
                key.source(),
                down ? HealthStatus.DOWN : HealthStatus.UP,
                null,
                cut(detail),
                vantageRegion);
    }

    private static String firingDetail(String source, Iterable<Firing> firing) {
        List<String> alerts = new ArrayList<>();
        firing.forEach(f -> alerts.add(describe("", f.alert(), "")));
        if (alerts.size() == 1) {
            return describe(source + " alert ", firing.iterator().next().alert(), " firing");
        }
        return source + ": " + alerts.size() + " alerts firing: " + String.join("; ", alerts);
    }

    private static String describe(String prefix, ExternalAlert alert, String state) {
        String summary = alert.summary() == null || alert.summary().isBlank() ? "" : ": " + alert.summary();
        return prefix + alert.name() + state + summary;
    }

    private static String cut(String detail) {
        return detail.length() <= Require.MAX_TEXT ? detail : detail.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
