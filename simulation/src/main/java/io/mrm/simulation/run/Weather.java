package io.mrm.simulation.run;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.simulation.actors.EngineHost;
import io.mrm.simulation.actors.Monitor;
import io.mrm.simulation.actors.SimActuator;
import io.mrm.simulation.world.VirtualTime;
import io.mrm.simulation.world.World;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * What goes wrong, and when, drawn from the seed as the run goes: region outages (the application tier,
 * a whole region with its database and broker, the standby, both regions a little apart, flapping),
 * database replication stalls, monitor partitions, silences, restarts and clock changes, a spell where
 * every monitor is silent, observations from sources nobody declared, stale redeliveries of old
 * commands, actuator restarts and engine crashes.
 */
final class Weather {

    private final Scenario scenario;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final World world;
    private final List<Monitor> monitors;
    private final List<SimActuator> actuators;
    private final EngineHost engine;
    private final Consumer<SplittableRandom> redeliverOld;
    private final Consumer<HealthObservation> engineInbox;
    private final Trace trace;
    private int rogue;

    Weather(
            Scenario scenario,
            VirtualTime time,
            SplittableRandom rng,
            World world,
            List<Monitor> monitors,
            List<SimActuator> actuators,
            EngineHost engine,
            Consumer<SplittableRandom> redeliverOld,
            Consumer<HealthObservation> engineInbox,
            Trace trace) {
        this.scenario = scenario;
        this.time = time;
        this.rng = rng;
        this.world = world;
        this.monitors = monitors;
        this.actuators = actuators;
        this.engine = engine;
        this.redeliverOld = redeliverOld;
        this.engineInbox = engineInbox;
        this.trace = trace;
    }

    void start() {
        long skewMs = scenario.policy.maxObservationSkew().toMillis();
        long staleMs = scenario.policy.staleAfter().toMillis();
        for (Monitor m : monitors) {
            double p = rng.nextDouble();
            if (p < 0.25) {
                m.skew((long) ((rng.nextDouble() * 1.8 - 0.9) * skewMs));
            } else if (p < 0.30) {
                m.skew((long) (skewMs * (1.2 + rng.nextDouble())));
            } else if (p < 0.40) {
                m.skew(-(long) (staleMs * (0.3 + rng.nextDouble() * 0.5)));
            }
        }
        time.after(40_000 + rng.nextLong(80_000), this::outage);
        time.after(gap(90_000), this::monitorFault);
        time.after(gap(120_000), this::staleRedelivery);
        for (SimActuator a : actuators) {
            time.after(gap(360_000), () -> restartActuator(a));
        }
        for (int i = 0; i < scenario.engineCrashes; i++) {
            // a reset late in the run, once epochs have moved on: the engine must learn them from the actuators
            boolean reset = scenario.reset && i == 0;
            long at = reset
                    ? scenario.runMs / 2 + rng.nextLong(Math.max(1, scenario.runMs / 3))
                    : 30_000 + rng.nextLong(Math.max(1, scenario.runMs - 60_000));
            time.after(
                    at,
                    () -> engine.crash(
                            reset
                                    ? EngineHost.Fate.RESET
                                    : rng.nextDouble() < 0.33 ? EngineHost.Fate.LOST : EngineHost.Fate.KEPT,
                            1_000 + rng.nextLong(60_000)));
        }
        if (scenario.blindSpell) {
            time.after(60_000 + rng.nextLong(Math.max(1, scenario.runMs - 120_000)), () -> {
                long spell = staleMs + 5_000 + rng.nextLong(60_000);
                note("every monitor falls silent for " + spell + " ms");
                monitors.forEach(m -> m.silent(true));
                time.after(spell, () -> monitors.forEach(m -> m.silent(false)));
            });
        }
        if (scenario.rogueSources) {
            time.after(gap(60_000), this::rogueObservation);
        }
    }

    // ---- regions ---------------------------------------------------------------------------------------

