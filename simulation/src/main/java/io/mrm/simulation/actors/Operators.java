package io.mrm.simulation.actors;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.VirtualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The people (and pipelines) who send requests: they read what the engine publishes (topology,
 * decisions, alerts) and react after a while — approve, reject or ignore a proposal, resume, skip or
 * abort a paused plan, abort a running one, get out of a split, lift a hold-down or a freeze, force a
 * switch past a safety rule — and now and then send any request at all, often with a decision id that
 * is wrong or a phase that does not allow it. Under the two-person rule the asker sometimes tries to
 * approve their own proposal.
 *
 * @see Requests for how requests are signed (or mis-signed)
 */
public final class Operators {

    /**
     * @param meanGapMs    mean time between requests sent on nobody's prompting
     * @param reactMs      reactions come 1..reactMs after what prompted them
     * @param ignore       chance a prompt is ignored
     * @param duplicate    chance a request is delivered twice (the same request: a client's retry)
     */
    public record Setup(
            boolean signed,
            double badSignature,
            long meanGapMs,
            long reactMs,
            double ignore,
            double duplicate,
            long latencyMs) {}

    private static final String[] ASKERS = {Signers.ALICE, Signers.CAROL};
    private static final String[] APPROVERS = {Signers.BOB, Signers.CAROL};

    private final Setup setup;
    private final List<String> regions;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final Requests requests;
    private final Consumer<OperatorRequest> engine;
    private final Trace trace;
    private TopologyState topology;
    private final List<String> decisionIds = new ArrayList<>();

    public Operators(
            Setup setup,
            String applicationId,
            List<String> regions,
            VirtualTime time,
            SplittableRandom rng,
            Consumer<OperatorRequest> engine,
            Trace trace) {
        this.setup = setup;
        this.regions = regions;
        this.time = time;
        this.rng = rng;
        this.engine = engine;
        this.trace = trace;
        this.requests = new Requests(applicationId, time, rng, setup.signed(), setup.badSignature());
    }

    public void start() {
        time.after(gap(), this::background);
    }

    /** Everything the engine publishes on the decisions and topology topics. */
    public void read(MrmEvent output) {
        if (output instanceof TopologyState t) {
            topology = t;
        } else if (output instanceof FailoverDecision d) {
            decisionIds.add(d.id());
            if (d.status() == DecisionStatus.PROPOSED) {
                later(() -> answerProposal(d));
            } else if (rng.nextDouble() < 0.12) {
                time.after(
                        1 + rng.nextLong(Math.max(1, d.plan().size() * 8_000L)),
                        () -> send(requests.abort(asker(), d.id())));
            }
        } else if (output instanceof Alert a) {
            onAlert(a);
        }
    }

    private void onAlert(Alert a) {
        switch (a.code()) {
            case "PLAN_PAUSED", "STALE_EPOCH" -> later(() -> unpause(a.decisionId()));
            case "DIVERGED" ->
                later(() -> {
                    if (rng.nextBoolean()) {
                        send(requests.resume(asker(), a.decisionId() == null ? current() : a.decisionId()));
                    } else {
                        send(requests.failover(asker(), pick(regions), FailoverMode.GRACEFUL, List.of()));
                    }
                });
            case "SAFETY_RULE_BLOCKED" -> {
                if (a.rule() == SafetyRule.HOLD_DOWN && rng.nextDouble() < 0.4) {
                    later(() -> send(requests.acknowledgeHoldDown(asker())));
                } else if (a.rule() == SafetyRule.NOT_FROZEN && rng.nextDouble() < 0.5) {
                    later(() -> send(requests.unfreeze(asker())));
                } else if (a.rule() == SafetyRule.STANDBY_HEALTHY && rng.nextDouble() < 0.15) {
                    later(() -> breakGlass(List.of(SafetyRule.STANDBY_HEALTHY)));
                }
            }
            case "BOTH_REGIONS_DOWN" -> {
                if (rng.nextDouble() < 0.15) {
                    later(() -> breakGlass(List.of(SafetyRule.NOT_BOTH_DOWN, SafetyRule.STANDBY_HEALTHY)));
                }
            }
            case "OUTAGE_DURING_PROPOSAL", "OUTAGE_WHILE_DIVERGED" ->
                later(() -> {
                    if (topology != null && topology.phase() == Phase.PROPOSED) {
                        send(requests.approve(approver(), current()));
                    } else {
                        send(requests.failover(asker(), pick(regions), FailoverMode.FORCED, List.of()));
                    }
                });
            default -> {}
        }
    }

