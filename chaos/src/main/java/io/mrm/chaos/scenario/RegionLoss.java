package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.KafkaBrokers;
import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The loss of a whole region, all at once: region-a's Kafka broker ({@code kafka-1} stands for it), region-a's
 * monitor and the actuators that work on region-a's backends (hana-sync, its database; aem-sync, its event broker:
 * docker-compose.yml runs one instance of each actuator, for both regions, so these two stand for region-a's) are
 * SIGKILLed, and region-a's database stops answering everyone while its event broker answers 503. The actuators are
 * started again at once (rescheduled in the region left); the rest comes back once the plan is done. The failover
 * cannot reach what it leaves, so it must fall back to the forced path and complete there; once region-a answers
 * again, the fences it owes must bring the backends to one writable database and one active VPN.
 */
public final class RegionLoss implements Scenario {

    /** The broker that stands for region-a's. */
    static final int REGION_A_BROKER = 1;

    static final List<String> REGION_A_ACTUATORS = List.of("hana-sync", "aem-sync");
    static final String REGION_A_MONITOR = "health-monitor-region-a";

    @Override
    public String name() {
        return "region-loss";
    }

    @Override
    public void outage(FailoverRun run, ChaosSchedule schedule) {
        String region = run.policy().primaryRegion();
        KafkaBrokers brokers = run.deployment().brokers();
        ServiceProcesses services = run.deployment().services();
        run.markOutage();
        brokers.broker(REGION_A_BROKER).process().kill();
        services.service(REGION_A_MONITOR).process().kill();
        for (String actuator : REGION_A_ACTUATORS) {
            services.service(actuator).process().kill();
        }
        run.deployment().backends().regionFailed(region, true);
        run.fault("OUTAGE: all of " + region + " is gone: SIGKILL to kafka-" + REGION_A_BROKER + ", "
                + REGION_A_MONITOR + ", " + String.join(", ", REGION_A_ACTUATORS)
                + "; its database refuses everyone, its event broker answers 503");
        for (String actuator : REGION_A_ACTUATORS) {
            services.service(actuator).process().start();
        }
        run.repairAfterSwitch(() -> checkForcedPath(run));
        run.repairAfterSwitch(() -> {
            Instant back = Instant.now();
            brokers.broker(REGION_A_BROKER).process().start();
            services.service(REGION_A_MONITOR).process().start();
            run.deployment().backends().regionFailed(region, false);
            brokers.awaitBrokers(3, run.atMost());
            services.awaitReady(services.service(REGION_A_MONITOR), run.atMost());
            run.fault(region + " back: kafka-" + REGION_A_BROKER + " and " + REGION_A_MONITOR
                    + " started again, its database and event broker answer");
            awaitFencesCompleted(run, back);
        });
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        // the region's loss is the fault
    }

    /** What WholeRegionOutageIT shows of the sandbox: the graceful try gave up, the promote that took was forced. */
    private static void checkForcedPath(FailoverRun run) {
        String decisionId = run.decision().id();
        try {
            run.deployment()
                    .recorder()
                    .await(
                            Alert.class,
                            a -> a.applicationId().equals(run.policy().applicationId())
                                    && "FAILOVER_FORCED".equals(a.code())
                                    && decisionId.equals(a.decisionId()),
                            run.atMost());
        } catch (ConditionTimeoutException e) {
            run.violated("forced path", "no FAILOVER_FORCED alert for " + decisionId);
        }
        boolean forcedPromote = run.events(DataPromoteCommand.class).stream()
                .anyMatch(c -> c.step().decisionId().equals(decisionId) && c.mode() == FailoverMode.FORCED);
        boolean promoted = run.events(CommandAck.class).stream()
                .anyMatch(a -> a.step().decisionId().equals(decisionId)
                        && a.action() == StepAction.DATA_PROMOTE
                        && a.outcome() == AckOutcome.SUCCEEDED);
        if (!forcedPromote || !promoted) {
            run.violated(
                    "forced path",
                    "forced promote issued: " + forcedPromote + ", a promote succeeded: " + promoted + " (" + decisionId
                            + ")");
        }
    }

    /** Once the region answers, the engine runs the fences it owes (FENCE_COMPLETED); measured from its return. */
    private static void awaitFencesCompleted(FailoverRun run, Instant back) {
        try {
            Alert done = run.deployment()
                    .recorder()
                    .await(
                            Alert.class,
                            a -> a.applicationId().equals(run.policy().applicationId())
                                    && "FENCE_COMPLETED".equals(a.code())
                                    && a.time().isAfter(back),
                            run.atMost());
            run.time("region back to its fences completed", Duration.between(back, done.time()));
        } catch (ConditionTimeoutException e) {
            run.fault("no FENCE_COMPLETED within " + run.atMost() + " of the region's return");
        }
    }
}
