package io.mrm.chaos.domain;

import java.util.List;

/**
 * What the operators' tools say happened, read after a run: {@code mrmctl replay} (the engine's journal run again
 * through the decision core, every output compared with the one published) and {@code mrmctl audit} (the failover
 * runs reconstructed from the topics).
 *
 * @param replayExitCode   0 when every output was reproduced exactly
 * @param replayResult     {@code reproduced} or {@code diverged}
 * @param replayDecisions  the decisions the replay reproduced
 * @param replaySummary    its first divergence or warning, for the report (empty when none)
 * @param auditExitCode    0 when the audit could read the topics
 * @param auditRuns        the application's runs the audit found, in order
 */
public record MrmctlAccount(
        int replayExitCode,
        String replayResult,
        int replayDecisions,
        String replaySummary,
        int auditExitCode,
        List<AuditRun> auditRuns) {

    public MrmctlAccount {
        auditRuns = List.copyOf(auditRuns);
    }

    /** One failover run as the audit tells it. */
    public record AuditRun(String decisionId, String outcome, String activeRegion) {}
}
