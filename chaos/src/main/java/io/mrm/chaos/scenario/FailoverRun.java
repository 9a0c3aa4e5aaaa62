package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ChaosDeployment;
import io.mrm.chaos.adapter.CommittedCommands;
import io.mrm.chaos.adapter.ComposePolicy;
import io.mrm.chaos.adapter.EngineGroup;
import io.mrm.chaos.adapter.HistoryReader;
import io.mrm.chaos.adapter.MrmctlReader;
import io.mrm.chaos.adapter.RowWriter;
import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.AuditAndReplayAgree;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.chaos.domain.GracefulPlanLosesNoRow;
import io.mrm.chaos.domain.History;
import io.mrm.chaos.domain.Invariants;
import io.mrm.chaos.domain.MrmctlAccount;
import io.mrm.chaos.domain.RowLedger;
import io.mrm.chaos.domain.Violation;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One failover on a fresh deployment, broken by a {@link Scenario}: once every vantage point sees both regions up
 * and the standby is ready, the primary's database is cut from the monitors' view (the application's health in the
 * local stack is its database); the engine decides, the scenario strikes, and the run waits for the plan to finish,
 * repairs what the scenario asked to, lets the deployment settle and checks every invariant.
 */
public final class FailoverRun {

    /** The application writes a row this often while the run lasts (20 a second). */
    private static final long WRITE_PERIOD_MS = 50;

    private static final int ROWS_BEFORE_OUTAGE = 40;

    private final ChaosDeployment deployment;
    private final ComposePolicy policy;
    private final Duration atMost;
    private final List<String> faults = new ArrayList<>();
    private final Map<String, Duration> timings = new LinkedHashMap<>();
    private final List<Runnable> repairs = new ArrayList<>();
    private final Map<String, Integer> checked = new LinkedHashMap<>();
    private final List<Violation> seen = new ArrayList<>();
    private Instant outageAt;
    private FailoverDecision decision;
    private boolean failoverExpected;

    public FailoverRun(ChaosDeployment deployment, ComposePolicy policy, Duration atMost) {
        this.deployment = deployment;
        this.policy = policy;
        this.atMost = atMost;
    }

