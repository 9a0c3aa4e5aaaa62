package io.mrm.benchmarks.engine;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.StepResult;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of the pure decision core on one thread: observations of N applications × 2 regions
 * × 3 vantage points, in rounds, each round a little later. Warms up first (the JIT needs more
 * than a minute to settle on two cores), then measures. With {@code --readiness=60s} every application
 * also holds the DNS actuator's readiness report, renewed every 60 s of the rounds' time as an actuator
 * renews it: the core then carries readiness on every step ({@code off}, the default: none).
 */
public final class EngineCoreBench {

    private EngineCoreBench() {}

    public static void main(String[] args) throws Exception {
        run(args);
        System.exit(0);
    }

    public static void run(String[] args) {
        BenchArgs options =
                new BenchArgs(args, Map.of("apps", "1000", "warmup", "60s", "measure", "30s", "readiness", "off"));
        Duration readinessEvery = options.text("readiness").equals("off") ? null : options.duration("readiness");
        int apps = options.integer("apps");
        Map<String, ApplicationPolicy> policies = new HashMap<>();
        for (int i = 0; i < apps; i++) {
            String id = "app-" + i;
            policies.put(
                    id,
                    new ApplicationPolicy(
                            id,
                            "region-a",
                            "region-b",
                            java.util.Set.of("app"),
                            java.util.Set.of(),
                            2,
                            3,
                            3,
                            Duration.ofSeconds(30),
                            io.mrm.decision.domain.DecisionMode.AUTOMATIC,
                            Duration.ofHours(1),
                            2,
                            Duration.ofHours(24),
                            List.of(StepAction.DNS_ROUTE),
                            List.of(),
                            Duration.ofSeconds(30),
                            3,
                            Duration.ofSeconds(1),
                            java.util.Set.of(),
                            false,
                            java.util.Set.of("vantage-0", "vantage-1", "vantage-2"),
                            null,
                            null,
                            null,
                            null,
                            java.time.Duration.ZERO,
                            java.util.Set.of(),
                            ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                            null,
                            null,
                            null,
                            null));
        }
        DecisionCore core = new DecisionCore(policies);
        Map<String, ApplicationState> states = new HashMap<>();
        System.out.printf("engine-core: %s%n", options);
        Instant[] clock = {Instant.parse("2026-11-25T10:00:00Z")};
        long[] blackhole = {0};
        Runnable round = () -> {
            clock[0] = clock[0].plusMillis(1000);
            Instant now = clock[0];
            boolean renew = readinessEvery != null && now.getEpochSecond() % readinessEvery.toSeconds() == 0;
            for (int i = 0; i < apps; i++) {
                String app = "app-" + i;
                if (renew) {
                    StepResult result = core.step(states.get(app), readiness(app, now), now);
                    states.put(app, result.state());
                    blackhole[0] += result.outputs().size();
                }
                for (String region : List.of("region-a", "region-b")) {
                    for (int v = 0; v < 3; v++) {
                        HealthObservation o = new HealthObservation(
                                app + region + v + now.toEpochMilli(),
                                app,
                                now,
                                1,
                                region,
                                "app",
                                ProbeKind.HTTP,
                                "vantage-" + v,
                                HealthStatus.UP,
                                3L,
                                null);
                        StepResult result = core.step(states.get(app), o, now);
                        states.put(app, result.state());
                        blackhole[0] += result.outputs().size();
                    }
                }
            }
        };
        long perRound = apps * 6L;
        long warmupEnd = System.nanoTime() + options.duration("warmup").toNanos();
        while (System.nanoTime() < warmupEnd) {
            round.run();
        }
        long start = System.nanoTime();
        long end = start + options.duration("measure").toNanos();
        long steps = 0;
        while (System.nanoTime() < end) {
            round.run();
            steps += perRound;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "engine-core: %,d observations in %.1f s on one thread = %,.0f observations/s "
                        + "(%d applications x 2 regions x 3 vantage points; readiness %s; outputs %d)%n",
                steps, seconds, steps / seconds, apps, options.text("readiness"), blackhole[0]);
    }

    /** The DNS actuator's report: both regions' route and verify checks READY, checked now. */
    private static ReadinessReport readiness(String app, Instant now) {
        List<ReadinessCheck> checks = new ArrayList<>();
        for (String region : List.of("region-a", "region-b")) {
            checks.add(new ReadinessCheck(
                    region, StepAction.DNS_ROUTE, "hosted-zone", ReadinessStatus.READY, "zone Z1", now, 4));
            checks.add(new ReadinessCheck(
                    region, StepAction.DNS_VERIFY, "resolver", ReadinessStatus.READY, "answers", now, 2));
        }
        return new ReadinessReport(
                app + "-rr-" + now.toEpochMilli(),
                app,
                now,
                ReadinessReport.SCHEMA_VERSION,
                Actuator.DNS,
                60_000,
                checks);
    }
}