    private void outage() {
        String serving = world.dns().region();
        String target = rng.nextDouble() < 0.8 ? serving : pick(List.of(Scenario.PRIMARY, Scenario.STANDBY));
        String other = world.other(target).name();
        long duration = 15_000 + rng.nextLong(225_000);
        double kind = rng.nextDouble();
        if (kind < 0.30) {
            appDown(target, 0, duration);
        } else if (kind < 0.55) {
            note("REGION OUTAGE " + target + " (app, database, broker) for " + duration + " ms");
            world.setReachable(target, false, time.now());
            time.after(duration, () -> {
                note("region " + target + " reachable again");
                world.setReachable(target, true, time.now());
            });
        } else if (kind < 0.70) {
            appDown(other, 0, duration);
        } else if (kind < 0.80) {
            long stagger = rng.nextLong(Math.max(1, scenario.policy.failureThreshold() * scenario.probeIntervalMs));
            boolean standbyFirst = rng.nextBoolean();
            appDown(standbyFirst ? other : target, 0, duration);
            appDown(standbyFirst ? target : other, stagger, duration);
        } else if (kind < 0.90) {
            long period = scenario.probeIntervalMs * (1 + rng.nextInt(4));
            note("FLAPPING " + target + " every " + period + " ms for " + duration + " ms");
            flap(target, period, time.now() + duration, false);
        } else {
            note("database replication stalls for " + duration + " ms");
            world.data().stallUntil(time.now() + duration);
        }
        time.after(duration + 20_000 + rng.nextLong(220_000), this::outage);
    }

    private void appDown(String region, long afterMs, long duration) {
        time.after(afterMs, () -> {
            note("APP OUTAGE " + region + " for " + duration + " ms");
            world.setAppUp(region, false, time.now());
            time.after(duration, () -> {
                note("app of " + region + " answers again");
                world.setAppUp(region, true, time.now());
            });
        });
    }

    private void flap(String region, long period, long untilMs, boolean up) {
        world.setAppUp(region, up || time.now() >= untilMs, time.now());
        if (time.now() < untilMs) {
            time.after(period, () -> flap(region, period, untilMs, !up));
        }
    }

    // ---- monitors --------------------------------------------------------------------------------------

    private void monitorFault() {
        Monitor m = monitors.get(rng.nextInt(monitors.size()));
        double p = rng.nextDouble();
        long duration = 20_000 + rng.nextLong(160_000);
        if (p < 0.4) {
            String region = pick(List.of(Scenario.PRIMARY, Scenario.STANDBY));
            m.partition(region, true);
            time.after(duration, () -> m.partition(region, false));
        } else if (p < 0.6) {
            m.silent(true);
            time.after(duration, () -> m.silent(false));
        } else if (p < 0.8) {
            m.restart();
        } else {
            long skewMs = scenario.policy.maxObservationSkew().toMillis();
            m.skew(rng.nextDouble() < 0.5 ? 0 : (long) ((rng.nextDouble() * 2.4 - 1) * skewMs));
        }
        time.after(gap(90_000), this::monitorFault);
    }

    private void rogueObservation() {
        rogue++;
        double p = rng.nextDouble();
        String vantage = p < 0.4 ? "vantage-9" : "vantage-1";
        String region = p >= 0.4 && p < 0.7 ? "ap10" : Scenario.PRIMARY;
        String component = p >= 0.7 ? "db" : "app";
        HealthObservation o = new HealthObservation(
                "rogue-" + rogue,
                Scenario.APP,
                time.instant(),
                1,
                region,
                component,
                ProbeKind.HTTP,
                vantage,
                HealthStatus.DOWN,
                5L,
                "from nowhere",
                null,
                "rogue-run",
                (long) rogue);
        time.after(1 + rng.nextLong(100), () -> engineInbox.accept(o));
        time.after(gap(60_000), this::rogueObservation);
    }

    // ---- actuators and the engine ----------------------------------------------------------------------

    private void staleRedelivery() {
        redeliverOld.accept(rng);
        time.after(gap(120_000), this::staleRedelivery);
    }

    private void restartActuator(SimActuator actuator) {
        actuator.restart(500 + rng.nextLong(10_000));
        time.after(gap(360_000), () -> restartActuator(actuator));
    }

    private long gap(long mean) {
        return 1 + (long) (-Math.log(1 - rng.nextDouble()) * mean);
    }

    private <T> T pick(List<T> values) {
        return values.get(rng.nextInt(values.size()));
    }

    private void note(String text) {
        if (trace.on()) {
            trace.line(time.now(), "world", text);
        }
    }
}
