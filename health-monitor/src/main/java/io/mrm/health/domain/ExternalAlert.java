package io.mrm.health.domain;

import io.mrm.events.Require;
import java.util.Map;

/**
 * An alert another monitoring system raised or resolved, as read from its webhook.
 *
 * @param source  who sent it, e.g. {@code alertmanager}, {@code azure-monitor}; becomes the observation's vantage
 * @param name    the alert's name (Alertmanager {@code alertname}, Azure {@code alertRule})
 * @param labels  its labels (Azure: custom properties and severity)
 * @param firing  true while the condition holds, false once resolved
 * @param summary a short text for the observation's detail, or null
 */
public record ExternalAlert(String source, String name, Map<String, String> labels, boolean firing, String summary) {

    public ExternalAlert {
        Require.name("source", source);
        Require.text("name", name);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