    public ScenarioResult run(Scenario scenario, ChaosSchedule schedule) {
        awaitSteadyAndReady();
        RowLedger rows;
        try (RowWriter writer = new RowWriter(deployment.backends(), policy.primaryRegion(), WRITE_PERIOD_MS)) {
            // rows in the database and on their way to the standby before anything breaks
            Awaitility.await("the application's first rows committed")
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> writer.confirmed().size() >= ROWS_BEFORE_OUTAGE);
            scenario.outage(this, schedule);
            failoverExpected = scenario.failoverExpected();
            decision = failoverExpected ? awaitFailover() : lastSwitch();
            if (decision != null) {
                scenario.strike(this, schedule);
                awaitSwitched();
            }
            repairs.forEach(Runnable::run);
            settle(decision == null ? policy.primaryRegion() : policy.standbyRegion());
            writer.close();
            rows = new RowLedger(
                    writer.confirmed(),
                    Map.of(
                            policy.primaryRegion(), deployment.backends().orderIds(policy.primaryRegion()),
                            policy.standbyRegion(), deployment.backends().orderIds(policy.standbyRegion())));
        }
        Set<String> committed = committedCommands();
        History history = HistoryReader.read(
                deployment.recorder(),
                policy.applicationId(),
                deployment.backends().state(),
                committed,
                rows);
        List<Violation> violations = new ArrayList<>(seen);
        violations.addAll(
                new Invariants(policy.primaryRegion(), policy.quorum(), policy.staleAfter(), policy.holdDown())
                        .check(history));
        violations.addAll(operatorsAccount(history));
        checked.put("switches", history.switches().size());
        checked.put("commands", history.realCommands().size());
        checked.put("acknowledgements", history.acks().size());
        checked.put("commands committed", committed.size());
        checked.put("rows confirmed", rows.confirmed().size());
        checked.put("graceful promotes judged for rows", GracefulPlanLosesNoRow.judges(history) ? 1 : 0);
        checked.put("topology updates", history.topology().size());
        checked.put("observations", history.observations().size());
        return new ScenarioResult(scenario.name(), schedule.seed(), faults, timings, checked, violations);
    }

    /** What mrmctl replay and audit say happened, against what the topics hold. */
    private List<Violation> operatorsAccount(History history) {
        try {
            MrmctlAccount account = MrmctlReader.read(
                    deployment.repository(),
                    deployment.runDir(),
                    deployment.brokers().bootstrapServers(),
                    deployment
                            .brokers()
                            .users()
                            .writeClientConfig(
                                    deployment.runDir().resolve("mrmctl-viewer.properties"),
                                    io.mrm.kafka.acl.KafkaRole.VIEWER.defaultUser()),
                    policy.applicationId());
            checked.put("decisions replayed", account.replayDecisions());
            checked.put("runs audited", account.auditRuns().size());
            return new AuditAndReplayAgree().check(history, account);
        } catch (IOException e) {
            return List.of(new Violation(AuditAndReplayAgree.NAME, "could not run mrmctl: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running mrmctl", e);
        }
    }

    /**
     * The commands the actuators committed; waits (bounded) until the reader has read their acknowledgements, so
     * that an acknowledgement on its way to the reader is not taken for a lost one.
     */
    private Set<String> committedCommands() {
        Set<String> committed;
        try (Admin admin = deployment.brokers().admin()) {
            committed = CommittedCommands.of(admin, deployment.recorder(), policy.applicationId());
        }
        try {
            Awaitility.await("the committed commands' acknowledgements read")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Set<String> acked = new HashSet<>();
                        events(CommandAck.class).forEach(a -> acked.add(a.commandId()));
                        return acked.containsAll(committed);
                    });
        } catch (ConditionTimeoutException e) {
            // the invariant names what is missing
        }
        return committed;
    }

    /** The outage of the default scenarios: the primary's database cut from the monitors' view. */
    public void cutPrimaryFromMonitors() {
        markOutage();
        deployment.backends().monitorLink(policy.primaryRegion()).cut();
        note("OUTAGE: " + policy.primaryRegion() + "'s database cut from the monitors' view");
    }

    /** The moment the primary was taken away: timings and faults count from here. */
    public void markOutage() {
        if (outageAt == null) {
            outageAt = Instant.now();
        }
    }

    private FailoverDecision awaitFailover() {
        FailoverDecision found = await(
                FailoverDecision.class,
                d -> d.kind() == DecisionKind.AUTOMATIC_FAILOVER && d.toRegion().equals(policy.standbyRegion()));
        timings.put("outage to decision", Duration.between(outageAt, found.time()));
        note("decision " + found.id() + " (epoch " + found.epoch() + "): "
                + found.plan().size() + " steps, " + found.mode());
        return found;
    }

    /** The last switch decision read so far, if any (a scenario that may or may not cause one). */
    private FailoverDecision lastSwitch() {
        List<FailoverDecision> switches = events(FailoverDecision.class).stream()
                .filter(d ->
                        d.status() == io.mrm.events.decision.DecisionStatus.EXECUTING && d.kind() != DecisionKind.DRILL)
                .toList();
        if (switches.isEmpty()) {
            note("no failover was decided");
            return null;
        }
        FailoverDecision last = switches.get(switches.size() - 1);
        note("decision " + last.id() + " (epoch " + last.epoch() + "), " + switches.size() + " switch(es) in all");
        return last;
    }

    private void awaitSwitched() {
        try {
            TopologyState switched = await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY
                            && t.activeRegion().equals(decision.toRegion())
                            && t.epoch() >= decision.epoch());
            if (outageAt != null) {
                // a scenario that may or may not fail over (flapping) counts from its first fault
                timings.put(
                        failoverExpected ? "outage to switched" : "first fault to switched",
                        Duration.between(outageAt, switched.time()));
            }
            note("switched: " + decision.toRegion() + " active (epoch " + switched.epoch() + ")");
        } catch (ConditionTimeoutException e) {
            faults.add("the plan did not complete within " + atMost);
        }
    }

    /** Every vantage point has reported both regions UP, and the actuators call the standby READY. */
    private void awaitSteadyAndReady() {
        Instant since = Instant.now();
        await(
                TopologyState.class,
                t -> t.phase() == Phase.STEADY && t.activeRegion().equals(policy.primaryRegion()));
        await(
                ReadinessState.class,
                r -> r.missing().isEmpty()
                        && r.region(policy.standbyRegion()) != null
                        && r.region(policy.standbyRegion()).status() == ReadinessStatus.READY);
        Awaitility.await("every vantage point sees both regions up")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Set<String> up = new HashSet<>();
                    for (HealthObservation o : events(HealthObservation.class)) {
                        if (o.status() == HealthStatus.UP && o.time().isAfter(since.minusSeconds(5))) {
                            up.add(o.vantage() + "/" + o.region());
                        }
                    }
                    return up.size() >= 6;
                });
        note("steady: " + policy.primaryRegion() + " active, " + policy.standbyRegion()
                + " ready, all vantages see both up");
    }

    /** Whether the switch had completed (the topology STEADY in the chosen region) when {@code at} came. */
    public boolean switchedBy(Instant at) {
        return deployment.recorder().records().stream()
                .anyMatch(r -> !r.readAt().isAfter(at)
                        && r.event() instanceof TopologyState t
                        && t.applicationId().equals(policy.applicationId())
                        && t.phase() == Phase.STEADY
                        && t.activeRegion().equals(decision.toRegion())
                        && t.epoch() >= decision.epoch());
    }

    /**
     * Times a fault that struck the engine, from {@code faultAt} to the engine's next output for the application, if
     * the plan was still running then; a plan that had already finished has nothing to resume, and is noted as such
     * (waiting for an output then would only wait for the next change of health).
     */
    public void timePlanResumed(Instant faultAt, String label, String fault) {
        if (switchedBy(faultAt)) {
            note("the plan had finished before " + fault + ": nothing to resume");
            return;
        }
        try {
            Instant next = awaitRecordAfter(faultAt, engineOutputAfter(faultAt));
            time(label, Duration.between(faultAt, next));
        } catch (ConditionTimeoutException e) {
            fault("no engine output for the application after " + fault + " within " + atMost);
        }
    }

    /** A record the engine wrote for the application after {@code after} (by its timestamp, the writer's clock). */
    public Predicate<TopicRecorder.Recorded> engineOutputAfter(Instant after) {
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
                && r.event().applicationId().equals(policy.applicationId());
    }

    /** The engine instance that owns the application's partition now (its consumers' instance ids start with its name). */
    public ServiceProcesses.Service engineOwner() {
        String application = policy.applicationId();
        return Awaitility.await("the engine instance that owns " + application)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                // the group's coordinator may be moving (a broker lost, a zombie back): ask again
                .ignoreExceptions()
                .until(
                        () -> {
                            try (Admin admin = deployment.brokers().admin()) {
                                String member = EngineGroup.ownerOf(admin, application);
                                return member == null
                                        ? null
                                        : deployment.services().services().stream()
                                                .filter(s -> s.module().equals("decision-engine")
                                                        && (member.equals(s.name())
                                                                || member.startsWith(s.name() + "-")))
                                                .findFirst()
                                                .orElse(null);
                            }
                        },
                        found -> found != null);
    }

    /** The actuator that carries out {@code step} (docker-compose.yml runs one of each, serving both regions). */
    public ServiceProcesses.Service actuatorOf(PlanStep step) {
        return deployment
                .services()
                .service(
                        switch (step.actuator()) {
                            case DNS -> "dns-actuator";
                            case HANA -> "hana-sync";
                            case AEM -> "aem-sync";
                            case HOOK -> "hook-actuator";
                        });
    }

    /**
     * Times the fault's start to the step's first acknowledgement on the topic, by when the harness read it (its
     * reader talks to the brokers directly): an acknowledgement made during the fault but written only after it
     * counts when it was written. Notes it instead when the step was acknowledged before the fault.
     */
    public void timeStepAcknowledged(int stepIndex, Instant faultAt, String label, String fault) {
        String decisionId = decision.id();
        try {
            TopicRecorder.Recorded first = Awaitility.await("step " + stepIndex + " acknowledged")
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            () -> deployment.recorder().records().stream()
                                    .filter(r -> r.event() instanceof CommandAck a
                                            && a.applicationId().equals(policy.applicationId())
                                            && a.step().decisionId().equals(decisionId)
                                            && a.step().stepIndex() == stepIndex)
                                    .findFirst()
                                    .orElse(null),
                            found -> found != null);
            if (first.readAt().isBefore(faultAt)) {
                note("step " + stepIndex + " was acknowledged before " + fault);
            } else {
                time(label, Duration.between(faultAt, first.readAt()));
            }
        } catch (ConditionTimeoutException e) {
            fault("no acknowledgement of step " + stepIndex + " after " + fault + " within " + atMost);
        }
    }

    /** Waits until the plan reaches {@code point}; returns when the record that marks it was read. */
    public Instant awaitPlanPoint(ChaosSchedule.PlanPoint point) {
        String id = decision.id();
        if (point.afterCommand()) {
            await(
                    StepCommand.class,
                    c -> c.step().decisionId().equals(id) && c.step().stepIndex() == point.step());
        } else {
            await(
                    CommandAck.class,
                    a -> a.step().decisionId().equals(id) && a.step().stepIndex() == point.step());
        }
        return Instant.now();
    }

    /** The first record of {@code type} for the application matching {@code condition}, waited for (bounded). */
    public <E extends MrmEvent> E await(Class<E> type, Predicate<? super E> condition) {
        return deployment
                .recorder()
                .await(type, e -> e.applicationId().equals(policy.applicationId()) && condition.test(e), atMost);
    }

    /** When the first record matching {@code which} and read after {@code after} was read, waited for (bounded). */
    public Instant awaitRecordAfter(Instant after, Predicate<TopicRecorder.Recorded> which) {
        return Awaitility.await("a record after " + after)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> deployment.recorder().records().stream()
                                .filter(r -> r.readAt().isAfter(after) && which.test(r))
                                .map(TopicRecorder.Recorded::readAt)
                                .findFirst()
                                .orElse(null),
                        found -> found != null);
    }

    /**
     * Waits (bounded) until the deployment is at rest: every command acknowledged and the backends where the last
     * decision put them. A deployment that never gets there is left as it is: the invariants then say what is wrong.
     */
    private void settle(String activeRegion) {
        try {
            Awaitility.await("the deployment at rest")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Set<String> acked = new HashSet<>();
                        events(CommandAck.class).forEach(a -> acked.add(a.commandId()));
                        boolean allAcked = events(StepCommand.class).stream()
                                .filter(c -> !c.step().rehearsing())
                                .allMatch(c -> acked.contains(c.id()));
                        var state = deployment.backends().state();
                        return allAcked
                                && activeRegion.equals(state.dnsRegion())
                                && state.writableDatabases().equals(Set.of(activeRegion))
                                && state.activeEventVpns().equals(Set.of(activeRegion));
                    });
        } catch (ConditionTimeoutException e) {
            faults.add("the deployment did not come to rest within 2 minutes");
        }
    }

    /** The application's events of {@code type} read so far. */
    public <E extends MrmEvent> List<E> events(Class<E> type) {
        return deployment.recorder().events(type).stream()
                .filter(e -> e.applicationId().equals(policy.applicationId()))
                .toList();
    }

    /** Records a fault the scenario caused, with its time since the outage. */
    public void fault(String what) {
        String line = String.format(
                "+%.1fs %s",
                outageAt == null
                        ? 0.0
                        : Duration.between(outageAt, Instant.now()).toMillis() / 1000.0,
                what);
        faults.add(line);
        note(line);
    }

    /** An invariant broken while the scenario ran, seen by the scenario itself (e.g. a failover in a healthy window). */
    public void violated(String invariant, String detail) {
        Violation violation = new Violation(invariant, detail);
        seen.add(violation);
        note("VIOLATED " + violation);
    }

    /** Whether a switch (not a drill) has been decided for the application so far. */
    public boolean anySwitch() {
        return events(FailoverDecision.class).stream()
                .anyMatch(d -> d.status() == io.mrm.events.decision.DecisionStatus.EXECUTING
                        && d.kind() != DecisionKind.DRILL);
    }

    /** Something the scenario did that the report counts, e.g. the flapping cycles survived. */
    public void count(String what, int n) {
        checked.put(what, n);
    }

    public void time(String label, Duration duration) {
        timings.put(label, duration);
        note(label + ": " + duration.toMillis() + " ms");
    }

    /**
     * Lets a fault last {@code length} (a paused process stays paused so long: the fault's length, drawn from the
     * seed, not a wait for something to happen), then ends it with {@code end}, whatever happens meanwhile.
     *
     * @return when the fault was ended
     */
    public Instant holdThen(Duration length, Runnable end) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a fault lasted", e);
        } finally {
            end.run();
        }
        return Instant.now();
    }

    /** Something to put right once the plan has finished (or could not), before the deployment settles. */
    public void repairAfterSwitch(Runnable repair) {
        repairs.add(repair);
    }

    public ChaosDeployment deployment() {
        return deployment;
    }

    public FailoverDecision decision() {
        return decision;
    }

    public ComposePolicy policy() {
        return policy;
    }

    public Duration atMost() {
        return atMost;
    }

    public void note(String what) {
        deployment.out().println("[chaos] " + what);
    }
}
