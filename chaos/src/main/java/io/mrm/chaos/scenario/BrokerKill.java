package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.EngineGroup;
import io.mrm.chaos.adapter.KafkaBrokers;
import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/**
 * (b) The broker leading the engine's input partition for the application is SIGKILLed at a random point of the
 * failover plan; the plan goes on with two brokers (replication 3, min.insync.replicas 2), and the broker is
 * restarted once it has finished.
 */
public final class BrokerKill implements Scenario {

    @Override
    public String name() {
        return "broker-kill";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint point = schedule.planPoint(run.decision().plan().size());
        run.awaitPlanPoint(point);
        KafkaBrokers brokers = run.deployment().brokers();
        TopicPartition input = EngineGroup.inputPartition(run.policy().applicationId());
        int leader = brokers.leaderOf(input.topic(), input.partition());
        Instant killedAt = brokers.broker(leader).process().kill();
        run.fault("SIGKILL to kafka-" + leader + " (leader of " + input + ") " + point);
        run.repairAfterSwitch(() -> {
            brokers.broker(leader).process().start();
            brokers.awaitBrokers(3, run.atMost());
            run.time("broker down (kill to rejoined)", java.time.Duration.between(killedAt, Instant.now()));
        });
    }
}
