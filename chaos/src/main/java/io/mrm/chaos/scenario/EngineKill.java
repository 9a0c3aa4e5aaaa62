package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.EngineGroup;
import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.testsupport.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;

/**
 * (a) The engine instance that owns the application is SIGKILLed at a random point of the failover plan; the other
 * instance takes its partitions over (after the group's session timeout: static membership) and finishes the plan.
 * Measures the time from the kill to the engine's next output.
 */
public final class EngineKill implements Scenario {

    @Override
    public String name() {
        return "engine-kill";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint point = schedule.planPoint(run.decision().plan().size());
        run.awaitPlanPoint(point);
        ServiceProcesses.Service owner = owner(run);
        Instant killedAt = owner.process().kill();
        run.fault("SIGKILL to " + owner.name() + " (it owned " + run.policy().applicationId() + ") " + point);
        try {
            // written after the kill (a record committed just before it may still be read after it)
            Instant resumed = run.awaitRecordAfter(killedAt, engineOutputAfter(run, killedAt));
            run.time("engine kill to plan resumed", Duration.between(killedAt, resumed));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            run.fault("no engine output for the application after the kill within " + run.atMost());
        }
        run.repairAfterSwitch(() -> {
            owner.process().start();
            run.deployment().services().awaitReady(owner, run.atMost());
        });
    }

    /** A record the engine wrote for the application after {@code after} (by its timestamp, the writer's clock). */
    static Predicate<TopicRecorder.Recorded> engineOutputAfter(FailoverRun run, Instant after) {
        TopicNames names = TopicNames.defaults();
        Set<String> engineOutputs = Set.of(
                names.of(Topics.TOPOLOGY),
                names.of(Topics.DECISIONS),
                names.of(Topics.DNS_COMMANDS),
                names.of(Topics.DATA_COMMANDS),
                names.of(Topics.EVENTS_COMMANDS),
                names.of(Topics.HOOK_COMMANDS));
        return r -> engineOutputs.contains(r.topic())
                && r.timestamp() > after.toEpochMilli()
                && r.event() != null
                && r.event().applicationId().equals(run.policy().applicationId());
    }

    /** The instance that owns the application's partition now (its consumers' instance ids start with its name). */
    static ServiceProcesses.Service owner(FailoverRun run) {
        String application = run.policy().applicationId();
        return Awaitility.await("the engine instance that owns " + application)
                .atMost(run.atMost())
                .pollInterval(Duration.ofMillis(200))
                // the group's coordinator may be moving (a broker lost, a zombie back): ask again
                .ignoreExceptions()
                .until(
                        () -> {
                            try (Admin admin = run.deployment().brokers().admin()) {
                                String member = EngineGroup.ownerOf(admin, application);
                                return member == null
                                        ? null
                                        : run.deployment().services().services().stream()
                                                .filter(s -> s.module().equals("decision-engine")
                                                        && (member.equals(s.name())
                                                                || member.startsWith(s.name() + "-")))
                                                .findFirst()
                                                .orElse(null);
                            }
                        },
                        found -> found != null);
    }
}
