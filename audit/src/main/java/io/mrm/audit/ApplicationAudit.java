package io.mrm.audit;

import java.util.List;

/**
 * One application's audit: its runs and, between them, requests and alerts that belong to no run.
 *
 * @param application the application id
 * @param runs        the failover runs, by start time
 * @param between     requests (freeze, unfreeze, ack-hold-down, every rejected one...) and alerts that
 *                    name no run's decision, by time
 * @param deadLetters dead letters keyed by this application
 */
public record ApplicationAudit(
        String application, List<FailoverRun> runs, List<TimelineNote> between, long deadLetters) {

    public ApplicationAudit {
        runs = List.copyOf(runs);
        between = List.copyOf(between);
    }
}
