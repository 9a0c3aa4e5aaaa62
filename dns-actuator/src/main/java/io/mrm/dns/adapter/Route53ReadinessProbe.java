package io.mrm.dns.adapter;

import io.mrm.dns.adapter.Route53DnsRouter.Target;
import io.mrm.dns.adapter.Route53DnsRouter.Zone;
import io.mrm.dns.domain.DnsReadinessProbe;
import io.mrm.dns.domain.DnsState;
import io.mrm.dns.domain.Probe;
import io.mrm.events.ack.ActuatorFailure;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.GetHostedZoneResponse;

/**
 * Route 53 readiness, read-only: the credential can read the hosted zone ({@code GetHostedZone}) and the
 * application's record set and fencing token ({@code ListResourceRecordSets}, through the router's own
 * read), and the region has a target. AWS error codes become actionable reasons; the codes are those of the
 * Route 53 API reference ("GetHostedZone": {@code NoSuchHostedZone}, {@code InvalidInput}) and of the AWS
 * common errors ({@code AccessDenied}, {@code InvalidClientTokenId}, {@code ExpiredToken},
 * {@code SignatureDoesNotMatch}, {@code Throttling}), with or without the {@code Exception} suffix some
 * references give them. Throttling, 5xx and time-outs are UNKNOWN; the rest NOT_READY.
 */
public final class Route53ReadinessProbe implements DnsReadinessProbe {

    static final String HOSTED_ZONE = "hosted-zone";
    static final String RECORD_SET = "record-set";
    static final String TARGET = "target";

    private final Route53Client client;
    private final Map<String, Zone> zones;
    private final Route53DnsRouter router;

    public Route53ReadinessProbe(Route53Client client, Map<String, Zone> zones, Route53DnsRouter router) {
        this.client = client;
        this.zones = new TreeMap<>(zones);
        this.router = router;
    }

    @Override
    public List<String> applications() {
        return List.copyOf(zones.keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        Zone zone = zones.get(applicationId);
        return zone == null ? List.of() : List.copyOf(new TreeMap<>(zone.targets()).keySet());
    }

    @Override
    public List<Probe> route(String applicationId, String region) {
        Zone zone = zones.get(applicationId);
        if (zone == null) {
            return List.of(Probe.notReady(
                    HOSTED_ZONE,
                    "application " + applicationId + " has no Route 53 record configured: add it under "
                            + "mrm.dns.route53.applications"));
        }
        return List.of(hostedZone(zone), recordSet(applicationId, zone), target(applicationId, zone, region));
    }

    private Probe hostedZone(Zone zone) {
        GetHostedZoneResponse response;
        try {
            response = client.getHostedZone(r -> r.id(zone.hostedZoneId()));
        } catch (SdkException e) {
            return failed(HOSTED_ZONE, Route53Errors.classify(e), zone, "route53:GetHostedZone");
        }
        String zoneName = Route53DnsRouter.canonical(response.hostedZone().name());
        if (!zone.recordName().equals(zoneName) && !zone.recordName().endsWith("." + zoneName)) {
            return Probe.notReady(
                    HOSTED_ZONE,
                    "record " + zone.recordName() + " is not inside hosted zone " + zone.hostedZoneId() + " ("
                            + zoneName + "): fix hosted-zone-id or record-name");
        }
        boolean privateZone = response.hostedZone().config() != null
                && Boolean.TRUE.equals(response.hostedZone().config().privateZone());
        return Probe.ready(
                HOSTED_ZONE,
                "hosted zone " + zoneName + " (" + zone.hostedZoneId() + ", " + (privateZone ? "private" : "public")
                        + ") is readable");
    }

    private Probe recordSet(String applicationId, Zone zone) {
        DnsState state;
        try {
            state = router.current(applicationId);
        } catch (ActuatorFailure e) {
            return failed(RECORD_SET, e, zone, "route53:ListResourceRecordSets");
        }
        return Probe.ready(
                RECORD_SET,
                "record set " + zone.recordName() + " " + zone.recordType() + " and token " + zone.tokenName()
                        + " are readable: "
                        + (state.region() == null ? "routed to no configured region" : "routed to " + state.region())
                        + " at epoch " + state.epoch()
                        + (state.isPending() ? ", change " + state.pendingChange() + " still pending" : ""));
    }

    private Probe target(String applicationId, Zone zone, String region) {
        Target target = zone.targets().get(region);
        if (target == null) {
            return Probe.notReady(
                    TARGET,
                    "no target for region " + region + ": set mrm.dns.route53.applications." + applicationId
                            + ".targets." + region + ".value");
        }
        return Probe.ready(
                TARGET,
                (target.alias() ? "alias " : "") + "target for " + region + " is " + target.value()
                        + (target.alias() ? "" : ", TTL " + router.ttl().toSeconds() + " s"));
    }

    /** An AWS failure as a probe: retriable ones cannot tell, the others say what to fix. */
    static Probe failed(String check, ActuatorFailure failure, Zone zone, String permission) {
        String code = failure.code();
        String normalized = code.endsWith("Exception") ? code.substring(0, code.length() - "Exception".length()) : code;
        String what = failure.getMessage();
        if (failure.retriable()) {
            return Probe.unknown(check, code + " (could not tell, will check again): " + what);
        }
        String fix = switch (normalized) {
            case "AccessDenied" ->
                "the credential may not call " + permission + " on hosted zone " + zone.hostedZoneId()
                        + ": grant it route53:GetHostedZone, route53:ListResourceRecordSets,"
                        + " route53:ChangeResourceRecordSets, route53:GetChange and route53:TestDNSAnswer";
            case "InvalidClientTokenId", "UnrecognizedClient" ->
                "AWS does not know the access key id (deleted, deactivated or of another partition): give the"
                        + " service a valid credential";
            case "ExpiredToken" ->
                "the credential's session token has expired: refresh the temporary credentials (role session,"
                        + " web-identity token file, SSO profile)";
            case "SignatureDoesNotMatch", "IncompleteSignature" ->
                "the secret access key does not belong to the access key id: fix the credential";
            case "RequestExpired" -> "the request's time stamp is off by more than 15 minutes: fix this host's clock";
            case "NoSuchHostedZone" ->
                "hosted zone " + zone.hostedZoneId() + " does not exist in this account: fix hosted-zone-id, or use"
                        + " the account's credential";
            case "CLIENT_ERROR" -> "no usable AWS credential was found: configure the default credential chain";
            default -> "fix the configuration or the credential";
        };
        return Probe.notReady(check, code + ": " + fix + " (" + what + ")");
    }
}
