package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.EngineGroup;
import io.mrm.chaos.adapter.KafkaBrokers;
import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * A broker is paused (SIGSTOP) at a point of the plan, for a time drawn on either side of the controllers' broker
 * session timeout. Unlike a killed broker, a paused one keeps its connections open: clients' requests to it hang
 * until their own timeouts instead of failing at once, and, beyond the session timeout, the controllers fence it and
 * move its leaderships while it still believes it leads; on SIGCONT it must find that out, truncate and catch up.
 * The victim is drawn from the seed: the leader of the engine's input partition, the engine group's coordinator, or
 * the active controller. Measures the pause to the engine's next output, and the resume to the input partition fully
 * in sync again.
 */
public final class BrokerPause implements Scenario {

    /** {@code broker.session.timeout.ms} of the harness's brokers. */
    static final Duration BROKER_SESSION_TIMEOUT = Duration.ofSeconds(6);

    /** Long enough, beyond the session timeout, for clients' requests to the paused broker to time out (30 s). */
    private static final Duration LONGEST_BEYOND = Duration.ofSeconds(35);

    private enum Role {
        INPUT_LEADER("leader of the engine's input partition"),
        ENGINE_COORDINATOR("coordinator of the engine's group"),
        ACTIVE_CONTROLLER("active controller");

        private final String described;

        Role(String described) {
            this.described = described;
        }
    }

    @Override
    public String name() {
        return "broker-pause";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint point = schedule.planPoint(run.decision().plan().size());
        Role role = schedule.pick(List.of(Role.values()));
        boolean beyond = schedule.pick(List.of(Boolean.TRUE, Boolean.FALSE));
        Duration length = beyond
                ? schedule.between(BROKER_SESSION_TIMEOUT.multipliedBy(2), LONGEST_BEYOND)
                : schedule.between(Duration.ofMillis(500), BROKER_SESSION_TIMEOUT.dividedBy(2));
        run.awaitPlanPoint(point);
        KafkaBrokers brokers = run.deployment().brokers();
        TopicPartition input = EngineGroup.inputPartition(run.policy().applicationId());
        int victim = switch (role) {
            case INPUT_LEADER -> brokers.leaderOf(input.topic(), input.partition());
            case ENGINE_COORDINATOR -> brokers.coordinatorOf(EngineGroup.GROUP);
            case ACTIVE_CONTROLLER -> brokers.activeController();
        };
        Instant pausedAt = Instant.now();
        brokers.broker(victim).process().pause();
        run.fault(String.format(
                "SIGSTOP to kafka-%d (%s) %s, for %.1f s (%s the brokers' %d s session timeout)",
                victim,
                role.described,
                point,
                length.toMillis() / 1000.0,
                beyond ? "beyond" : "within",
                BROKER_SESSION_TIMEOUT.toSeconds()));
        Instant resumedAt =
                run.holdThen(length, () -> brokers.broker(victim).process().resume());
        run.fault("SIGCONT to kafka-" + victim);
        brokers.awaitBrokers(3, run.atMost());
        brokers.awaitInSync(input.topic(), input.partition(), run.atMost());
        run.time("broker resume to the input partition in sync", Duration.between(resumedAt, Instant.now()));
        run.timePlanResumed(pausedAt, "broker pause to plan resumed", "the pause");
    }
}
