package io.mrm.health.domain;

import java.util.concurrent.CompletionStage;

/**
 * Checks one target once. One implementation per kind of probe (HTTP, TCP, DNS,
 * PostgreSQL, SAP HANA, AEM SEMP), each in {@code ..adapter.probe}.
 *
 * <p>Contract: {@link #probe()} returns promptly (it starts the work, it does not wait for it) and
 * the stage completes with a result, DOWN with a reason for every failure, within the probe's own
 * timeouts. The scheduler still guards against probes that throw, complete exceptionally or never
 * complete, and reports those DOWN too.
 */
public interface Probe {

    CompletionStage<ProbeResult> probe();
}
