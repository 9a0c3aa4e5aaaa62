package io.mrm.chaos.domain;

import java.util.List;

/** A property every chaos run must keep, checked on what the run left behind. */
public interface Invariant {

    /** A short name for reports. */
    String name();

    /** The breaches in {@code history}; empty when it holds. */
    List<Violation> check(History history);
}
