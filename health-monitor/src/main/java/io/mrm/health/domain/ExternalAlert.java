package io.mrm.health.domain;

import io.mrm.events.Require;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert another monitoring system raised or resolved, as read from its webhook.
 *
 * @param source      who sent it, e.g. {@code alertmanager}, {@code azure-monitor}; becomes the observation's vantage
 * @param name        the alert's name (Alertmanager {@code alertname}, Azure {@code alertRule})
 * @param labels      its labels (Azure: custom properties and severity)
 * @param firing      true while the condition holds, false once resolved
 * @param summary     a short text for the observation's detail, or null
 * @param fingerprint the sender's id of this alert instance (Alertmanager {@code fingerprint}, Azure
 *                    {@code alertId}), the same in every notification about it; null when not sent
 * @param endsAt      when the sender says a firing alert stops counting unless renewed; null when it says
 *                    nothing (Alertmanager sends its zero time for alerts still firing)
 */
public record ExternalAlert(
        String source,
        String name,
        Map<String, String> labels,
        boolean firing,
        String summary,
        String fingerprint,
        Instant endsAt) {

    public ExternalAlert {
        Require.name("source", source);
        Require.text("name", name);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        fingerprint = fingerprint == null || fingerprint.isBlank() ? null : fingerprint;
    }

    /** An alert without a fingerprint or an end: told apart from others by its name and labels. */
    public ExternalAlert(String source, String name, Map<String, String> labels, boolean firing, String summary) {
        this(source, name, labels, firing, summary, null, null);
    }

    /** Which alert instance this is, the same across notifications: the fingerprint, else name and labels. */
    public String identity() {
        return fingerprint != null ? fingerprint : name + new TreeMap<>(labels);
    }

    /** The {@code severity} label (Azure: {@code Sev0}..{@code Sev4}), or null. */
    public String severity() {
        return labels.get("severity");
    }
}
