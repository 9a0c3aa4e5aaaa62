package io.mrm.aem.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.aem.domain.FenceMark;
import io.mrm.aem.domain.ReplicatedVpn;
import io.mrm.aem.domain.VpnState;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.command.ReplicationRole;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Message VPN through Solace's SEMP v2, as Solace documents it:
 * <ul>
 *   <li>state: {@code GET /SEMP/v2/monitor/msgVpns/{vpn}} ({@code state}, {@code replicationEnabled},
 *       {@code replicationRole}, {@code replicationBridgeUp}, {@code replicationRemoteBridgeUp}) and
 *       {@code GET /SEMP/v2/monitor/msgVpns/{vpn}/queues/%23MSGVPN_REPLICATION_DATA_QUEUE}
 *       ({@code collections.msgs.count}, {@code data.msgSpoolUsage});</li>
 *   <li>role: {@code PATCH /SEMP/v2/config/msgVpns/{vpn}} with {@code {"replicationRole": "active"}};</li>
 *   <li>fence marks: durable queues named {@code mrm/<app>/fence/<epoch>} and
 *       {@code mrm/<app>/intent/<epoch>/<instance>/<created-ms>}, created by {@code POST
 *       /SEMP/v2/config/msgVpns/{vpn}/queues} (atomic: a second create of a name fails with
 *       {@code ALREADY_EXISTS}), with ingress and egress off and no access, listed with
 *       {@code where=queueName==mrm/<app>/*} and deleted by name. SEMP v2 has no conditional write and
 *       the Message VPN no free attribute, so a named object is the one place it offers.</li>
 * </ul>
 * Names in paths are URL-encoded; the VPN name comes from configuration only.
 */
public final class SempReplicatedVpn implements ReplicatedVpn {

    public static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";
    static final String MARK_PREFIX = "mrm/";
    /** Queue names are at most 200 characters; the instance part is cut to keep within that. */
    static final int MAX_INSTANCE_IN_NAME = 80;

    private static final Pattern FENCE = Pattern.compile("mrm/([a-z0-9-]+)/fence/(\\d{1,19})");
    private static final Pattern INTENT =
            Pattern.compile("mrm/([a-z0-9-]+)/intent/(\\d{1,19})/([A-Za-z0-9._-]+)/(\\d{1,19})");
    private static final int MAX_PAGES = 50;

    private final SempV2Client semp;
    private final String vpn;

    public SempReplicatedVpn(SempV2Client semp, String vpn) {
        this.semp = semp;
        this.vpn = vpn;
    }

    @Override
    public ReplicatedVpn within(Instant until) {
        return new SempReplicatedVpn(semp.until(until), vpn);
    }

    @Override
    public String describe() {
        return "VPN " + vpn + " at " + semp.broker();
    }

    @Override
    public VpnState read() throws ActuatorFailure {
        JsonNode data = semp.get("/SEMP/v2/monitor/msgVpns/" + SempV2Client.segment(vpn)
                        + "?select=msgVpnName,state,replicationEnabled,replicationRole,replicationBridgeUp,"
                        + "replicationRemoteBridgeUp")
                .path("data");
        Long messages = null;
        Long bytes = null;
        try {
            JsonNode queue = semp.get("/SEMP/v2/monitor/msgVpns/" + SempV2Client.segment(vpn) + "/queues/"
                    + SempV2Client.segment(REPLICATION_QUEUE));
            JsonNode count = queue.path("collections").path("msgs").path("count");
            messages = count.isIntegralNumber() ? count.asLong() : null;
            JsonNode usage = queue.path("data").path("msgSpoolUsage");
            bytes = usage.isIntegralNumber() ? usage.asLong() : null;
        } catch (ActuatorFailure e) {
            if (!"NOT_FOUND".equals(e.code())) {
                throw e;
            }
            // no replication queue (replication not configured): its depth stays unknown
        }
        return new VpnState(
                vpn,
                text(data, "state"),
                data.path("replicationEnabled").asBoolean(false),
                role(text(data, "replicationRole")),
                bool(data, "replicationBridgeUp"),
                bool(data, "replicationRemoteBridgeUp"),
                messages,
                bytes);
    }

    @Override
    public void setRole(ReplicationRole role) throws ActuatorFailure {
        ObjectNode body = SempV2Client.JSON
                .createObjectNode()
                .put("replicationRole", role.name().toLowerCase(Locale.ROOT));
        semp.patch("/SEMP/v2/config/msgVpns/" + SempV2Client.segment(vpn), body);
    }

    @Override
    public List<FenceMark> marks(String applicationId) throws ActuatorFailure {
        String prefix = MARK_PREFIX + applicationId + "/";
        JsonNode page = semp.get("/SEMP/v2/config/msgVpns/" + SempV2Client.segment(vpn) + "/queues?count=100"
                + "&select=queueName&where=" + SempV2Client.query("queueName==" + prefix + "*"));
        List<FenceMark> marks = new ArrayList<>();
        for (int pages = 1; ; pages++) {
            for (JsonNode queue : page.path("data")) {
                FenceMark mark = parse(applicationId, queue.path("queueName").asText(""));
                if (mark != null) {
                    marks.add(mark);
                }
            }
            JsonNode next = page.path("meta").path("paging").path("nextPageUri");
            if (!next.isTextual() || next.asText().isBlank()) {
                return marks;
            }
            if (pages >= MAX_PAGES) {
                throw ActuatorFailure.fatal(
                        "TOO_MANY_MARKS",
                        describe() + " holds more than " + (MAX_PAGES * 100) + " MRM fence queues for " + applicationId
                                + "; remove old mrm/" + applicationId + "/ queues");
            }
            page = semp.getAbsolute(next.asText());
        }
    }

    @Override
    public void create(String applicationId, FenceMark mark) throws ActuatorFailure {
        ObjectNode body = SempV2Client.JSON
                .createObjectNode()
                .put("queueName", name(applicationId, mark))
                .put("ingressEnabled", false)
                .put("egressEnabled", false)
                .put("permission", "no-access")
                .put("maxMsgSpoolUsage", 0);
        try {
            semp.post("/SEMP/v2/config/msgVpns/" + SempV2Client.segment(vpn) + "/queues", body);
        } catch (ActuatorFailure e) {
            if (!"ALREADY_EXISTS".equals(e.code())) {
                throw e;
            }
        }
    }

    @Override
    public void delete(String applicationId, FenceMark mark) throws ActuatorFailure {
        try {
            semp.delete("/SEMP/v2/config/msgVpns/" + SempV2Client.segment(vpn) + "/queues/"
                    + SempV2Client.segment(name(applicationId, mark)));
        } catch (ActuatorFailure e) {
            if (!"NOT_FOUND".equals(e.code())) {
                throw e;
            }
        }
    }

    /** The queue name of a mark; the inverse of {@link #parse}. */
    static String name(String applicationId, FenceMark mark) {
        String epoch = String.format(Locale.ROOT, "%019d", mark.epoch());
        if (mark.isFence()) {
            return MARK_PREFIX + applicationId + "/fence/" + epoch;
        }
        String instance = mark.instance().replaceAll("[^A-Za-z0-9._-]", "_");
        if (instance.length() > MAX_INSTANCE_IN_NAME) {
            instance = instance.substring(0, MAX_INSTANCE_IN_NAME);
        }
        return MARK_PREFIX + applicationId + "/intent/" + epoch + "/" + instance + "/"
                + mark.created().toEpochMilli();
    }

    /** The mark a queue name stands for, or null if it is no MRM mark of this application. */
    static FenceMark parse(String applicationId, String queueName) {
        Matcher fence = FENCE.matcher(queueName);
        if (fence.matches() && fence.group(1).equals(applicationId)) {
            return FenceMark.fence(Long.parseLong(fence.group(2)));
        }
        Matcher intent = INTENT.matcher(queueName);
        if (intent.matches() && intent.group(1).equals(applicationId)) {
            return FenceMark.intent(
                    Long.parseLong(intent.group(2)),
                    intent.group(3),
                    Instant.ofEpochMilli(Long.parseLong(intent.group(4))));
        }
        return null;
    }

    private static ReplicationRole role(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "active" -> ReplicationRole.ACTIVE;
            case "standby" -> ReplicationRole.STANDBY;
            default -> null;
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isBoolean() ? value.asBoolean() : null;
    }
}
