package io.mrm.decision.domain;

/** A region as the quorum of fresh vantage points sees it. UNKNOWN is never treated as UP. */
public enum RegionHealth {
    UP,
    DOWN,
    UNKNOWN
}
