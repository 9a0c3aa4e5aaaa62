package io.mrm.decision.domain;

import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Replay and backtest of a recorded run. <em>Replay</em> runs the journaled steps through a core
 * built from the policy each step was recorded under, and compares every output with the one the
 * engine published (ids and content, in order per application). <em>Backtest</em> runs the same
 * inputs through another policy and shows, side by side, what it would have decided.
 *
 * <p>Pure: the adapter reads the journal, the inputs and the outputs, and hands them over.
 */
public final class Backtest {

    /** Divergences kept in a report; more are counted, not listed. */
    static final int MAX_DIVERGENCES = 20;
    /** Synthetic ticks per gap between two recorded steps, at most; the next step evaluates time anyway. */
    static final int MAX_TICKS_PER_GAP = 100_000;

    /**
     * The policy a step ran under.
     *
     * @param fingerprint names this policy version (the journal's fingerprint, or a file's)
     */
    public record Governing(ApplicationPolicy policy, RequestAuthority authority, String fingerprint) {

        public Governing {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(authority, "authority");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }
    }

    /**
     * One journaled step.
     *
     * @param index           its position in the journal (from 1), to name it in reports
     * @param input           the input, or null for a tick
     * @param governing       the policy recorded for it, or null when the journal has none
     * @param recordedOutputs how many outputs the engine published for it
     */
    public record Step(
            long index, String applicationId, Instant now, MrmEvent input, Governing governing, int recordedOutputs) {

        public boolean tick() {
            return input == null;
        }

        String describe() {
            return input == null
                    ? "tick"
                    : EventTypes.forClass(input.getClass()).ceType() + " " + input.id();
        }
    }

    /** Steps in journal order (per application) and every output the engine published, in any order. */
    public record Recording(List<Step> steps, List<MrmEvent> outputs) {

        public Recording {
            steps = List.copyOf(steps);
            outputs = List.copyOf(outputs);
        }

        /** The applications, in order of their first step. */
        public Set<String> applications() {
            Set<String> apps = new LinkedHashSet<>();
            steps.forEach(s -> apps.add(s.applicationId()));
            return apps;
        }
    }

    /**
     * A step whose outputs differ from the recorded ones.
     *
     * @param position the output's position within the step (from 0)
     * @param expected the recorded output (null: the replay emitted one more than the engine)
     * @param got      the replayed output (null: the replay emitted one fewer)
     */
    public record Divergence(
            long step,
            String applicationId,
            Instant now,
            String input,
            int position,
            MrmEvent expected,
            MrmEvent got) {}

    /**
     * What a replay found.
     *
     * @param outputs       outputs reproduced exactly
     * @param decisions     of which failover decisions
     * @param compacted     recorded topology states no longer on the (compacted) topic, not compared
     * @param divergences   the first {@value #MAX_DIVERGENCES} divergences
     * @param divergent     how many outputs diverged in all
     * @param warnings      why a replay cannot be exact (journal retention, missing policy records...)
     * @param fingerprints  per application, the recorded policy versions in order
     */
    public record ReplayReport(
            int steps,
            int outputs,
            int decisions,
            int compacted,
            List<Divergence> divergences,
            int divergent,
            List<String> warnings,
            Map<String, List<String>> fingerprints) {

        public boolean exact() {
            return divergent == 0;
        }
    }

    /** One row of the side-by-side view: something decided, blocked, refused or answered. */
    public record Row(Instant time, String kind, String text) {}

    /**
     * The recorded and the alternate row for the same thing (the n-th decision, the n-th blocked
     * failover, the answer to one request); either may be missing.
     */
    public record SideBySide(String applicationId, String key, Row recorded, Row alternate, boolean differs) {

        public Instant time() {
            return recorded == null
                    ? alternate.time()
                    : alternate == null || !alternate.time().isBefore(recorded.time())
                            ? recorded.time()
                            : alternate.time();
        }
    }

    /**
     * What a backtest found.
     *
     * @param rows     per application, in time order
     * @param differs  rows that differ
     * @param ticks    synthetic ticks added
     * @param notes    what the comparison means and where it stops
     */
    public record BacktestReport(
            Duration tick,
            List<SideBySide> rows,
            int differs,
            long ticks,
            List<String> notes,
            Map<String, List<String>> recordedFingerprints,
            Map<String, String> alternateFingerprints) {}

    private Backtest() {}

    // ---- replay -----------------------------------------------------------------------------

