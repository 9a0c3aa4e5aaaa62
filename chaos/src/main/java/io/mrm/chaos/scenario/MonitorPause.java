package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ChaosDeployment;
import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A paused monitor (SIGSTOP: a vantage point partitioned away, its connections left open), drawn from the seed.
 * First during a healthy period, for longer than the engine's stale-after plus the time a region takes to be
 * called down: no failover may happen; then SIGCONT, and its vantage point must be UP again in the engine's health
 * view. Then paused again during a real outage of the primary: the other two monitors are a quorum, and the
 * failover must still happen; after it the monitor resumes and its observations must reach the engine again.
 */
public final class MonitorPause implements Scenario {

    /** Beyond stale-after and the failure threshold's probes: the engine's own evaluation and a loaded machine. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "monitor-pause";
    }

    @Override
    public void outage(FailoverRun run, ChaosSchedule schedule) {
        String monitor = schedule.pick(ChaosDeployment.MONITORS);
        ServiceProcesses.Service victim = run.deployment().services().service(monitor);
        String vantage = run.deployment().vantageOf(monitor);
        List<String> regions =
                List.of(run.policy().primaryRegion(), run.policy().standbyRegion());
        Duration window =
                run.policy().staleAfter().plus(run.policy().timeToDown()).plus(MARGIN);

        Instant pausedAt = Instant.now();
        victim.process().pause();
        run.fault("SIGSTOP to " + monitor + " (" + vantage + ") while both regions are healthy, for " + window);
        try {
            Awaitility.await("no failover while " + vantage + " is paused and both regions are up")
                    .during(window)
                    .atMost(window.plus(run.atMost()))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !run.anySwitch());
        } catch (ConditionTimeoutException e) {
            run.violated("no false failover", "a failover was decided while only " + vantage + " was paused");
        }
        // read times (the harness's clock): a topology's own time is the engine's event time, that of the
        // observation that changed it
        Instant stale = run.deployment().recorder().records().stream()
                .filter(r -> r.readAt().isAfter(pausedAt)
                        && r.event() instanceof TopologyState t
                        && seenAs(t, regions, vantage, SeenHealth.STALE))
                .map(TopicRecorder.Recorded::readAt)
                .findFirst()
                .orElse(null);
        if (stale == null) {
            run.fault("the engine never called " + vantage + " STALE for both regions during the pause");
        } else {
            run.time("pause to its vantage STALE in the engine's view", Duration.between(pausedAt, stale));
        }
        Instant resumedAt = Instant.now();
        victim.process().resume();
        awaitUpAgain(run, vantage, regions, resumedAt, "healthy period");

        victim.process().pause();
        run.fault("SIGSTOP to " + monitor + " again, then the outage: the other two monitors are the quorum");
        run.cutPrimaryFromMonitors();
        run.repairAfterSwitch(() -> {
            Instant resumed = Instant.now();
            victim.process().resume();
            // region-a is still cut from every monitor's view: the vantage sees only the standby up
            awaitUpAgain(run, vantage, List.of(run.policy().standbyRegion()), resumed, "outage");
        });
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        // the pause during the outage is the fault
    }

    /** After SIGCONT, the engine's view has the vantage UP again for every region of {@code up}. */
    private static void awaitUpAgain(
            FailoverRun run, String vantage, List<String> up, Instant resumedAt, String phase) {
        try {
            Instant seen = run.awaitRecordAfter(
                    resumedAt, r -> r.event() instanceof TopologyState t && seenAs(t, up, vantage, SeenHealth.UP));
            run.time("resume to its vantage UP again (" + phase + ")", Duration.between(resumedAt, seen));
        } catch (ConditionTimeoutException e) {
            run.violated(
                    "observations resume",
                    vantage + " was not UP again in the engine's view within " + run.atMost() + " of SIGCONT (" + phase
                            + ")");
        }
    }

    /** The engine's view of every region in {@code regions} has {@code vantage} as {@code status}. */
    private static boolean seenAs(TopologyState t, List<String> regions, String vantage, SeenHealth status) {
        return regions.stream()
                .allMatch(region -> t.healthOf(region)
                        .map(view -> view.vantages().stream()
                                .anyMatch(v -> v.vantage().equals(vantage) && v.status() == status))
                        .orElse(false));
    }
}
