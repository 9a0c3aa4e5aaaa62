package io.mrm.audit;

/** A record the audit could not decode: counted and reported, never fatal. */
public record Undecodable(String topic, int partition, long offset, String reason) {}
