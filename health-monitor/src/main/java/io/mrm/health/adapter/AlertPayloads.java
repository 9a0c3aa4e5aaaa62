package io.mrm.health.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.health.domain.ExternalAlert;
import java.io.IOException;
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
 *       {@code annotations.summary} or {@code annotations.description}.</li>
 *   <li>Azure Monitor common alert schema: {@code schemaId} {@code azureMonitorCommonAlertSchema},
 *       {@code data.essentials.alertRule}, {@code data.essentials.monitorCondition}
 *       {@code Fired}/{@code Resolved}, {@code data.essentials.severity} and {@code data.customProperties}
 *       as labels, {@code data.essentials.description} as summary.</li>
 * </ul>
 */
public final class AlertPayloads {

    public static final String ALERTMANAGER = "alertmanager";
    public static final String AZURE_MONITOR = "azure-monitor";
    public static final int MAX_BODY_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a body was refused; the message is the reason given to the caller. */
    public static final class MalformedAlertException extends Exception {
        public MalformedAlertException(String reason) {
            super(reason);
        }
    }

    private AlertPayloads() {
    }

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
                throw new MalformedAlertException(at + ".status must be firing or resolved, was " + describe(alert.get("status")));
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
            out.add(new ExternalAlert(ALERTMANAGER, name, labels, "firing".equals(status), summary));
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
        return List.of(new ExternalAlert(AZURE_MONITOR, rule, labels, "Fired".equals(condition),
                text(essentials, "description")));
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
