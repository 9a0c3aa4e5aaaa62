package io.mrm.events.observation;

import io.mrm.events.Require;
import java.time.Instant;

/**
 * One probe result: what {@code vantage} saw of {@code component} in {@code region}.
 *
 * @param region    the region probed
 * @param component what was probed, e.g. {@code app}, {@code hana}, {@code aem}, {@code dns}
 * @param probe     the kind of probe
 * @param vantage   the monitor instance (vantage point) that probed
 * @param status    what it saw
 * @param latencyMs how long the probe took, when it completed
 * @param detail    a short human-readable explanation (never credentials)
 * @param vantageRegion the region (or site) of the monitor instance that published this observation, when
 *                  configured, so a reader can tell a monitor cut off with its own region from one that sees
 *                  another region fail
 * @param monitorRun one id per start of the monitor process that published this observation
 * @param sequence  this observation's number within {@code monitorRun}, from 1, increasing with every
 *                  observation the run publishes for the application: lets the engine drop a vantage's
 *                  replayed or reordered reports without trusting the monitor's clock
 */
public record HealthObservation(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String region,
        String component,
        ProbeKind probe,
        String vantage,
        HealthStatus status,
        Long latencyMs,
        String detail,
        String vantageRegion,
        String monitorRun,
        Long sequence)
        implements ObservationEvent {

    public static final int SCHEMA_VERSION = 1;

    public HealthObservation {
        Require.common(id, applicationId, time, schemaVersion);
        Require.name("region", region);
        Require.name("component", component);
        Require.present("probe", probe);
        Require.name("vantage", vantage);
        Require.present("status", status);
        if (latencyMs != null) {
            Require.atLeast("latencyMs", latencyMs, 0);
        }
        Require.optionalText("detail", detail);
        Require.optionalName("vantageRegion", vantageRegion);
        Require.optionalId("monitorRun", monitorRun);
        if (sequence != null) {
            Require.atLeast("sequence", sequence, 1);
        }
    }

    /** Without a run and sequence: what monitors wrote before they numbered their observations. */
    public HealthObservation(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String region,
            String component,
            ProbeKind probe,
            String vantage,
            HealthStatus status,
            Long latencyMs,
            String detail,
            String vantageRegion) {
        this(
                id,
                applicationId,
                time,
                schemaVersion,
                region,
                component,
                probe,
                vantage,
                status,
                latencyMs,
                detail,
                vantageRegion,
                null,
                null);
    }

    /** Without a region label for the monitor: what producers wrote before {@code vantageRegion} existed. */
    public HealthObservation(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            String region,
            String component,
            ProbeKind probe,
            String vantage,
            HealthStatus status,
            Long latencyMs,
            String detail) {
        this(
                id,
                applicationId,
                time,
                schemaVersion,
                region,
                component,
                probe,
                vantage,
                status,
                latencyMs,
                detail,
                null,
                null,
                null);
    }
}
