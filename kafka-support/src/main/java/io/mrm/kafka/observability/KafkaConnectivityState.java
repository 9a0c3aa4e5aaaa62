package io.mrm.kafka.observability;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the connectivity checks have seen, and whether that makes the service not ready: DOWN before the
 * first answer and after {@code downAfter} without one; a single failed or slow check changes nothing.
 * Times are on a monotonic nanosecond clock. Thread-safe.
 */
final class KafkaConnectivityState {

    /** The verdict, with details for the health endpoint. */
    record Verdict(boolean up, Map<String, Object> details) {}

    private final long downAfterNanos;
    private final long startedNanos;
    private long lastAnswerNanos;
    private boolean answered;
    private String clusterId;
    private int nodes;
    private String lastError;
    private long failuresInARow;

    KafkaConnectivityState(Duration downAfter, long startedNanos) {
        this.downAfterNanos = downAfter.toNanos();
        this.startedNanos = startedNanos;
    }

    synchronized void answered(long nowNanos, String clusterId, int nodes) {
        this.answered = true;
        this.lastAnswerNanos = nowNanos;
        this.clusterId = clusterId;
        this.nodes = nodes;
        this.failuresInARow = 0;
        this.lastError = null;
    }

    synchronized void failed(long nowNanos, String error) {
        this.lastError = error;
        this.failuresInARow++;
    }

    /** How long the cluster has not answered: since the last answer, or since start if none yet. */
    synchronized Duration unansweredFor(long nowNanos) {
        return Duration.ofNanos(Math.max(0, nowNanos - (answered ? lastAnswerNanos : startedNanos)));
    }

    synchronized boolean up(long nowNanos) {
        return answered && nowNanos - lastAnswerNanos < downAfterNanos;
    }

    synchronized Verdict verdict(long nowNanos) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (answered) {
            details.put("clusterId", clusterId);
            details.put("brokers", nodes);
            details.put(
                    "lastAnswer", Duration.ofNanos(nowNanos - lastAnswerNanos).toMillis() + " ms ago");
        } else {
            details.put("lastAnswer", "none yet");
        }
        if (failuresInARow > 0) {
            details.put("failedChecksInARow", failuresInARow);
            details.put("lastError", lastError);
        }
        return new Verdict(up(nowNanos), details);
    }
}
