package io.mrm.health.adapter.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.health.domain.ExternalAlert;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the two webhook formats MRM accepts into {@link ExternalAlert}s, or refuses the whole body
 * with the first reason it is malformed (so a bad call publishes nothing).
 *
 * <ul>
 *   <li>Prometheus Alertmanager (webhook payload version 4): {@code alerts[]}, each with {@code status}
 *       {@code firing}/{@code resolved}, {@code labels.alertname}, other labels, and
 *       {@code annotations.summary} or {@code annotations.description}, {@code fingerprint} (the instance's id)
 *       and {@code endsAt} (Go's zero time, which Alertmanager sends for alerts still firing, means none).</li>
 *   <li>Azure Monitor common alert schema: {@code schemaId} {@code azureMonitorCommonAlertSchema},
 *       {@code data.essentials.alertRule}, {@code data.essentials.monitorCondition}
 *       {@code Fired}/{@code Resolved}, {@code data.essentials.severity} and {@code data.customProperties}
 *       as labels, {@code data.essentials.description} as summary, {@code data.essentials.alertId} as the
 *       instance's id.</li>
 * </ul>
 */
public final class AlertPayloads {

    public static final String ALERTMANAGER = "alertmanager";
    public static final String AZURE_MONITOR = "azure-monitor";
    public static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Go's zero time: Alertmanager's {@code endsAt} of an alert that is still firing. */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    /** Why a body was refused; the message is the reason given to the caller. */
    public static final class MalformedAlertException extends Exception {
        public MalformedAlertException(String reason) {
            super(reason);
        }
    }

    private AlertPayloads() {}

    public static List<ExternalAlert> alertmanager(byte[] body) throws MalformedAlertException {
        JsonNode root = parse(body, "Alertmanager webhook");
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new MalformedAlertException("Alertmanager webhook needs an alerts array");
        }
        List<ExternalAlert> out = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode alert = alerts.get(i);
            String at = "alerts[" + i + "]";
            if (!alert.isObject()) {
                throw new MalformedAlertException(at + " must be an object");
            }
            String status = text(alert, "status");
            if (!"firing".equals(status) && !"resolved".equals(status)) {
                throw new MalformedAlertException(
                        at + ".status must be firing or resolved, was " + describe(alert.get("status")));
            }
            Map<String, String> labels = strings(alert.get("labels"), at + ".labels");
            String name = labels.get("alertname");
            if (name == null || name.isBlank()) {
                throw new MalformedAlertException(at + ".labels.alertname is required");
            }
            JsonNode annotations = alert.path("annotations");
            String summary = text(annotations, "summary");
            if (summary == null) {
                summary = text(annotations, "description");
            }
            out.add(new ExternalAlert(
                    ALERTMANAGER,
                    name,
                    labels,
                    "firing".equals(status),
                    summary,
                    optionalText(alert, "fingerprint", at),
                    endsAt(alert.get("endsAt"), at + ".endsAt")));
        }
        return out;
    }

    public static List<ExternalAlert> azureMonitor(byte[] body) throws MalformedAlertException {
        JsonNode root = parse(body, "Azure Monitor alert");
        if (!"azureMonitorCommonAlertSchema".equals(text(root, "schemaId"))) {
            throw new MalformedAlertException("Azure Monitor alert must use the common alert schema: schemaId must be "
                    + "azureMonitorCommonAlertSchema, was " + describe(root.get("schemaId")));
        }
        JsonNode essentials = root.path("data").path("essentials");
        if (!essentials.isObject()) {
            throw new MalformedAlertException("Azure Monitor alert needs data.essentials");
        }
        String rule = text(essentials, "alertRule");
        if (rule == null || rule.isBlank()) {
            throw new MalformedAlertException("data.essentials.alertRule is required");
        }
        String condition = text(essentials, "monitorCondition");
        if (!"Fired".equals(condition) && !"Resolved".equals(condition)) {
            throw new MalformedAlertException("data.essentials.monitorCondition must be Fired or Resolved, was "
                    + describe(essentials.get("monitorCondition")));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String severity = text(essentials, "severity");
        if (severity != null) {
            labels.put("severity", severity);
        }
        JsonNode custom = root.path("data").get("customProperties");
        if (custom != null && !custom.isNull()) {
            labels.putAll(strings(custom, "data.customProperties"));
        }
        return List.of(new ExternalAlert(
                AZURE_MONITOR,
                rule,
                labels,
                "Fired".equals(condition),
                text(essentials, "description"),
                optionalText(essentials, "alertId", "data.essentials"),
                null));
    }

    private static JsonNode parse(byte[] body, String what) throws MalformedAlertException {
        if (body == null || body.length == 0) {
            throw new MalformedAlertException(what + " body is empty");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new MalformedAlertException(what + " body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new MalformedAlertException(what + " body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedAlertException(what + " body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedAlertException(what + " body must be a JSON object");
        }
        return root;
    }

    private static Map<String, String> strings(JsonNode node, String at) throws MalformedAlertException {
        if (node == null || !node.isObject()) {
            throw new MalformedAlertException(at + " must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new MalformedAlertException(at + "." + field.getKey() + " must be a string");
            }
            out.put(field.getKey(), field.getValue().asText());
        }
        return out;
    }

    /** A field that may be absent or null, but is a string when present. */
    private static String optionalText(JsonNode node, String field, String at) throws MalformedAlertException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new MalformedAlertException(at + "." + field + " must be a string, was " + describe(value));
        }
        return value.asText();
    }

    private static Instant endsAt(JsonNode value, String at) throws MalformedAlertException {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            Instant instant = OffsetDateTime.parse(value.asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
            return instant.equals(GO_ZERO_TIME) ? null : instant;
        } catch (DateTimeParseException e) {
            throw new MalformedAlertException(
                    at + " must be an RFC 3339 time, e.g. 2026-11-25T10:04:00Z, was " + describe(value));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String describe(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "missing";
        }
        String text = value.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
