package io.mrm.decision.adapter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mrm.decision.domain.AlertCode;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The engine's counters and histograms, fed from what the hosted core published (and the input records'
 * timestamps): decisions, alerts, request outcomes, plan and step durations, detection time and RTO, processing
 * lag, and the dead letters the engine writes itself. Only the hosting adapter counts: replay and backtest run
 * the core without it. Tags are bounded: an application not in the configuration is {@code other}, an alert
 * code the core does not define is {@code OTHER}, and no id is ever a tag.
 *
 * <p>Plans are timed by the instance that published their decision (its memory of open plans is not
 * persisted): a plan taken over by another instance mid-way has its steps timed, not its whole duration.
 */
public final class EngineMetrics {

    static final String OTHER_APPLICATION = "other";
    private static final Set<String> ALERT_CODES = java.util.Arrays.stream(AlertCode.values())
            .map(Enum::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Duration[] STEP_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600);
    private static final Duration[] PLAN_BUCKETS = seconds(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600);
    private static final Duration[] DETECTION_BUCKETS = seconds(1, 2, 5, 10, 15, 30, 60, 120, 300);
    private static final Duration[] LAG_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);

    private final MeterRegistry registry;
    private final Set<String> applications;
    private final Timer processingLag;
    /** Per application, the plan this instance decided and has not seen end. */
    private final Map<String, OpenPlan> open = new ConcurrentHashMap<>();

    private volatile Consumer<TopologyState> topologyListener = t -> {};

    /** How many output ids are remembered to count each output once (a transaction's worth, and plenty more). */
    static final int REMEMBERED_OUTPUTS = 10_000;

    /**
     * The latest output ids counted. Outputs are forwarded (and counted) before their transaction commits; when
     * it aborts, Kafka Streams rolls the state back and this instance processes the same inputs again, and the
     * deterministic core gives the same outputs with the same ids: counted once.
     */
    private final Map<String, Boolean> counted = new java.util.LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_OUTPUTS;
        }
    };

    /** A plan being timed: its decision, and how it ended if an alert said so before the topology did. */
    private static final class OpenPlan {
        final String decisionId;
        final DecisionKind kind;
        final String trigger;
        final Instant decidedAt;
        volatile String endedAs;

        OpenPlan(FailoverDecision d, String trigger) {
            this.decisionId = d.id();
            this.kind = d.kind();
            this.trigger = trigger;
            this.decidedAt = d.time();
        }
    }

    public EngineMetrics(MeterRegistry registry, Set<String> applications) {
        this.registry = registry;
        this.applications = Set.copyOf(applications);
        this.processingLag = Timer.builder("mrm.processing.lag")
                .description("engine clock minus the input record's timestamp, when the core took the input")
                .serviceLevelObjectives(LAG_BUCKETS)
                .register(registry);
        // Every alert and decision series starts at 0: Prometheus' increase() cannot see a series' first
        // increment, so an alert rule would miss the first BLIND (or failover) of a process's life.
        for (String app : this.applications) {
            for (AlertCode code : AlertCode.values()) {
                alerts(app, code.name(), code.severity().name());
            }
            for (DecisionKind kind : DecisionKind.values()) {
                for (FailoverMode mode : FailoverMode.values()) {
                    for (String trigger : triggers(kind)) {
                        decisions(app, kind, mode, trigger);
                    }
                }
            }
        }
    }

    /** The triggers a decision of this kind can have (see {@link #trigger}). */
    private static List<String> triggers(DecisionKind kind) {
        switch (kind) {
            case AUTOMATIC_FAILOVER:
                return List.of("automatic", "proposal", "approved");
            case DRILL:
                return List.of("drill", "proposal");
            default:
                return List.of("manual", "proposal");
        }
    }

    private Counter decisions(String app, DecisionKind kind, FailoverMode mode, String trigger) {
        return registry.counter(
                "mrm.decisions", "application", app, "kind", kind.name(), "mode", mode.name(), "trigger", trigger);
    }

    private Counter alerts(String app, String code, String severity) {
        return registry.counter("mrm.alerts", "application", app, "code", code, "severity", severity);
    }

    /** Also tell {@code listener} of every topology published (the gauges learn new rows from it). */
    public void onTopology(Consumer<TopologyState> listener) {
        this.topologyListener = listener;
    }

    /** An input record the core is about to take, stamped {@code recordTimestampMs}, at engine time {@code now}. */
    void received(long recordTimestampMs, Instant now) {
        processingLag.record(Duration.ofMillis(Math.max(0, now.toEpochMilli() - recordTimestampMs)));
    }

    /** Something the engine publishes (called once per output record). */
    void published(MrmEvent event) {
        // the journal record of every step, commands and readiness views count nothing: no bookkeeping for them
        boolean counts = event instanceof FailoverDecision
                || event instanceof Alert
                || event instanceof RequestOutcome
                || event instanceof TopologyState
                || event instanceof DeadLetter;
        if (!counts) {
            return;
        }
        synchronized (counted) {
            if (counted.put(event.id(), Boolean.TRUE) != null) {
                return;
            }
        }
        if (event instanceof FailoverDecision d) {
            decision(d);
        } else if (event instanceof Alert a) {
            alert(a);
        } else if (event instanceof RequestOutcome o) {
            registry.counter(
                            "mrm.requests",
                            "application",
                            application(o.applicationId()),
                            "type",
                            requestType(o.requestType()),
                            "outcome",
                            o.accepted() ? "accepted" : "refused")
                    .increment();
        } else if (event instanceof TopologyState t) {
            topology(t);
            topologyListener.accept(t);
        } else if (event instanceof DeadLetter d) {
            // the same counter kafka-support's listeners keep, for what the engine refuses itself
            registry.counter(
                            "mrm.dead.letters",
                            "topic",
                            d.sourceTopic(),
                            "category",
                            d.category().name())
                    .increment();
        }
    }

    /**
     * What set a decision off: {@code proposal} (published for approval: counted again when it executes),
     * {@code drill}, {@code automatic} (the engine decided and executes), {@code approved} (an operator approved
     * the engine's proposal in mode MANUAL), {@code manual} (an operator asked: failover, failback, re-protect).
     */
    static String trigger(FailoverDecision d) {
        if (d.status() == DecisionStatus.PROPOSED) {
            return "proposal";
        }
        if (d.kind() == DecisionKind.DRILL) {
            return "drill";
        }
        if (FailoverDecision.ENGINE.equals(d.requestedBy())) {
            return "automatic";
        }
        return d.kind() == DecisionKind.AUTOMATIC_FAILOVER ? "approved" : "manual";
    }

    private void decision(FailoverDecision d) {
        String app = application(d.applicationId());
        String trigger = trigger(d);
        decisions(app, d.kind(), d.mode(), trigger).increment();
        if (d.kind() == DecisionKind.AUTOMATIC_FAILOVER && FailoverDecision.ENGINE.equals(d.requestedBy())) {
            // from the earliest DOWN evidence to the decision (a proposal included: detection is the engine's part)
            d.evidence().stream()
                    .filter(e -> e.status() == HealthStatus.DOWN)
                    .map(Evidence::observedAt)
                    .min(Instant::compareTo)
                    .ifPresent(first -> timer("mrm.detection", DETECTION_BUCKETS, "application", app)
                            .record(nonNegative(first, d.time())));
        }
        if (d.status() == DecisionStatus.EXECUTING) {
            open.put(d.applicationId(), new OpenPlan(d, trigger));
        }
    }

    private void alert(Alert a) {
        String code = ALERT_CODES.contains(a.code()) ? a.code() : "OTHER";
        alerts(application(a.applicationId()), code, a.severity().name()).increment();
        OpenPlan plan = open.get(a.applicationId());
        if (plan == null || a.decisionId() == null || !plan.decisionId.equals(a.decisionId())) {
            return;
        }
        if (plan.kind == DecisionKind.DRILL) {
            // a drill never moves the topology: its end is its alert
            String outcome = switch (code) {
                case "DRILL_COMPLETED" -> "completed";
                case "DRILL_FAILED" -> "failed";
                case "DRILL_CANCELLED" -> "cancelled";
                default -> null;
            };
            if (outcome != null) {
                planEnded(a.applicationId(), plan, outcome, a.time());
            }
        } else if (code.equals(AlertCode.PLAN_ABORTED.name())) {
            plan.endedAs = "aborted";
        } else if (code.equals(AlertCode.PREFLIGHT_VETOED.name())) {
            plan.endedAs = "vetoed";
        }
    }

    /** Steps finished in this core step (their finishedAt is its time), and the plan's end. */
    private void topology(TopologyState t) {
        String app = application(t.applicationId());
        for (StepProgress s : t.planSteps()) {
            if (s.startedAt() != null && t.time().equals(s.finishedAt()) && s.status() != StepStatus.PENDING) {
                timer(
                                "mrm.step.duration",
                                STEP_BUCKETS,
                                "application",
                                app,
                                "action",
                                s.action().name(),
                                "outcome",
                                s.status().name().toLowerCase(Locale.ROOT))
                        .record(nonNegative(s.startedAt(), s.finishedAt()));
            }
        }
        OpenPlan plan = open.get(t.applicationId());
        if (plan == null || plan.kind == DecisionKind.DRILL) {
            return;
        }
        if (!plan.decisionId.equals(t.lastDecisionId())) {
            // superseded by a decision this instance did not publish (it would have replaced the open plan)
            open.remove(t.applicationId(), plan);
        } else if (t.phase() == Phase.DIVERGED) {
            planEnded(t.applicationId(), plan, "diverged", t.time());
        } else if (t.phase() == Phase.STEADY) {
            planEnded(t.applicationId(), plan, plan.endedAs == null ? "completed" : plan.endedAs, t.time());
        }
    }

    private void planEnded(String applicationId, OpenPlan plan, String outcome, Instant at) {
        if (!open.remove(applicationId, plan)) {
            return;
        }
        String app = application(applicationId);
        Duration took = nonNegative(plan.decidedAt, at);
        timer("mrm.plan.duration", PLAN_BUCKETS, "application", app, "kind", plan.kind.name(), "outcome", outcome)
                .record(took);
        if (plan.trigger.equals("automatic") && outcome.equals("completed")) {
            timer("mrm.rto", PLAN_BUCKETS, "application", app).record(took);
        }
    }

    private Timer timer(String name, Duration[] buckets, String... tags) {
        return Timer.builder(name).serviceLevelObjectives(buckets).tags(tags).register(registry);
    }

    String application(String applicationId) {
        return applications.contains(applicationId) ? applicationId : OTHER_APPLICATION;
    }

    /** {@code io.mrm.operator.manual-failover.v1} → {@code manual-failover}; anything else → {@code other}. */
    static String requestType(String ceType) {
        String prefix = "io.mrm.operator.";
        if (EventTypes.forCeType(ceType) == null || !ceType.startsWith(prefix)) {
            return "other";
        }
        String name = ceType.substring(prefix.length());
        int version = name.lastIndexOf(".v");
        return version > 0 ? name.substring(0, version) : name;
    }

    private static Duration nonNegative(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
