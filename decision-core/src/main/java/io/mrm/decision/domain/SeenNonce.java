package io.mrm.decision.domain;

import java.time.Instant;

/** A signed request's nonce, remembered until its request would be refused as expired anyway. */
public record SeenNonce(String operator, String nonce, Instant forgetAfter) {}
