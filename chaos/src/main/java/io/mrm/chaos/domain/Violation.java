package io.mrm.chaos.domain;

/** One breach of an invariant: which one, and what the history showed. */
public record Violation(String invariant, String detail) {

    @Override
    public String toString() {
        return invariant + ": " + detail;
    }
}
