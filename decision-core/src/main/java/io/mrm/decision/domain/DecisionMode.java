package io.mrm.decision.domain;

/** AUTOMATIC: the engine executes its own decisions. MANUAL: it proposes and waits for an approval. */
public enum DecisionMode {
    AUTOMATIC,
    MANUAL
}
