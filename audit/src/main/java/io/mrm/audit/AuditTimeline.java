package io.mrm.audit;

import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.StepCommand;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.journal.JournalEvent;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the audit from the records read: per application its failover runs (decision, trigger,
 * steps with every attempt, interventions, outcome, figures) and the requests and alerts between
 * them. Records are taken one at a time ({@link #add}); everything is kept and ordered by time, then
 * topic, partition and offset, so the same records always give the same report. Never throws on
 * incomplete input: a run shows what is known.
 *
 * <p>Acknowledgements and observations count only if the engine took them: its journal, read first,
 * names the topic, partition and offset of every input it stepped, and one it refused (unauthenticated,
 * invalid, from an undeclared source) is not there. The audit holds no keys to check signatures
 * itself; the journal is written by the engine alone. Without the journal
 * ({@link #checkInputsAgainstJournal} not called) they are shown as read, and the report says so.
 */
public final class AuditTimeline {

    static final String SKIP_TYPE = "skip-step";
    private static final Pattern APPROVED = Pattern.compile("^approved proposal (\\S+): ");
    private static final Pattern CE_TYPE = Pattern.compile("^io\\.mrm\\.operator\\.(.+)\\.v\\d+$");

    private final AuditQuery query;
    private final ObservationStreaks streaks = new ObservationStreaks();
    private final List<AuditRecord> records = new ArrayList<>();
    private final List<Undecodable> undecodable = new ArrayList<>();
    private final Map<String, Long> deadLetters = new TreeMap<>();
    private final Map<String, Long> deadLettersByApplication = new HashMap<>();
    private final Set<String> applications = new TreeSet<>();
    private final List<String> notes = new ArrayList<>();
    private long read;
    private final TakenInputs taken = new TakenInputs();
    /** Whether acks and observations are checked against the journal (read before them). */
    private boolean checkingInputs;

    private long acksLeftOut;
    private long observationsLeftOut;

    public AuditTimeline(AuditQuery query) {
        this.query = query == null ? AuditQuery.ALL : query;
    }

    /** Takes one decoded record; those outside the query are counted as read and dropped. */
    public AuditTimeline add(AuditRecord record) {
        read++;
        MrmEvent event = record.event();
        if (event instanceof DeadLetter letter) {
            boolean anyApplication = query.application() == null;
            if ((anyApplication || query.application().equals(letter.applicationId()))
                    && query.includes(query.application() == null ? null : letter.applicationId(), letter.time())) {
                deadLetters.merge(letter.category().name(), 1L, Long::sum);
                deadLettersByApplication.merge(letter.applicationId(), 1L, Long::sum);
            }
            return this;
        }
        if (event instanceof JournalEvent) {
            if (event instanceof io.mrm.events.journal.EngineStep step && step.input() != null) {
                taken.add(
                        step.input().topic(),
                        step.input().partition(),
                        step.input().offset());
            }
            return this;
        }
        if (!query.includes(event.applicationId(), event.time())) {
            return this;
        }
        boolean input = event instanceof HealthObservation || event instanceof CommandAck;
        if (input && checkingInputs && !taken.contains(record.topic(), record.partition(), record.offset())) {
            if (event instanceof CommandAck) {
                acksLeftOut++;
            } else {
                observationsLeftOut++;
            }
            return this;
        }
        applications.add(event.applicationId());
        if (event instanceof HealthObservation observation) {
            streaks.add(observation);
        } else {
            records.add(record);
        }
        return this;
    }

    public AuditTimeline addAll(List<AuditRecord> all) {
        all.forEach(this::add);
        return this;
    }

    /** Counts a record that could not be decoded. */
    public AuditTimeline undecodable(Undecodable record) {
        undecodable.add(record);
        return this;
    }

    /** Something the report should say about how it was made (e.g. a missing topic). */
    public AuditTimeline note(String note) {
        notes.add(note);
        return this;
    }

    /**
     * From now on an acknowledgement or observation counts only if the engine's journal, read before
     * them, says it took it. Without this call they count as read, and the report says so.
     */
    public AuditTimeline checkInputsAgainstJournal() {
        checkingInputs = true;
        return this;
    }

    public AuditReport report(Instant generatedAt) {
        List<String> notes = new ArrayList<>(this.notes);
        if (!checkingInputs) {
            notes.add("the engine's journal was not read: acknowledgements and observations are shown as read, "
                    + "not checked against what the engine took");
        } else if (acksLeftOut + observationsLeftOut > 0) {
            notes.add("left out: " + acksLeftOut + " acknowledgement(s) and " + observationsLeftOut + " observation(s) "
                    + "the engine did not take (refused, see the dead letters, or not yet processed when read)");
        }
        List<AuditRecord> ordered = new ArrayList<>(records);
        ordered.sort(AuditRecord.ORDER);
        Map<String, List<MrmEvent>> byApplication = new TreeMap<>();
        applications.forEach(a -> byApplication.put(a, new ArrayList<>()));
        for (AuditRecord r : ordered) {
            byApplication.get(r.event().applicationId()).add(r.event());
        }
        List<ApplicationAudit> audits = new ArrayList<>();
        byApplication.forEach((application, events) -> audits.add(
                new Application(application, events).audit(deadLettersByApplication.getOrDefault(application, 0L))));
        return new AuditReport(query, generatedAt, read, audits, undecodable, deadLetters, notes);
    }

    /** "manual-failover" for io.mrm.operator.manual-failover.v1. */
    static String shortType(String ceType) {
        Matcher m = CE_TYPE.matcher(ceType == null ? "" : ceType);
        return m.matches() ? m.group(1) : ceType;
    }

    static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    // ---------------------------------------------------------------------------------------

    /** One application's events, in the audit's order, and the runs built from them. */
    private final class Application {
        final String id;
        final Map<String, OperatorRequest> requests = new HashMap<>();
        final Map<String, RequestOutcome> outcomes = new HashMap<>();
        final List<String> requestOrder = new ArrayList<>();
        final List<FailoverDecision> decisions = new ArrayList<>();
        final Map<String, List<StepCommand>> commands = new LinkedHashMap<>();
        final Map<String, List<CommandAck>> acks = new LinkedHashMap<>();
        final List<Alert> alerts = new ArrayList<>();
        final Map<String, TopologyState> topology = new HashMap<>();
        final Map<String, RequestTrace> traces = new LinkedHashMap<>();
        final Set<String> usedTraces = new HashSet<>();
        final Set<String> usedAlerts = new HashSet<>();

        Application(String id, List<MrmEvent> events) {
            this.id = id;
            Set<String> ackIds = new HashSet<>();
            for (MrmEvent e : events) {
                if (e instanceof OperatorRequest r) {
                    if (requests.putIfAbsent(r.id(), r) == null && !requestOrder.contains(r.id())) {
                        requestOrder.add(r.id());
                    }
                } else if (e instanceof RequestOutcome o) {
                    if (outcomes.putIfAbsent(o.requestId(), o) == null && !requestOrder.contains(o.requestId())) {
                        requestOrder.add(o.requestId());
                    }
                } else if (e instanceof FailoverDecision d) {
                    if (decisions.stream().noneMatch(x -> x.id().equals(d.id()))) {
                        decisions.add(d);
                    }
                } else if (e instanceof StepCommand c) {
                    List<StepCommand> list = commands.computeIfAbsent(c.step().decisionId(), k -> new ArrayList<>());
                    if (list.stream().noneMatch(x -> x.id().equals(c.id()))) {
                        list.add(c);
                    }
                } else if (e instanceof CommandAck a) {
                    // a re-delivered command is answered again with the same ack id
                    if (ackIds.add(a.id())) {
                        acks.computeIfAbsent(a.step().decisionId(), k -> new ArrayList<>())
                                .add(a);
                    }
                } else if (e instanceof Alert a) {
                    alerts.add(a);
                } else if (e instanceof TopologyState t && t.lastDecisionId() != null) {
                    topology.put(t.lastDecisionId(), t);
                }
            }
            for (String requestId : requestOrder) {
                traces.put(requestId, trace(requests.get(requestId), outcomes.get(requestId), requestId));
            }
        }

        ApplicationAudit audit(long deadLetterCount) {
            Map<String, FailoverDecision> proposals = new LinkedHashMap<>();
            List<FailoverDecision> executing = new ArrayList<>();
            for (FailoverDecision d : decisions) {
                if (d.status() == DecisionStatus.PROPOSED) {
                    proposals.put(d.id(), d);
                } else {
                    executing.add(d);
                }
            }
            List<FailoverRun> runs = new ArrayList<>();
            Set<String> covered = new HashSet<>();
            for (FailoverDecision d : executing) {
                FailoverDecision proposal = proposals.remove(proposalOf(d));
                runs.add(run(d.id(), proposal, d));
                covered.add(d.id());
                if (proposal != null) {
                    covered.add(proposal.id());
                }
            }
            for (FailoverDecision p : proposals.values()) {
                runs.add(run(p.id(), p, null));
                covered.add(p.id());
            }
            Set<String> orphans = new java.util.LinkedHashSet<>(commands.keySet());
            orphans.addAll(acks.keySet());
            orphans.removeAll(covered);
            for (String decisionId : orphans) {
                runs.add(run(decisionId, null, null));
            }
            runs.sort(Comparator.comparing(FailoverRun::start, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(FailoverRun::decisionId));
            predictDrills(runs);

            List<TimelineNote> between = new ArrayList<>();
            traces.forEach((requestId, trace) -> {
                if (!usedTraces.contains(requestId)) {
                    between.add(trace);
                }
            });
            for (Alert a : alerts) {
                if (!usedAlerts.contains(a.id())) {
                    between.add(alert(a));
                }
            }
            between.sort(Comparator.comparing(TimelineNote::time));
            return new ApplicationAudit(id, runs, between, deadLetterCount);
        }

        /**
         * Each drill's predicted RTO beside the last real run before it: the last real automatic failover's
         * detection plus the drill's steps, and the measured RTO of the last real run that finished.
         */
        private static void predictDrills(List<FailoverRun> runs) {
            Long detection = null;
            Long lastRto = null;
            for (int i = 0; i < runs.size(); i++) {
                FailoverRun run = runs.get(i);
                Figures f = run.figures();
                if (!run.drill()) {
                    if (run.outcome() == RunOutcome.FINISHED) {
                        detection = f.detectionMs() != null ? f.detectionMs() : detection;
                        lastRto = f.rtoMs() != null ? f.rtoMs() : f.switchMs();
                    }
                    continue;
                }
                if (f.drillStepsMs() == null) {
                    continue;
                }
                long predicted = f.drillStepsMs() + (detection == null ? 0 : detection);
                runs.set(
                        i,
                        run.withFigures(new Figures(
                                detection, f.approvalWaitMs(), null, null, f.drillStepsMs(), predicted, lastRto)));
            }
        }

        /** The proposal an executing decision came from, if it was an approval. */
        private String proposalOf(FailoverDecision d) {
            if (d.requestId() != null && requests.get(d.requestId()) instanceof ApproveRequest approve) {
                return approve.decisionId();
            }
            Matcher m = APPROVED.matcher(d.reason());
            return m.find() ? m.group(1) : null;
        }

        private FailoverRun run(String decisionId, FailoverDecision proposal, FailoverDecision decision) {
            Set<String> ids = new HashSet<>();
            ids.add(decisionId);
            if (proposal != null) {
                ids.add(proposal.id());
            }
            FailoverDecision described = decision != null ? decision : proposal;

            // the requests that made, approved, rejected, resumed, skipped or aborted it
            RequestTrace request = null;
            RequestTrace verdict = null;
            List<RequestTrace> interventions = new ArrayList<>();
            for (Map.Entry<String, RequestTrace> e : traces.entrySet()) {
                RequestTrace t = e.getValue();
                boolean mine = (t.decisionId() != null && ids.contains(t.decisionId()))
                        || (decision != null && e.getKey().equals(decision.requestId()));
                if (!mine || Boolean.FALSE.equals(t.accepted()) || usedTraces.contains(e.getKey())) {
                    continue; // rejected requests are listed between runs, with their reason
                }
                usedTraces.add(e.getKey());
                switch (t.type()) {
                    case "manual-failover", "failback" -> request = t;
                    case "approve", "reject" -> verdict = t;
                    default -> interventions.add(t);
                }
            }
            if (decision != null
                    && request == null
                    && verdict == null
                    && !FailoverDecision.ENGINE.equals(decision.requestedBy())) {
                // the request itself was not read: the decision says who asked and why
                RequestTrace fromDecision = new RequestTrace(
                        decision.requestId(),
                        proposal != null || APPROVED.matcher(decision.reason()).find()
                                ? "approve"
                                : decision.kind() == DecisionKind.FAILBACK ? "failback" : "manual-failover",
                        decision.requestedBy(),
                        decision.time(),
                        decision.reason(),
                        decision.id(),
                        null,
                        decision.overriddenRules(),
                        true,
                        "accepted",
                        decision.time());
                if ("approve".equals(fromDecision.type())) {
                    verdict = fromDecision;
                } else {
                    request = fromDecision;
                }
            }
            List<AlertTrace> runAlerts = new ArrayList<>();
            for (Alert a : alerts) {
                if (a.decisionId() != null && ids.contains(a.decisionId())) {
                    usedAlerts.add(a.id());
                    runAlerts.add(alert(a));
                }
            }

            List<RawStep> raw = decision == null && proposal != null
                    ? planOnly(proposal)
                    : steps(decisionId, decision, interventions);
            Ending ending = decision == null && proposal != null
                    ? proposalEnding(proposal, verdict, interventions, runAlerts)
                    : ending(decisionId, decision, raw, interventions, runAlerts);
            List<StepTrace> steps = new ArrayList<>();
            for (RawStep s : raw) {
                steps.add(s.trace(ending.outcome, topology.get(decisionId)));
            }

            List<Evidence> evidence = described == null ? List.of() : described.evidence();
            DetectionStart detection = described != null && described.kind() == DecisionKind.AUTOMATIC_FAILOVER
                    ? detection(evidence)
                    : null;
            FailoverDecision first = proposal != null ? proposal : decision;
            Instant switched = ending.outcome == RunOutcome.FINISHED ? ending.at : null;
            Figures figures = described != null && described.kind() == DecisionKind.DRILL
                    ? new Figures(
                            null,
                            proposal != null && decision != null ? millis(proposal.time(), decision.time()) : null,
                            null,
                            null,
                            decision == null ? null : drillStepsMs(decision),
                            null,
                            null)
                    : new Figures(
                            detection != null && first != null ? millis(detection.time(), first.time()) : null,
                            proposal != null && decision != null ? millis(proposal.time(), decision.time()) : null,
                            decision != null && switched != null ? millis(decision.time(), switched) : null,
                            detection != null && switched != null ? millis(detection.time(), switched) : null);
            return new FailoverRun(
                    decisionId,
                    proposal,
                    decision,
                    evidence,
                    detection,
                    request,
                    verdict,
                    steps,
                    interventions,
                    runAlerts,
                    ending.outcome,
                    ending.at,
                    ending.activeRegion,
                    figures);
        }

        /** A drill's steps' time by the engine's rule, from the last acknowledgement read of each step. */
        private Long drillStepsMs(FailoverDecision decision) {
            Map<Integer, Long> durations = new java.util.HashMap<>();
            for (CommandAck a : acks.getOrDefault(decision.id(), List.of())) {
                durations.put(a.step().stepIndex(), a.durationMs());
            }
            return durations.isEmpty() ? null : io.mrm.decision.domain.DrillRun.stepsMs(decision.plan(), durations);
        }

        /** The earliest first failing observation over the evidence's vantage points. */
        private DetectionStart detection(List<Evidence> evidence) {
            DetectionStart best = null;
            for (Evidence e : evidence) {
                ObservationStreaks.Streak s =
                        streaks.streakAt(id, e.region(), e.component(), e.vantage(), e.observedAt());
                if (s != null && (best == null || s.start().isBefore(best.time()))) {
                    best = new DetectionStart(
                            s.start(), s.startId(), e.region(), e.component(), e.vantage(), true, s.mayBeEarlier());
                }
            }
            if (best == null) {
                for (Evidence e : evidence) {
                    if (best == null || e.observedAt().isBefore(best.time())) {
                        best = new DetectionStart(
                                e.observedAt(), e.observationId(), e.region(), e.component(), e.vantage(), false, true);
                    }
                }
            }
            return best;
        }

        private List<RawStep> planOnly(FailoverDecision proposal) {
            List<RawStep> steps = new ArrayList<>();
            for (PlanStep p : proposal.plan()) {
                steps.add(new RawStep(p.index(), p.action(), p.region()));
            }
            return steps;
        }

        private List<RawStep> steps(String decisionId, FailoverDecision decision, List<RequestTrace> interventions) {
            Map<Integer, RawStep> steps = new TreeMap<>();
            if (decision != null) {
                for (PlanStep p : decision.plan()) {
                    steps.put(p.index(), new RawStep(p.index(), p.action(), p.region()));
                }
            }
            for (StepCommand c : commands.getOrDefault(decisionId, List.of())) {
                RawStep step = steps.computeIfAbsent(c.step().stepIndex(), i -> new RawStep(i, c.action(), null));
                step.attempt(c.step().attempt()).command(c);
            }
            for (CommandAck a : acks.getOrDefault(decisionId, List.of())) {
                RawStep step = steps.computeIfAbsent(a.step().stepIndex(), i -> new RawStep(i, a.action(), null));
                step.ack(a);
            }
            for (RequestTrace t : interventions) {
                if (SKIP_TYPE.equals(t.type())
                        && t.wasAccepted()
                        && t.stepIndex() != null
                        && steps.containsKey(t.stepIndex())) {
                    steps.get(t.stepIndex()).skippedBy = t;
                }
            }
            return new ArrayList<>(steps.values());
        }

        private Ending ending(
                String decisionId,
                FailoverDecision decision,
                List<RawStep> steps,
                List<RequestTrace> interventions,
                List<AlertTrace> runAlerts) {
            Instant aborted = null;
            for (RequestTrace t : interventions) {
                if ("abort".equals(t.type()) && t.wasAccepted()) {
                    aborted = t.answeredAt();
                    break;
                }
            }
            for (AlertTrace a : runAlerts) {
                if ("PLAN_ABORTED".equals(a.code())
                        && (aborted == null || a.time().isBefore(aborted))) {
                    aborted = a.time();
                }
            }
            Instant resumedAfter = null;
            for (RequestTrace t : interventions) {
                if ("resume".equals(t.type())
                        && t.wasAccepted()
                        && t.answeredAt() != null
                        && aborted != null
                        && t.answeredAt().isAfter(aborted)) {
                    resumedAfter = t.answeredAt(); // a plan aborted part-way can be resumed: it did not end there
                }
            }
            if (decision != null && decision.kind() == DecisionKind.DRILL) {
                return drillEnding(decisionId, decision, runAlerts);
            }
            if (aborted != null && resumedAfter == null) {
                return new Ending(RunOutcome.ABORTED, aborted, null);
            }
            if (decision != null && !steps.isEmpty() && steps.stream().allMatch(RawStep::done)) {
                Instant last = steps.stream()
                        .map(RawStep::doneAt)
                        .max(Comparator.naturalOrder())
                        .orElse(null);
                return new Ending(RunOutcome.FINISHED, last, activeAfter(decision));
            }
            Instant paused = null;
            for (AlertTrace a : runAlerts) {
                if ("PLAN_PAUSED".equals(a.code()) || "STALE_EPOCH".equals(a.code())) {
                    paused = a.time();
                }
            }
            Instant carriedOn = null;
            for (RequestTrace t : interventions) {
                if (("resume".equals(t.type()) || SKIP_TYPE.equals(t.type()))
                        && t.wasAccepted()
                        && t.answeredAt() != null) {
                    carriedOn = t.answeredAt();
                }
            }
            if (paused != null && (carriedOn == null || paused.isAfter(carriedOn))) {
                return new Ending(RunOutcome.PAUSED, paused, null);
            }
            TopologyState state = topology.get(decisionId);
            if (state != null && state.phase() == Phase.STEADY) {
                boolean allDone = state.planSteps().stream()
                        .allMatch(s -> s.status() == StepStatus.SUCCEEDED || s.status() == StepStatus.SKIPPED);
                return allDone
                        ? new Ending(RunOutcome.FINISHED, state.time(), state.activeRegion())
                        : new Ending(RunOutcome.ABORTED, state.time(), null);
            }
            if (state != null && state.phase() == Phase.PAUSED) {
                return new Ending(RunOutcome.PAUSED, state.time(), null);
            }
            return new Ending(
                    laterDecisionThan(decisionId, startOf(decision, steps)) ? RunOutcome.UNKNOWN : RunOutcome.RUNNING,
                    null,
                    null);
        }

        /** A drill ends with its alert; it never makes a region active. */
        private Ending drillEnding(String decisionId, FailoverDecision decision, List<AlertTrace> runAlerts) {
            for (AlertTrace a : runAlerts) {
                RunOutcome end = switch (a.code()) {
                    case "DRILL_COMPLETED" -> RunOutcome.DRILL_COMPLETED;
                    case "DRILL_FAILED" -> RunOutcome.DRILL_FAILED;
                    case "DRILL_CANCELLED" -> RunOutcome.DRILL_CANCELLED;
                    default -> null;
                };
                if (end != null) {
                    return new Ending(end, a.time(), null);
                }
            }
            return new Ending(
                    laterDecisionThan(decisionId, decision.time()) ? RunOutcome.UNKNOWN : RunOutcome.RUNNING,
                    null,
                    null);
        }

        private Ending proposalEnding(
                FailoverDecision proposal,
                RequestTrace verdict,
                List<RequestTrace> interventions,
                List<AlertTrace> runAlerts) {
            if (verdict != null && "reject".equals(verdict.type()) && verdict.wasAccepted()) {
                return new Ending(RunOutcome.REJECTED, verdict.answeredAt(), null);
            }
            for (RequestTrace t : interventions) {
                if ("abort".equals(t.type()) && t.wasAccepted()) {
                    return new Ending(RunOutcome.ABORTED, t.answeredAt(), null);
                }
            }
            for (AlertTrace a : runAlerts) {
                if ("PROPOSAL_WITHDRAWN".equals(a.code())) {
                    return new Ending(RunOutcome.WITHDRAWN, a.time(), null);
                }
                if ("PLAN_ABORTED".equals(a.code())) {
                    return new Ending(RunOutcome.ABORTED, a.time(), null);
                }
            }
            return new Ending(
                    laterDecisionThan(proposal.id(), proposal.time())
                            ? RunOutcome.UNKNOWN
                            : RunOutcome.AWAITING_APPROVAL,
                    null,
                    null);
        }

        private boolean laterDecisionThan(String decisionId, Instant start) {
            return decisions.stream()
                    .anyMatch(d -> !d.id().equals(decisionId)
                            && (start == null || d.time().isAfter(start)));
        }

        private RequestTrace trace(OperatorRequest request, RequestOutcome outcome, String requestId) {
            String type = request != null
                    ? shortType(EventTypes.forClass(request.getClass()).ceType())
                    : shortType(outcome.requestType());
            String decisionId =
                    outcome != null && outcome.decisionId() != null ? outcome.decisionId() : requestDecision(request);
            Integer step = request instanceof SkipStepRequest skip ? skip.stepIndex() : null;
            var overrides = request instanceof ManualFailoverRequest m
                    ? m.overrideRules()
                    : request instanceof FailbackRequest f ? f.overrideRules() : null;
            return new RequestTrace(
                    requestId,
                    type,
                    request != null ? request.operator() : outcome.operator(),
                    request != null ? request.time() : outcome.time(),
                    request == null ? null : request.reason(),
                    decisionId,
                    step,
                    overrides,
                    outcome == null ? null : outcome.accepted(),
                    outcome == null ? null : outcome.reason(),
                    outcome == null ? null : outcome.time());
        }

        private static String requestDecision(OperatorRequest request) {
            if (request instanceof ApproveRequest r) {
                return r.decisionId();
            } else if (request instanceof RejectRequest r) {
                return r.decisionId();
            } else if (request instanceof ResumeRequest r) {
                return r.decisionId();
            } else if (request instanceof SkipStepRequest r) {
                return r.decisionId();
            } else if (request instanceof AbortRequest r) {
                return r.decisionId();
            }
            return null;
        }
    }

    private static String activeAfter(FailoverDecision decision) {
        return decision.kind() == DecisionKind.REPROTECT ? null : decision.toRegion();
    }

    private static AlertTrace alert(Alert a) {
        return new AlertTrace(a.id(), a.time(), a.severity(), a.code(), a.message(), a.rule(), a.decisionId());
    }

    private record Ending(RunOutcome outcome, Instant at, String activeRegion) {}

    /** The start of a run still being built: its decision, else its first command or ack. */
    private static Instant startOf(FailoverDecision decision, List<RawStep> steps) {
        if (decision != null) {
            return decision.time();
        }
        return steps.stream()
                .flatMap(s -> s.attempts.values().stream())
                .map(a -> a.sentAt != null ? a.sentAt : a.ack != null ? a.ack.time() : null)
                .filter(java.util.Objects::nonNull)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    /** A step while the run is being built. */
    private static final class RawStep {
        final int index;
        final StepAction action;
        final String region;
        final Map<Integer, RawAttempt> attempts = new TreeMap<>();
        RequestTrace skippedBy;

        RawStep(int index, StepAction action, String region) {
            this.index = index;
            this.action = action;
            this.region = region;
        }

        RawAttempt attempt(int number) {
            return attempts.computeIfAbsent(number, RawAttempt::new);
        }

        void ack(CommandAck ack) {
            RawAttempt target = null;
            for (RawAttempt a : attempts.values()) {
                if (ack.commandId().equals(a.commandId)) {
                    target = a;
                }
            }
            if (target == null) {
                target = attempt(ack.step().attempt());
            }
            if (target.ack == null) {
                target.ack = ack;
                if (target.commandId == null) {
                    target.commandId = ack.commandId();
                }
            }
        }

        RawAttempt succeeded() {
            return attempts.values().stream()
                    .filter(a -> a.ack != null && a.ack.outcome() == AckOutcome.SUCCEEDED)
                    .findFirst()
                    .orElse(null);
        }

        RawAttempt last() {
            RawAttempt last = null;
            for (RawAttempt a : attempts.values()) {
                last = a;
            }
            return last;
        }

        boolean done() {
            return skippedBy != null || succeeded() != null;
        }

        Instant doneAt() {
            if (skippedBy != null) {
                return skippedBy.answeredAt() != null ? skippedBy.answeredAt() : skippedBy.time();
            }
            RawAttempt ok = succeeded();
            return ok == null ? null : ok.ack.time();
        }

        StepTrace trace(RunOutcome run, TopologyState state) {
            List<StepAttempt> list =
                    attempts.values().stream().map(RawAttempt::attempt).toList();
            int retries = attempts.isEmpty() ? 0 : Math.max(0, last().number - 1);
            if (skippedBy != null) {
                return new StepTrace(
                        index,
                        action,
                        region,
                        list,
                        StepOutcome.SKIPPED,
                        retries,
                        doneAt(),
                        "skipped by " + skippedBy.operator()
                                + (skippedBy.reason() == null ? "" : ": " + skippedBy.reason()));
            }
            if (succeeded() != null) {
                return new StepTrace(index, action, region, list, StepOutcome.SUCCEEDED, retries, doneAt(), null);
            }
            boolean running =
                    run == RunOutcome.RUNNING || run == RunOutcome.UNKNOWN || run == RunOutcome.AWAITING_APPROVAL;
            if (run == RunOutcome.FINISHED) {
                // the run finished, so this step did too; its ack is not among the records read
                StepProgress progress =
                        state == null || index >= state.planSteps().size()
                                ? null
                                : state.planSteps().get(index);
                StepOutcome outcome = progress != null && progress.status() == StepStatus.SKIPPED
                        ? StepOutcome.SKIPPED
                        : StepOutcome.SUCCEEDED;
                return new StepTrace(
                        index,
                        action,
                        region,
                        list,
                        outcome,
                        retries,
                        progress == null ? null : progress.finishedAt(),
                        "outcome from the topology topic");
            }
            RawAttempt last = last();
            if (last == null) {
                return new StepTrace(
                        index,
                        action,
                        region,
                        list,
                        running ? StepOutcome.PENDING : StepOutcome.NOT_RUN,
                        0,
                        null,
                        null);
            }
            if (last.ack == null) {
                return new StepTrace(
                        index,
                        action,
                        region,
                        list,
                        running ? StepOutcome.RUNNING : StepOutcome.FAILED,
                        retries,
                        null,
                        running ? null : "no acknowledgement of attempt " + last.number + " was read");
            }
            boolean retryDue = running && last.ack.outcome() == AckOutcome.FAILED_RETRIABLE;
            return new StepTrace(
                    index,
                    action,
                    region,
                    list,
                    retryDue ? StepOutcome.RUNNING : StepOutcome.FAILED,
                    retries,
                    null,
                    last.ack.outcome() + (last.ack.detail() == null ? "" : ": " + last.ack.detail()));
        }
    }

    private static final class RawAttempt {
        final int number;
        String commandId;
        Instant sentAt;
        Instant deadline;
        CommandAck ack;

        RawAttempt(int number) {
            this.number = number;
        }

        RawAttempt command(StepCommand c) {
            commandId = c.id();
            sentAt = c.time();
            deadline = c.step().deadline();
            return this;
        }

        StepAttempt attempt() {
            return new StepAttempt(
                    number,
                    commandId,
                    sentAt,
                    deadline,
                    ack == null ? null : ack.outcome(),
                    ack == null ? null : ack.time(),
                    ack == null ? null : ack.durationMs(),
                    ack == null ? null : ack.errorCode(),
                    ack == null ? null : ack.detail(),
                    ack == null ? null : ack.observed());
        }
    }
}
