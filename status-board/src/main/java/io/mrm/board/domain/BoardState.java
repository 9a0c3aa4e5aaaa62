package io.mrm.board.domain;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The board's in-memory view of every application: the latest topology and readiness (both compacted topics,
 * so the latest is all there is), and the recent decisions, alerts and request outcomes — at most
 * {@code recentLimit} per application and none older than {@code recentWindow}, so memory stays bounded however
 * long the board runs. At most {@code maxApplications} applications are shown; events of others are ignored and
 * counted. Thread-safe: one consumer writes, any number of page requests read.
 */
public final class BoardState {

    private final int recentLimit;
    private final Duration recentWindow;
    private final int maxApplications;
    private final TreeMap<String, ApplicationBoard> applications = new TreeMap<>();
    private long version;
    private long ignoredApplications;

    public BoardState(int recentLimit, Duration recentWindow, int maxApplications) {
        if (recentLimit < 1 || recentWindow == null || recentWindow.isNegative() || maxApplications < 1) {
            throw new IllegalArgumentException(
                    "recent-limit and max-applications must be at least 1, " + "recent-window positive");
        }
        this.recentLimit = recentLimit;
        this.recentWindow = recentWindow;
        this.maxApplications = maxApplications;
    }

    /**
     * Takes one event from the topology, readiness or decisions topic; returns the application's new board when
     * the event changed it (an older topology or readiness than the one held changes nothing).
     */
    public synchronized Optional<ApplicationBoard> apply(MrmEvent event, Instant now) {
        String id = event.applicationId();
        ApplicationBoard current = applications.get(id);
        if (current == null && applications.size() >= maxApplications) {
            ignoredApplications++;
            return Optional.empty();
        }
        TopologyState topology = current == null ? null : current.topology();
        ReadinessState readiness = current == null ? null : current.readiness();
        List<RecentEvent> recent = current == null ? List.of() : current.recent();
        if (event instanceof TopologyState t) {
            if (topology != null && t.time().isBefore(topology.time())) {
                return Optional.empty();
            }
            topology = t;
        } else if (event instanceof ReadinessState r) {
            if (readiness != null && r.time().isBefore(readiness.time())) {
                return Optional.empty();
            }
            readiness = r;
        } else {
            RecentEvent line = recentEvent(event);
            if (line == null || line.time().isBefore(now.minus(recentWindow))) {
                return Optional.empty();
            }
            recent = trimmed(recent, line, now);
        }
        ApplicationBoard next = new ApplicationBoard(id, topology, readiness, recent, ++version);
        applications.put(id, next);
        return Optional.of(next);
    }

    private List<RecentEvent> trimmed(List<RecentEvent> recent, RecentEvent added, Instant now) {
        List<RecentEvent> all = new ArrayList<>(recent);
        all.add(added);
        Instant oldest = now.minus(recentWindow);
        return all.stream()
                .filter(e -> !e.time().isBefore(oldest))
                .sorted(Comparator.comparing(RecentEvent::time).reversed())
                .limit(recentLimit)
                .toList();
    }

    /** A decision, alert or request outcome in words; null for any other event. */
    static RecentEvent recentEvent(MrmEvent event) {
        if (event instanceof FailoverDecision d) {
            return new RecentEvent(
                    d.time(),
                    RecentEvent.Kind.DECISION,
                    d.kind() + " " + d.status(),
                    d.fromRegion() + " → " + d.toRegion() + " (epoch " + d.epoch() + "): " + d.reason(),
                    d.id());
        }
        if (event instanceof Alert a) {
            return new RecentEvent(
                    a.time(), RecentEvent.Kind.ALERT, a.severity() + " " + a.code(), a.message(), a.decisionId());
        }
        if (event instanceof RequestOutcome o) {
            return new RecentEvent(
                    o.time(),
                    RecentEvent.Kind.REQUEST,
                    o.requestType() + (o.accepted() ? " accepted" : " refused"),
                    "by " + o.operator() + (o.reason() == null ? "" : ": " + o.reason()),
                    o.decisionId());
        }
        return null;
    }

    /** Every application, by id. */
    public synchronized List<ApplicationBoard> applications() {
        return List.copyOf(applications.values());
    }

    public synchronized Optional<ApplicationBoard> application(String id) {
        return Optional.ofNullable(applications.get(id));
    }

    /** The change counter: it grows by one with every change of any application. */
    public synchronized long version() {
        return version;
    }

    /** Events of applications beyond {@code maxApplications}, not shown. */
    public synchronized long ignoredApplications() {
        return ignoredApplications;
    }
}
