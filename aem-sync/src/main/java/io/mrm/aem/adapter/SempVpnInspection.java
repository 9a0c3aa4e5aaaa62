package io.mrm.aem.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.aem.domain.InspectionFailure;
import io.mrm.aem.domain.QueueState;
import io.mrm.aem.domain.SempAccess;
import io.mrm.aem.domain.VpnInspection;
import io.mrm.aem.domain.VpnState;
import io.mrm.events.ack.ActuatorFailure;
import java.time.Instant;
import java.util.Optional;

/**
 * One Message VPN read for the readiness checks through Solace's SEMP v2 monitor API, GETs only:
 * <ul>
 *   <li>state: the same two reads as {@link SempReplicatedVpn#read()};</li>
 *   <li>access: {@code GET /SEMP/v2/monitor/about/user?select=globalAccessLevel} and
 *       {@code GET /SEMP/v2/monitor/about/user/msgVpns/{vpn}?select=accessLevel} (AboutService "Get a User
 *       object", "Get a User Message VPN object": the levels of the user the request authenticates as;
 *       available since SEMP 2.13 and 2.11, so an older broker's refusal leaves them unreported);</li>
 *   <li>delivery-check queue: {@code GET /SEMP/v2/monitor/msgVpns/{vpn}/queues/{queue}
 *       ?select=queueName,ingressEnabled,egressEnabled} (MsgVpnQueue); a missing queue is Solace's HTTP 400
 *       {@code NOT_FOUND}.</li>
 * </ul>
 * Failures are classified by HTTP status, as Solace's "SEMP Error Handling" page advises (the error strings
 * are for logging): 401, 403, a missing object, no conclusive answer (timeouts, 5xx, 429, no connection, a
 * body that is not SEMP), and the rest.
 */
public final class SempVpnInspection implements VpnInspection {

    private final SempV2Client semp;
    private final String vpn;
    /** The delivery check's VPN and queue, or null when none is configured. */
    private final String queueVpn;

    private final String queue;

    public SempVpnInspection(SempV2Client semp, String vpn, String queueVpn, String queue) {
        if ((queueVpn == null) != (queue == null)) {
            throw new IllegalArgumentException("a delivery-check queue needs its VPN and its name");
        }
        this.semp = semp;
        this.vpn = vpn;
        this.queueVpn = queueVpn;
        this.queue = queue;
    }

    @Override
    public String describe() {
        return "VPN " + vpn + " at " + semp.broker();
    }

    @Override
    public VpnInspection within(Instant until) {
        return new SempVpnInspection(semp.until(until), vpn, queueVpn, queue);
    }

    @Override
    public VpnState state() throws InspectionFailure {
        try {
            return new SempReplicatedVpn(semp, vpn).read();
        } catch (ActuatorFailure e) {
            throw classified(e);
        }
    }

    @Override
    public SempAccess access() throws InspectionFailure {
        try {
            String global = text(
                    semp.get("/SEMP/v2/monitor/about/user?select=globalAccessLevel")
                            .path("data"),
                    "globalAccessLevel");
            String onVpn = text(
                    semp.get("/SEMP/v2/monitor/about/user/msgVpns/" + SempV2Client.segment(vpn) + "?select=accessLevel")
                            .path("data"),
                    "accessLevel");
            return new SempAccess(global, onVpn);
        } catch (ActuatorFailure e) {
            if (e instanceof SempFailure f
                    && f.status() >= 400
                    && f.status() < 500
                    && f.status() != 401
                    && f.status() != 403
                    && f.status() != 429) {
                return new SempAccess(null, null); // a broker without the about/user resources
            }
            throw classified(e);
        }
    }

    @Override
    public Optional<QueueState> deliveryQueue() throws InspectionFailure {
        if (queue == null) {
            return Optional.empty();
        }
        try {
            JsonNode data = semp.get("/SEMP/v2/monitor/msgVpns/" + SempV2Client.segment(queueVpn) + "/queues/"
                            + SempV2Client.segment(queue) + "?select=queueName,ingressEnabled,egressEnabled")
                    .path("data");
            return Optional.of(
                    new QueueState(queueVpn, queue, true, bool(data, "ingressEnabled"), bool(data, "egressEnabled")));
        } catch (ActuatorFailure e) {
            if ("NOT_FOUND".equals(e.code()) || (e instanceof SempFailure f && f.status() == 404)) {
                return Optional.of(QueueState.missing(queueVpn, queue));
            }
            throw classified(e);
        }
    }

    /** The failure as a readiness check reads it. */
    static InspectionFailure classified(ActuatorFailure e) {
        InspectionFailure.Kind kind;
        if (e instanceof SempFailure f && f.status() == 401) {
            kind = InspectionFailure.Kind.CREDENTIALS_REFUSED;
        } else if (e instanceof SempFailure f && f.status() == 403) {
            kind = InspectionFailure.Kind.NOT_AUTHORISED;
        } else if (e instanceof SempFailure f && (f.status() == 404 || "NOT_FOUND".equals(f.code()))) {
            kind = InspectionFailure.Kind.NOT_FOUND;
        } else if (e.retriable()) {
            kind = InspectionFailure.Kind.NO_ANSWER;
        } else {
            kind = InspectionFailure.Kind.REFUSED;
        }
        return new InspectionFailure(kind, e.getMessage());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isBoolean() ? value.asBoolean() : null;
    }
}
