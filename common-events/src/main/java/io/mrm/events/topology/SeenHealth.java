package io.mrm.events.topology;

/**
 * How the engine sees a region, or one vantage point sees it. For a region: the quorum's verdict (UP,
 * DOWN or UNKNOWN; DEGRADED when UP but a quorum reports a component degraded). For a vantage point: what
 * its fresh reports say (STALE when its latest reports are older than the policy's stale-after, UNKNOWN
 * when it has never reported).
 */
public enum SeenHealth {
    UP,
    DEGRADED,
    DOWN,
    STALE,
    UNKNOWN
}