    private void answerProposal(FailoverDecision proposal) {
        double r = rng.nextDouble();
        String asker = proposal.requestedBy();
        if (r < 0.55) {
            if (!asker.equals(FailoverDecision.ENGINE) && rng.nextDouble() < 0.15) {
                send(requests.approve(asker, proposal.id())); // the asker approving their own: refused
            }
            String approver = pick(APPROVERS);
            if (approver.equals(asker)) {
                approver = approver.equals(Signers.BOB) ? Signers.CAROL : Signers.BOB;
            }
            send(requests.approve(approver, proposal.id()));
        } else if (r < 0.70) {
            send(requests.reject(pick(APPROVERS), proposal.id()));
        } else if (r < 0.75) {
            send(requests.abort(asker(), proposal.id()));
        } // else nobody answers: the proposal must expire
    }

    private void unpause(String decisionId) {
        String id = rng.nextDouble() < 0.9 && decisionId != null ? decisionId : current();
        double r = rng.nextDouble();
        if (r < 0.55) {
            send(requests.resume(asker(), id));
        } else if (r < 0.75) {
            send(requests.skip(asker(), id, failedStep()));
        } else {
            send(requests.abort(asker(), id));
        }
    }

    private void breakGlass(List<SafetyRule> overrides) {
        String active = topology == null ? regions.get(0) : topology.activeRegion();
        send(requests.failover(asker(), other(active), FailoverMode.FORCED, overrides));
    }

    /** A request on nobody's prompting: any kind, valid or not. */
    private void background() {
        double r = rng.nextDouble();
        String active = topology == null ? regions.get(0) : topology.activeRegion();
        String id = rng.nextDouble() < 0.7 ? current() : randomDecision();
        if (r < 0.10) {
            send(requests.freeze(asker()));
            if (rng.nextDouble() < 0.85) {
                time.after(30_000 + rng.nextLong(240_000), () -> send(requests.unfreeze(asker())));
            }
        } else if (r < 0.14) {
            send(requests.unfreeze(asker()));
        } else if (r < 0.22) {
            send(requests.acknowledgeHoldDown(asker()));
        } else if (r < 0.38) {
            FailoverMode mode = rng.nextDouble() < 0.6 ? FailoverMode.GRACEFUL : FailoverMode.FORCED;
            List<SafetyRule> overrides = rng.nextDouble() < 0.2
                    ? List.of(pick(new SafetyRule[] {
                        SafetyRule.STANDBY_HEALTHY, SafetyRule.SOURCE_DOWN, SafetyRule.NOT_BOTH_DOWN
                    }))
                    : List.of();
            String target = rng.nextDouble() < 0.8 ? other(active) : active;
            send(requests.failover(asker(), target, mode, overrides));
        } else if (r < 0.50) {
            send(requests.failback(
                    asker(), rng.nextDouble() < 0.8 ? FailoverMode.GRACEFUL : FailoverMode.FORCED, List.of()));
        } else if (r < 0.60) {
            send(requests.approve(pick(APPROVERS), id));
        } else if (r < 0.66) {
            send(requests.reject(pick(APPROVERS), id));
        } else if (r < 0.76) {
            send(requests.resume(asker(), id));
        } else if (r < 0.84) {
            send(requests.skip(asker(), id, rng.nextDouble() < 0.5 ? failedStep() : rng.nextInt(8)));
        } else if (r < 0.92) {
            send(requests.abort(asker(), id));
        } // else a quiet spell
        time.after(gap(), this::background);
    }

    private void send(OperatorRequest request) {
        if (trace.on()) {
            trace.line(time.now(), "operator", "sends " + Describe.request(request));
        }
        time.after(1 + rng.nextLong(setup.latencyMs()), () -> engine.accept(request));
        if (rng.nextDouble() < setup.duplicate()) {
            time.after(1 + rng.nextLong(5_000), () -> engine.accept(request));
        }
    }

    private void later(Runnable reaction) {
        if (rng.nextDouble() >= setup.ignore()) {
            time.after(1 + rng.nextLong(setup.reactMs()), reaction);
        }
    }

    private int failedStep() {
        if (topology != null) {
            for (StepProgress step : topology.planSteps()) {
                if (step.status() == StepStatus.FAILED) {
                    return step.index();
                }
            }
        }
        return 0;
    }

    private String current() {
        return topology == null || topology.lastDecisionId() == null ? randomDecision() : topology.lastDecisionId();
    }

    private String randomDecision() {
        return decisionIds.isEmpty() || rng.nextDouble() < 0.3
                ? "no-such-decision-" + rng.nextInt(1000)
                : decisionIds.get(rng.nextInt(decisionIds.size()));
    }

    private String other(String region) {
        return regions.get(0).equals(region) ? regions.get(1) : regions.get(0);
    }

    private String asker() {
        return pick(ASKERS);
    }

    private String approver() {
        return pick(APPROVERS);
    }

    private <T> T pick(T[] values) {
        return values[rng.nextInt(values.length)];
    }

    private String pick(List<String> values) {
        return values.get(rng.nextInt(values.size()));
    }

    private long gap() {
        return 1 + (long) (setup.meanGapMs() * (0.3 + 1.4 * rng.nextDouble()));
    }
}
