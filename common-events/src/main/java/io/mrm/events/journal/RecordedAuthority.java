package io.mrm.events.journal;

import io.mrm.events.Require;
import java.util.List;

/**
 * Who may send requests, as the journal records it: enough to refuse exactly the requests the
 * engine refused. Public keys are not secrets.
 *
 * @param signaturesRequired unsigned requests are refused
 * @param maxAgeMs           a signed request issued longer ago than this is refused as expired
 * @param maxClockSkewMs     a signed request issued further in the future than this is refused
 * @param operators          the operators
 * @param clusterId          the Kafka cluster the engine ran on: signed requests had to be signed for it.
 *                           Absent in records of engines that took requests signed for no cluster
 *                           ({@code mrm-operator-request-v1}), which a replay then verifies as they did
 */
public record RecordedAuthority(
        boolean signaturesRequired,
        long maxAgeMs,
        long maxClockSkewMs,
        List<RecordedOperator> operators,
        String clusterId) {

    /** An authority bound to no cluster (as engines recorded it before requests were). */
    public RecordedAuthority(
            boolean signaturesRequired, long maxAgeMs, long maxClockSkewMs, List<RecordedOperator> operators) {
        this(signaturesRequired, maxAgeMs, maxClockSkewMs, operators, null);
    }

    public RecordedAuthority {
        Require.optionalClusterId("clusterId", clusterId);
        Require.atLeast("maxAgeMs", maxAgeMs, 1L);
        Require.atLeast("maxClockSkewMs", maxClockSkewMs, 0L);
        operators = Require.list("operators", operators);
    }
}
