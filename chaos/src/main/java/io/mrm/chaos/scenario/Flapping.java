package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ChaosDeployment;
import io.mrm.chaos.adapter.TcpLink;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A flapping region: the primary's database is cut from the monitors' view and restored, again and again, each
 * cut and each restored spell drawn from the seed between 0.3 and 1.7 times the time the policy needs to call the
 * region down (failure threshold) or up again (recovery threshold). Some cuts are long enough to fail it over,
 * most are not; none may fail it over twice within the hold-down, none without a quorum seeing it down, and a plan
 * that starts must run exactly once. Counts the cycles survived.
 */
public final class Flapping implements Scenario {

    private final int cycles;

    /** @param cycles how many cut-and-restore cycles (the short run a few dozen, the soak hundreds) */
    public Flapping(int cycles) {
        if (cycles < 1) {
            throw new IllegalArgumentException("at least one cycle, not " + cycles);
        }
        this.cycles = cycles;
    }

    @Override
    public String name() {
        return "flapping";
    }

    @Override
    public boolean failoverExpected() {
        return false;
    }

    @Override
    public void outage(FailoverRun run, ChaosSchedule schedule) {
        String primary = run.policy().primaryRegion();
        TcpLink link = run.deployment().backends().monitorLink(primary);
        Duration toDown = run.policy().timeToDown();
        Duration toUp = run.policy().probeInterval().multipliedBy(run.policy().recoveryThreshold());
        run.markOutage();
        run.fault(cycles + " cycles of " + primary + "'s database cut from the monitors' view and restored, "
                + "around " + toDown.toMillis() + " ms down and " + toUp.toMillis() + " ms up");
        int done = 0;
        for (; done < cycles; done++) {
            link.cut();
            pause(schedule.between(scaled(toDown, 3), scaled(toDown, 17)));
            link.restore();
            pause(schedule.between(scaled(toUp, 3), scaled(toUp, 17)));
        }
        run.count("flap cycles", done);
        Instant restored = Instant.now();
        run.fault(done + " cycles done, " + primary + " restored");
        // any failover the last cuts earned is decided once every monitor has reported a whole recovery after
        // the last restore and the engine's latest view calls the region up again
        int recovery = run.policy().recoveryThreshold();
        try {
            Awaitility.await("the engine caught up with the last restore")
                    .atMost(run.atMost())
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Map<String, Long> ups = run.events(HealthObservation.class).stream()
                                .filter(o -> o.region().equals(primary)
                                        && o.status() == HealthStatus.UP
                                        && o.time().isAfter(restored))
                                .collect(Collectors.groupingBy(HealthObservation::vantage, Collectors.counting()));
                        List<TopologyState> topology = run.events(TopologyState.class);
                        return ups.size() >= ChaosDeployment.MONITORS.size()
                                && ups.values().stream().allMatch(n -> n >= recovery)
                                && !topology.isEmpty()
                                && topology.get(topology.size() - 1)
                                        .healthOf(primary)
                                        .map(h -> h.verdict() == SeenHealth.UP)
                                        .orElse(false);
                    });
        } catch (ConditionTimeoutException e) {
            run.fault("the engine did not call " + primary + " UP again within " + run.atMost());
        }
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        // the flapping is the fault
    }

    /** {@code tenths} tenths of {@code d}. */
    private static Duration scaled(Duration d, int tenths) {
        return d.multipliedBy(tenths).dividedBy(10);
    }

    /** The spell itself (the fault's timing, not a wait for something to happen). */
    private static void pause(Duration spell) {
        long end = System.nanoTime() + spell.toNanos();
        for (long left = spell.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
