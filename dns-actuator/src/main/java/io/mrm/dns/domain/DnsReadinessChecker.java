package io.mrm.dns.domain;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The DNS actuator's readiness: for each application and each of its regions, whether DNS_ROUTE could
 * point the name there ({@link DnsReadinessProbe#route}) and whether DNS_VERIFY could read the answers
 * clients get ({@link DnsRouter#answers}, asked once per round: it does not depend on the target).
 * Neither step acts on the region being left, so every check is of the target's side. Nothing is
 * changed; a probe that throws becomes UNKNOWN, never an exception out of {@link #check}.
 */
public final class DnsReadinessChecker implements ReadinessChecker {

    static final String RESOLVER = "resolver";

    private final DnsReadinessProbe probe;
    private final DnsRouter router;
    private final Clock clock;

    public DnsReadinessChecker(DnsReadinessProbe probe, DnsRouter router, Clock clock) {
        this.probe = probe;
        this.router = router;
        this.clock = clock;
    }

    @Override
    public Actuator actuator() {
        return Actuator.DNS;
    }

    @Override
    public List<String> applications() {
        return probe.applications();
    }

    @Override
    public List<String> regions(String applicationId) {
        return probe.regions(applicationId);
    }

    @Override
    public List<ReadinessCheck> check(String applicationId) {
        List<ReadinessCheck> checks = new ArrayList<>();
        Timed verify = timed(() -> List.of(resolver(applicationId)));
        for (String region : safeRegions(applicationId)) {
            Timed route = timed(() -> probe.route(applicationId, region));
            route.add(checks, region, StepAction.DNS_ROUTE);
            verify.add(checks, region, StepAction.DNS_VERIFY);
        }
        return checks;
    }

    /** One step's checks only: a rehearsal of DNS_ROUTE asks the probe, one of DNS_VERIFY the resolvers. */
    @Override
    public List<ReadinessCheck> check(String applicationId, String region, StepAction action) {
        List<ReadinessCheck> checks = new ArrayList<>();
        Timed timed = action == StepAction.DNS_ROUTE
                ? timed(() -> probe.route(applicationId, region))
                : timed(() -> List.of(resolver(applicationId)));
        timed.add(checks, region, action);
        return checks;
    }

    private List<String> safeRegions(String applicationId) {
        try {
            return probe.regions(applicationId);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Whether the sources the verify step asks answer for the name at all; which region they give does not matter. */
    private Probe resolver(String applicationId) {
        List<DnsAnswer> answers;
        try {
            answers = router.answers(applicationId);
        } catch (ActuatorFailure e) {
            return new Probe(
                    RESOLVER,
                    e.retriable() ? ReadinessStatus.UNKNOWN : ReadinessStatus.NOT_READY,
                    e.code() + ": " + e.getMessage());
        }
        List<DnsAnswer> answered = answers.stream().filter(DnsAnswer::answered).toList();
        String seen = describe(answers);
        if (answered.isEmpty()) {
            // time-outs and unreachable servers: verify would keep retrying, but whether it can succeed is open
            return Probe.unknown(RESOLVER, "no source answered for the name: " + seen);
        }
        return Probe.ready(
                RESOLVER, answered.size() + " of " + answers.size() + " source(s) answer for the name: " + seen);
    }

    private static String describe(List<DnsAnswer> answers) {
        StringBuilder sb = new StringBuilder();
        for (DnsAnswer a : answers) {
            sb.append(sb.isEmpty() ? "" : "; ").append(a.source()).append(" ").append(a.describe());
        }
        return sb.isEmpty() ? "no sources" : sb.toString();
    }

    private Timed timed(Supplier<List<Probe>> run) {
        Instant started = clock.instant();
        List<Probe> probes;
        try {
            probes = run.get();
        } catch (RuntimeException e) {
            probes = List.of(Probe.unknown("checks", "the check failed: " + e));
        }
        long took = Math.max(0, Duration.between(started, clock.instant()).toMillis());
        return new Timed(probes, started, took);
    }

    private record Timed(List<Probe> probes, Instant started, long durationMs) {

        void add(List<ReadinessCheck> checks, String region, StepAction action) {
            for (Probe p : probes) {
                checks.add(new ReadinessCheck(
                        region,
                        action,
                        p.check(),
                        p.status(),
                        ReadinessCheck.clip(p.reason().isBlank() ? p.status().name() : p.reason()),
                        started,
                        durationMs));
            }
        }
    }
}
