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
 */
public record RecordedAuthority(
        boolean signaturesRequired,
        long maxAgeMs,
        long maxClockSkewMs,
        List<RecordedOperator> operators) {

    public RecordedAuthority {
        Require.atLeast("maxAgeMs", maxAgeMs, 1L);
        Require.atLeast("maxClockSkewMs", maxClockSkewMs, 0L);
        operators = Require.list("operators", operators);
    }
}
