package io.mrm.audit;

import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import java.time.Instant;
import java.util.List;

/**
 * One failover run: a decision (and the proposal it came from, in mode MANUAL), what triggered it,
 * its plan's steps with every attempt, the operators' interventions, its alerts, how it ended and
 * the durations measured. Any part may be missing when the records read do not hold it.
 *
 * @param decisionId    the executing decision's id, or the proposal's when it never executed
 * @param proposal      the PROPOSED decision, if the run began as one
 * @param decision      the EXECUTING decision, if read
 * @param evidence      the observations the decision copied as its reason
 * @param detectionStart the first failing observation of the streak (automatic decisions), or null
 * @param request       the operator request that caused it (manual failover, failback), or null
 * @param verdict       the approval or rejection of the proposal, or null
 * @param steps         per plan step, its attempts and outcome
 * @param interventions accepted resume, skip and abort requests on this run
 * @param alerts        alerts naming this run's decision (paused, aborted, withdrawn...)
 * @param outcome       how it ended
 * @param outcomeAt     when it ended (switched, paused, aborted, rejected...), or null
 * @param activeRegion  the active region after it finished, or null
 * @param figures       the measured durations
 */
public record FailoverRun(
        String decisionId,
        FailoverDecision proposal,
        FailoverDecision decision,
        List<Evidence> evidence,
        DetectionStart detectionStart,
        RequestTrace request,
        RequestTrace verdict,
        List<StepTrace> steps,
        List<RequestTrace> interventions,
        List<AlertTrace> alerts,
        RunOutcome outcome,
        Instant outcomeAt,
        String activeRegion,
        Figures figures) {

    public FailoverRun {
        evidence = List.copyOf(evidence);
        steps = List.copyOf(steps);
        interventions = List.copyOf(interventions);
        alerts = List.copyOf(alerts);
    }

    /** The decision that describes the run best: the executing one, else the proposal; may be null. */
    public FailoverDecision described() {
        return decision != null ? decision : proposal;
    }

    /** When the run began, as far as known: the first decision, else the first command or ack. */
    public Instant start() {
        if (proposal != null) {
            return proposal.time();
        }
        if (decision != null) {
            return decision.time();
        }
        Instant first = null;
        for (StepTrace step : steps) {
            for (StepAttempt a : step.attempts()) {
                Instant t = a.sentAt() != null ? a.sentAt() : a.ackAt();
                if (t != null && (first == null || t.isBefore(first))) {
                    first = t;
                }
            }
        }
        return first != null ? first : outcomeAt;
    }

    FailoverRun withFigures(Figures replaced) {
        return new FailoverRun(
                decisionId,
                proposal,
                decision,
                evidence,
                detectionStart,
                request,
                verdict,
                steps,
                interventions,
                alerts,
                outcome,
                outcomeAt,
                activeRegion,
                replaced);
    }

    /** Whether this run is a drill (a rehearsal that switched nothing). */
    public boolean drill() {
        FailoverDecision d = described();
        return d != null && d.kind() == io.mrm.events.decision.DecisionKind.DRILL;
    }

    /** When the run switched the application (its last step done), or null if it did not finish. */
    public Instant switchedAt() {
        return outcome == RunOutcome.FINISHED ? outcomeAt : null;
    }
}
