package io.mrm.aem.domain;

import io.mrm.events.command.ReplicationRole;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the broker reports about one Message VPN's replication. Booleans and counts the broker did
 * not send are null (SEMP v2 marks every monitor attribute optional), and an absent value must not
 * read as a confirmed one.
 *
 * @param vpn                the Message VPN
 * @param state              the VPN's operational state, e.g. {@code up}
 * @param replicationEnabled whether replication is enabled on it
 * @param role               its replication role, null if the broker named none we know
 * @param bridgeUp           the local replication bridge is up
 * @param remoteBridgeUp     the remote replication bridge is up
 * @param queuedMessages     messages in {@code #MSGVPN_REPLICATION_DATA_QUEUE}
 * @param queuedBytes        the same queue's spool usage in bytes
 */
public record VpnState(
        String vpn,
        String state,
        boolean replicationEnabled,
        ReplicationRole role,
        Boolean bridgeUp,
        Boolean remoteBridgeUp,
        Long queuedMessages,
        Long queuedBytes) {

    /** True when the replication queue is known to be empty. */
    public boolean replicationQueueEmpty() {
        if (queuedMessages != null) {
            return queuedMessages == 0;
        }
        return queuedBytes != null && queuedBytes == 0;
    }

    /** True when the replication queue's depth is known at all. */
    public boolean replicationQueueKnown() {
        return queuedMessages != null || queuedBytes != null;
    }

    /** "up", "down" or "unknown" for the local bridge. */
    public String bridge() {
        return bridgeUp == null ? "unknown" : bridgeUp ? "up" : "down";
    }

    /** A short description for acknowledgements. */
    public String summary() {
        return "VPN " + vpn + " " + (state == null ? "state unknown" : state) + ", role "
                + (role == null ? "unknown" : role.name().toLowerCase(java.util.Locale.ROOT))
                + (replicationEnabled ? "" : " (replication not enabled)") + ", bridge " + bridge()
                + ", replication queue "
                + (queuedMessages != null
                        ? queuedMessages + " messages"
                        : queuedBytes != null ? queuedBytes + " bytes" : "unknown");
    }

    /** The state as an acknowledgement's observed map (what the issue calls the status); absent values are left out. */
    public Map<String, String> observed() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("vpn", vpn);
        if (state != null) {
            map.put("vpnState", state);
        }
        map.put("replicationEnabled", Boolean.toString(replicationEnabled));
        if (role != null) {
            map.put("role", role.name());
        }
        if (bridgeUp != null) {
            map.put("replicationBridgeUp", bridgeUp.toString());
        }
        if (remoteBridgeUp != null) {
            map.put("replicationRemoteBridgeUp", remoteBridgeUp.toString());
        }
        if (queuedMessages != null) {
            map.put("replicationQueueMessages", queuedMessages.toString());
        }
        if (queuedBytes != null) {
            map.put("replicationQueueBytes", queuedBytes.toString());
        }
        return map;
    }
}
