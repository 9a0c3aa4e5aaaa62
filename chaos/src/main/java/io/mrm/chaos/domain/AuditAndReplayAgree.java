package io.mrm.chaos.domain;

import io.mrm.events.decision.FailoverDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operators' account agrees with what happened: {@code mrmctl replay} reproduces every output of the engine (its
 * instances killed and taken over included) from the journal, decisions counted as the topics hold them; and
 * {@code mrmctl audit} shows every switch the topics hold, the last one ended as the engine's topology says, with the
 * region it chose active.
 */
public final class AuditAndReplayAgree {

    public static final String NAME = "mrmctl audit and replay agree with what happened";

    public List<Violation> check(History history, MrmctlAccount account) {
        List<Violation> violations = new ArrayList<>();
        if (account.replayExitCode() != 0 || !"reproduced".equals(account.replayResult())) {
            violations.add(new Violation(
                    NAME,
                    "mrmctl replay " + account.replayResult() + " (exit " + account.replayExitCode() + "): "
                            + account.replaySummary()));
        } else if (account.replayDecisions() != history.decisions().size()) {
            violations.add(new Violation(
                    NAME,
                    "mrmctl replay reproduced " + account.replayDecisions() + " decisions, the decisions topic holds "
                            + history.decisions().size()));
        }
        if (account.auditExitCode() != 0) {
            violations.add(new Violation(NAME, "mrmctl audit failed (exit " + account.auditExitCode() + ")"));
            return violations;
        }
        Map<String, MrmctlAccount.AuditRun> runs = account.auditRuns().stream()
                .collect(Collectors.toMap(MrmctlAccount.AuditRun::decisionId, Function.identity(), (a, b) -> b));
        List<FailoverDecision> switches = history.switches();
        for (FailoverDecision decision : switches) {
            if (!runs.containsKey(decision.id())) {
                violations.add(
                        new Violation(NAME, "mrmctl audit shows no run for " + decision.kind() + " " + decision.id()));
            }
        }
        if (!switches.isEmpty()) {
            FailoverDecision last = switches.get(switches.size() - 1);
            MrmctlAccount.AuditRun run = runs.get(last.id());
            boolean finished = history.lastTopologyOf(last.id())
                    .map(t -> t.activeRegion().equals(last.toRegion())
                            && t.phase() == io.mrm.events.topology.Phase.STEADY)
                    .orElse(false);
            if (run != null
                    && finished
                    && (!"FINISHED".equals(run.outcome()) || !last.toRegion().equals(run.activeRegion()))) {
                violations.add(new Violation(
                        NAME,
                        "the engine finished " + last.id() + " with " + last.toRegion() + " active; mrmctl audit says "
                                + run.outcome() + ", " + run.activeRegion() + " active"));
            }
        }
        return violations;
    }
}