    /**
     * Replays the recording under the policy recorded for each step.
     *
     * @param fallback the policy for steps the journal has no policy record for (null: such steps are an error)
     */
    public static ReplayReport replay(Recording recording, Map<String, Governing> fallback) {
        Map<String, MrmEvent> recordedById = new HashMap<>();
        recording.outputs().forEach(o -> recordedById.put(o.id(), o));
        Map<String, ApplicationState> states = new HashMap<>();
        Map<String, Long> recordedSeq = new HashMap<>();
        Map<String, List<String>> fingerprints = new LinkedHashMap<>();
        Map<String, DecisionCore> cores = new HashMap<>();
        List<Divergence> divergences = new ArrayList<>();
        List<String> warnings = new ArrayList<>(retentionWarnings(recording));
        Set<String> unmatched = new LinkedHashSet<>(recordedById.keySet());
        int reproduced = 0;
        int decisions = 0;
        int compacted = 0;
        int divergent = 0;
        for (Step step : recording.steps()) {
            String app = step.applicationId();
            Governing governing = step.governing() != null ? step.governing() : fallback.get(app);
            if (governing == null) {
                throw new IllegalArgumentException("step " + step.index() + " of " + app + " (" + step.now()
                        + ") has no recorded policy: the journal was written by an engine that did not record "
                        + "policies, so it cannot be replayed exactly; backtest it under a policy file instead");
            }
            List<String> versions = fingerprints.computeIfAbsent(app, a -> new ArrayList<>());
            if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(governing.fingerprint())) {
                versions.add(governing.fingerprint());
            }
            DecisionCore core = cores.computeIfAbsent(
                    app + "/" + governing.fingerprint(),
                    k -> new DecisionCore(Map.of(app, governing.policy()), governing.authority()));
            List<MrmEvent> got = run(core, states, step);
            long first = recordedSeq.getOrDefault(app, 0L);
            recordedSeq.put(app, first + step.recordedOutputs());
            int n = Math.max(got.size(), step.recordedOutputs());
            for (int i = 0; i < n; i++) {
                MrmEvent replayed = i < got.size() ? got.get(i) : null;
                MrmEvent expected = null;
                boolean inRange = i < step.recordedOutputs();
                if (inRange) {
                    ApplicationState now = states.get(app);
                    String id = DecisionCore.outputId(app, now == null ? null : now.lineage(), first + 1 + i);
                    expected = recordedById.get(id);
                    unmatched.remove(id);
                }
                if (inRange
                        && expected == null
                        && (replayed instanceof TopologyState || replayed instanceof ReadinessState)) {
                    compacted++; // a later state of the compacted topology (or readiness) topic replaced it
                    continue;
                }
                if (replayed != null && replayed.equals(expected)) {
                    reproduced++;
                    if (replayed instanceof FailoverDecision) {
                        decisions++;
                    }
                    continue;
                }
                divergent++;
                if (divergences.size() < MAX_DIVERGENCES) {
                    divergences.add(
                            new Divergence(step.index(), app, step.now(), step.describe(), i, expected, replayed));
                }
            }
        }
        if (!unmatched.isEmpty()) {
            warnings.add(unmatched.size() + " published output(s) belong to no journaled step (e.g. "
                    + unmatched.iterator().next() + "): the journal is incomplete");
        }
        return new ReplayReport(
                recording.steps().size(),
                reproduced,
                decisions,
                compacted,
                divergences,
                divergent,
                warnings,
                fingerprints);
    }

    private static List<MrmEvent> run(DecisionCore core, Map<String, ApplicationState> states, Step step) {
        ApplicationState state = states.get(step.applicationId());
        if (step.tick()) {
            if (state == null) {
                return List.of();
            }
            StepResult result = core.tick(state, step.now());
            states.put(step.applicationId(), result.state());
            return result.outputs();
        }
        StepResult result = core.step(state, step.input(), step.now());
        states.put(step.applicationId(), result.state());
        return result.outputs();
    }

    /** An application whose first journaled step is a tick did not start in this journal. */
    private static List<String> retentionWarnings(Recording recording) {
        List<String> warnings = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Step step : recording.steps()) {
            if (seen.add(step.applicationId()) && step.tick()) {
                warnings.add("the journal's oldest entry for " + step.applicationId() + " (" + step.now()
                        + ") is not its first step (older entries were deleted by retention): its replay cannot be "
                        + "exact");
            }
        }
        return warnings;
    }

    // ---- backtest ---------------------------------------------------------------------------

    /**
     * Runs the recorded inputs through another policy, with a synthetic tick every {@code tick}
     * between recorded steps (only state-changing ticks were journaled under the recorded policy),
     * and compares what each would have decided.
     *
     * @param alternate the other policies, by application; applications without one are left out
     */
    public static BacktestReport backtest(
            Recording recording,
            Map<String, ApplicationPolicy> alternate,
            RequestAuthority authority,
            String alternateFingerprint,
            Duration tick) {
        if (tick == null || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("the tick interval must be positive");
        }
        List<String> notes = new ArrayList<>();
        notes.add("acks recorded for the original run's commands do not apply to the alternate's commands (they "
                + "are given to it, but only one with the same decision id, epoch, step and attempt takes them; its "
                + "other plans wait and time out): the backtest shows what the policy would have decided, not how "
                + "its plan would have executed");
        Instant end = recording.steps().stream()
                .map(Step::now)
                .max(Comparator.naturalOrder())
                .orElse(null);
        DecisionCore core = new DecisionCore(
                alternate.entrySet().stream()
                        .filter(e -> recording.applications().contains(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                authority);
        List<SideBySide> rows = new ArrayList<>();
        Map<String, List<String>> recordedFingerprints = new LinkedHashMap<>();
        Map<String, String> alternateFingerprints = new LinkedHashMap<>();
        long ticks = 0;
        for (String app : recording.applications()) {
            List<Step> steps = recording.steps().stream()
                    .filter(s -> s.applicationId().equals(app))
                    .toList();
            List<String> versions = new ArrayList<>();
            steps.stream()
                    .map(Step::governing)
                    .filter(Objects::nonNull)
                    .map(Governing::fingerprint)
                    .distinct()
                    .forEach(versions::add);
            recordedFingerprints.put(app, versions);
            if (!alternate.containsKey(app)) {
                notes.add(app + " has no policy in the alternate: left out");
                continue;
            }
            alternateFingerprints.put(app, alternateFingerprint);
            List<MrmEvent> recorded = recordedOutputs(app, steps, recording.outputs());
            List<MrmEvent> produced = new ArrayList<>();
            ApplicationState state = null;
            Instant previous = null;
            for (Step step : steps) {
                if (state != null && previous != null) {
                    int added = 0;
                    for (Instant t = previous.plus(tick); t.isBefore(step.now()); t = t.plus(tick)) {
                        if (++added > MAX_TICKS_PER_GAP) {
                            notes.add(app + ": more than " + MAX_TICKS_PER_GAP + " ticks between two steps before "
                                    + step.now() + "; the rest of that gap is not ticked (use a longer --tick)");
                            break;
                        }
                        StepResult result = core.tick(state, t);
                        state = result.state();
                        produced.addAll(result.outputs());
                        ticks++;
                    }
                }
                if (step.tick()) {
                    if (state != null) {
                        StepResult result = core.tick(state, step.now());
                        state = result.state();
                        produced.addAll(result.outputs());
                    }
                } else {
                    StepResult result = core.step(state, step.input(), step.now());
                    state = result.state();
                    produced.addAll(result.outputs());
                }
                previous = step.now();
            }
            if (state != null && previous != null) {
                int added = 0;
                for (Instant t = previous.plus(tick);
                        !t.isAfter(end) && added++ < MAX_TICKS_PER_GAP;
                        t = t.plus(tick)) {
                    StepResult result = core.tick(state, t);
                    state = result.state();
                    produced.addAll(result.outputs());
                    ticks++;
                }
            }
            rows.addAll(sideBySide(app, rows(recorded), rows(produced)));
        }
        int differs = (int) rows.stream().filter(SideBySide::differs).count();
        return new BacktestReport(tick, rows, differs, ticks, notes, recordedFingerprints, alternateFingerprints);
    }

    /** The application's recorded outputs in the order the engine emitted them. */
    private static List<MrmEvent> recordedOutputs(String app, List<Step> steps, List<MrmEvent> outputs) {
        long total = steps.stream().mapToLong(Step::recordedOutputs).sum();
        // the engine's state for the application began with its first input: that input names the line of ids
        String lineage = steps.stream()
                .filter(st -> st.applicationId().equals(app))
                .findFirst()
                .map(st -> st.input() == null ? null : st.input().id())
                .orElse(null);
        Map<String, Long> seqOf = new HashMap<>();
        for (long seq = 1; seq <= total; seq++) {
            seqOf.put(DecisionCore.outputId(app, lineage, seq), seq);
        }
        return outputs.stream()
                .filter(o -> o.applicationId().equals(app))
                .sorted(Comparator.comparing((MrmEvent o) -> seqOf.getOrDefault(o.id(), Long.MAX_VALUE))
                        .thenComparing(MrmEvent::time))
                .toList();
    }

    /** The rows worth comparing, keyed: the n-th decision, the n-th blocked failover, a request's answer. */
    static Map<String, Row> rows(List<MrmEvent> outputs) {
        Map<String, Row> rows = new LinkedHashMap<>();
        int decisions = 0;
        int blocked = 0;
        for (MrmEvent event : outputs) {
            if (event instanceof FailoverDecision d) {
                rows.put(
                        "decision " + (++decisions),
                        new Row(
                                d.time(),
                                "decision",
                                d.kind() + " " + d.fromRegion() + "→" + d.toRegion() + " " + d.status() + " (epoch "
                                        + d.epoch() + "): " + d.reason()));
            } else if (event instanceof Alert a && a.rule() != null) {
                rows.put(
                        "blocked " + (++blocked),
                        new Row(a.time(), "blocked", a.code() + " " + a.rule() + ": " + a.message()));
            } else if (event instanceof RequestOutcome o) {
                boolean refused = !o.accepted() && o.reason().startsWith("refused:");
                String verdict = o.accepted() ? "accepted" : refused ? "refused" : "rejected";
                String why = refused ? o.reason().substring("refused:".length()).strip() : o.reason();
                rows.put(
                        "request " + o.requestId(),
                        new Row(
                                o.time(),
                                refused ? "refused" : "request",
                                shortType(o.requestType()) + " by " + o.operator() + ": " + verdict
                                        + (why.equals(verdict) ? "" : " (" + why + ")")));
            }
        }
        return rows;
    }

    private static List<SideBySide> sideBySide(String app, Map<String, Row> recorded, Map<String, Row> alternate) {
        Set<String> keys = new LinkedHashSet<>(recorded.keySet());
        keys.addAll(alternate.keySet());
        List<SideBySide> rows = new ArrayList<>();
        for (String key : keys) {
            Row r = recorded.get(key);
            Row a = alternate.get(key);
            rows.add(new SideBySide(app, key, r, a, !Objects.equals(r, a)));
        }
        rows.sort(Comparator.comparing(SideBySide::time).thenComparing(SideBySide::key));
        return rows;
    }

    private static String shortType(String ceType) {
        String s = ceType.startsWith("io.mrm.operator.") ? ceType.substring("io.mrm.operator.".length()) : ceType;
        return s.endsWith(".v1") ? s.substring(0, s.length() - 3) : s;
    }

    /**
     * The fields in which two outputs of the same type differ, each as {@code field: expected X, got Y}
     * (empty when they are not comparable).
     */
    public static List<String> differences(MrmEvent expected, MrmEvent got) {
        if (expected == null
                || got == null
                || expected.getClass() != got.getClass()
                || !expected.getClass().isRecord()) {
            return List.of();
        }
        List<String> differences = new ArrayList<>();
        for (java.lang.reflect.RecordComponent component : expected.getClass().getRecordComponents()) {
            try {
                Object a = component.getAccessor().invoke(expected);
                Object b = component.getAccessor().invoke(got);
                if (!Objects.equals(a, b)) {
                    differences.add(component.getName() + ": expected " + abbreviate(a) + ", got " + abbreviate(b));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot compare " + component, e);
            }
        }
        return differences;
    }

    private static String abbreviate(Object value) {
        String text = value instanceof String ? "'" + value + "'" : String.valueOf(value);
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }

    /** A one-line description of an output, for divergence reports. */
    public static String describe(MrmEvent event) {
        if (event == null) {
            return "(nothing)";
        }
        String type = EventTypes.forClass(event.getClass()).ceType();
        String what;
        if (event instanceof FailoverDecision d) {
            what = d.kind() + " " + d.fromRegion() + "→" + d.toRegion() + " " + d.status() + " epoch " + d.epoch();
        } else if (event instanceof Alert a) {
            what = a.code() + (a.rule() == null ? "" : " " + a.rule()) + ": " + a.message();
        } else if (event instanceof RequestOutcome o) {
            what = (o.accepted() ? "accepted " : "not accepted ") + o.requestId() + ": " + o.reason();
        } else if (event instanceof TopologyState t) {
            what = "epoch " + t.epoch() + " active " + t.activeRegion() + " " + t.phase()
                    + (t.frozen() ? " frozen" : "");
        } else if (event instanceof CommandAck ack) {
            what = ack.outcome().name();
        } else if (event instanceof io.mrm.events.command.StepCommand c) {
            what = "step " + c.step().stepIndex() + " attempt " + c.step().attempt() + " epoch "
                    + c.step().epoch();
        } else {
            what = "";
        }
        return type + " " + event.id() + " at " + event.time() + (what.isEmpty() ? "" : ": " + what);
    }
}
