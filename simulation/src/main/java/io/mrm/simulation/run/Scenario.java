package io.mrm.simulation.run;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.events.decision.StepAction;
import io.mrm.simulation.actors.Operators;
import io.mrm.simulation.actors.SimActuator;
import io.mrm.simulation.actors.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one seed chooses before the run starts: the application's policy (drawn within the ranges
 * an operator might configure, scaled so that outages, hold-downs and proposals play out within minutes)
 * and how faulty each part of the world is. What happens when (outages, partitions, crashes) is drawn as
 * the run goes, by {@link Weather}, from the same seed.
 */
public final class Scenario {

    public static final String APP = "shop";
    public static final String PRIMARY = "eu10";
    public static final String STANDBY = "us10";

    public final long seed;
    public final ApplicationPolicy policy;
    public final long runMs;
    public final long tickMs;
    public final long probeIntervalMs;
    public final List<String> monitorComponents;
    public final double flaky;
    public final double degraded;
    public final double replay;
    public final long observationLatencyMs;
    public final Transport.Faults commandLink;
    public final Transport.Faults ackLink;
    public final SimActuator.Faults actuators;
    public final Operators.Setup operators;
    public final long dnsPropagationMs;
    /** One of the engine's crashes (late in the run) loses its state and its published topology: a reset. */
    public final boolean reset;

    public final int engineCrashes;
    public final boolean blindSpell;
    public final boolean rogueSources;

    private Scenario(long seed, long runMs) {
        this.seed = seed;
        this.runMs = runMs;
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        probeIntervalMs = 3_500 + 500L * r.nextInt(7);
        tickMs = r.nextBoolean() ? 1_000 : 2_000;
        boolean alertComponent = r.nextDouble() < 0.25;
        monitorComponents = alertComponent ? List.of("app", "hana") : List.of("app");
        policy = policy(r, alertComponent);
        flaky = r.nextDouble() * 0.03;
        degraded = r.nextDouble() * 0.03;
        replay = r.nextDouble() * 0.03;
        observationLatencyMs = 5 + r.nextInt(300);
        long stepTimeout = policy.stepTimeout().toMillis();
        commandLink = new Transport.Faults(
                r.nextDouble() * 0.03,
                r.nextDouble() * 0.05,
                r.nextDouble() * 0.05,
                1 + r.nextInt(100),
                2 * stepTimeout);
        ackLink = new Transport.Faults(
                r.nextDouble() * 0.05,
                r.nextDouble() * 0.05,
                r.nextDouble() * 0.05,
                1 + r.nextInt(100),
                2 * stepTimeout);
        actuators = new SimActuator.Faults(
                r.nextDouble() * 0.08,
                r.nextDouble() < 0.3 ? 0 : r.nextDouble() * 0.02,
                0.3,
                r.nextDouble() * 0.1,
                10 + r.nextInt(800));
        boolean signed = r.nextDouble() < 0.02;
        operators = new Operators.Setup(
                signed,
                0.1,
                60_000 + r.nextInt(120_000),
                5_000 + r.nextInt(115_000),
                0.1 + r.nextDouble() * 0.2,
                0.02,
                1 + r.nextInt(500));
        dnsPropagationMs = r.nextInt(3_000);
        reset = r.nextDouble() < 0.06;
        engineCrashes = (reset ? 1 : 0) + r.nextInt(4);
        blindSpell = r.nextDouble() < 0.12;
        rogueSources = r.nextDouble() < 0.10;
    }

    public static Scenario of(long seed, long runMs) {
        return new Scenario(seed, runMs);
    }

    private ApplicationPolicy policy(SplittableRandom r, boolean alertComponent) {
        int vantageCount = r.nextDouble() < 0.75 ? 3 : 4;
        int quorum = vantageCount == 4 ? 2 + r.nextInt(2) : r.nextDouble() < 0.85 ? 2 : 3;
        List<String> vantages = new ArrayList<>();
        for (int i = 1; i <= vantageCount; i++) {
            vantages.add("vantage-" + i);
        }
        long staleMs = probeIntervalMs * (3 + r.nextInt(4));
        List<StepAction> plan = plan(r);
        Set<StepAction> parallel = r.nextDouble() < 0.3 && plan.contains(StepAction.EVENTS_SET_ACTIVE)
                ? Set.of(StepAction.DNS_ROUTE)
                : Set.of();
        long skewMs = Math.min(8_000, Math.max(2_000, staleMs / 2)) - r.nextInt(1_000);
        return new ApplicationPolicy(
                APP,
                PRIMARY,
                STANDBY,
                Set.of("app"),
                alertComponent ? Set.of("hana") : Set.of(),
                quorum,
                2 + r.nextInt(3),
                2 + r.nextInt(3),
                Duration.ofMillis(staleMs),
                r.nextDouble() < 0.75 ? DecisionMode.AUTOMATIC : DecisionMode.MANUAL,
                Duration.ofSeconds(90 + r.nextInt(240)),
                1 + r.nextInt(3),
                Duration.ofMinutes(8 + r.nextInt(20)),
                plan,
                List.of(StepAction.DATA_REPROTECT),
                Duration.ofSeconds(4 + r.nextInt(12)),
                2 + r.nextInt(3),
                Duration.ofSeconds(1 + r.nextInt(3)),
                parallel,
                r.nextDouble() < 0.3,
                Set.copyOf(vantages),
                Duration.ofMillis(skewMs),
                Duration.ofSeconds(60 + r.nextInt(180)),
                Duration.ofSeconds(2 + r.nextInt(5)),
                Duration.ofSeconds(8 + r.nextInt(33)),
                // half the seeds try the graceful path first on an automatic failover, the others force at once
                r.nextDouble() < 0.5 ? Duration.ofSeconds(3 + r.nextInt(25)) : Duration.ZERO,
                Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
    }

    private static List<StepAction> plan(SplittableRandom r) {
        double p = r.nextDouble();
        if (p < 0.10) {
            return List.of(StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE, StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        }
        if (p < 0.25) {
            return List.of(
                    StepAction.EVENTS_SET_STANDBY,
                    StepAction.EVENTS_DRAIN,
                    StepAction.DATA_DRAIN,
                    StepAction.DATA_PROMOTE,
                    StepAction.EVENTS_SET_ACTIVE,
                    StepAction.EVENTS_VERIFY,
                    StepAction.DNS_ROUTE,
                    StepAction.DNS_VERIFY);
        }
        return ApplicationPolicy.DEFAULT_PLAN;
    }

    /** One line per setting a reader of a failing trace needs. */
    public String describe() {
        ApplicationPolicy p = policy;
        return "seed " + seed + ", run " + runMs / 1000 + " s, ticks every " + tickMs + " ms, probes every "
                + probeIntervalMs + " ms of "
                + monitorComponents + "\n  policy: " + p + "\n  faults: commands " + commandLink + ", acks "
                + ackLink + ", actuators " + actuators + ", monitors flaky " + pct(flaky) + " degraded " + pct(degraded)
                + " replay " + pct(replay) + ", operators " + operators + ", DNS propagation " + dnsPropagationMs
                + " ms, engine crashes " + engineCrashes + (reset ? " (one a reset)" : "")
                + (blindSpell ? ", a blind spell" : "") + (rogueSources ? ", rogue sources" : "");
    }

    private static String pct(double v) {
        return String.format("%.1f%%", v * 100);
    }
}
