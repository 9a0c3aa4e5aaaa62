package io.mrm.aem.domain;

/**
 * A queue as the broker's monitor shows it.
 *
 * @param vpn            the Message VPN it belongs to
 * @param queue          its name
 * @param exists         false when the broker has no such queue
 * @param ingressEnabled whether it accepts messages; null when not reported
 * @param egressEnabled  whether it delivers them; null when not reported
 */
public record QueueState(String vpn, String queue, boolean exists, Boolean ingressEnabled, Boolean egressEnabled) {

    public static QueueState missing(String vpn, String queue) {
        return new QueueState(vpn, queue, false, null, null);
    }
}
