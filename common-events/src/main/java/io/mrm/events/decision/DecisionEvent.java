package io.mrm.events.decision;

import io.mrm.events.MrmEvent;

/** Events on the decisions topic: what the engine decided, answered and alerted. */
public sealed interface DecisionEvent extends MrmEvent permits FailoverDecision, RequestOutcome, Alert {}
