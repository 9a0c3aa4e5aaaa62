package io.mrm.dns.domain;

import io.mrm.events.readiness.ReadinessStatus;
import java.util.Objects;

/**
 * What one read-only check of the DNS backend found.
 *
 * @param check  a short lower-case name, e.g. {@code hosted-zone}, {@code update-permission}
 * @param status READY, UNKNOWN (could not tell) or NOT_READY (the step would fail)
 * @param reason for NOT_READY what is wrong and what to fix; for UNKNOWN why it could not tell; for
 *               READY what was seen
 */
public record Probe(String check, ReadinessStatus status, String reason) {

    public Probe {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
    }

    public static Probe ready(String check, String reason) {
        return new Probe(check, ReadinessStatus.READY, reason);
    }

    public static Probe unknown(String check, String reason) {
        return new Probe(check, ReadinessStatus.UNKNOWN, reason);
    }

    public static Probe notReady(String check, String reason) {
        return new Probe(check, ReadinessStatus.NOT_READY, reason);
    }
}
