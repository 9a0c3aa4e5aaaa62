package io.mrm.dns.adapter;

import io.mrm.dns.adapter.Rfc2136DnsRouter.Application;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Settings;
import io.mrm.dns.domain.DnsReadinessProbe;
import io.mrm.dns.domain.Probe;
import io.mrm.events.ack.ActuatorFailure;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 readiness, without changing the zone: a TSIG-signed SOA query for the zone (the server is its
 * primary and accepts the key), then a TSIG-signed UPDATE that can never be applied. Its prerequisites say
 * both "a TXT record set exists at {@code _mrm-readiness-<random>.<name>}" and "that name is not in use"
 * (RFC 2136 §2.4.1 and §2.4.5), which cannot hold together; its update section is exactly what a switch
 * to the region writes (the name's records and the fencing token), so a server that checks the key's
 * permission for each record does so for the real names and types. The answer tells:
 * NXRRSET (or YXDOMAIN, NXDOMAIN) means the key was accepted and nothing changed; BADKEY, BADSIG or
 * BADTIME (TSIG), NOTAUTH, NOTZONE or REFUSED mean a switch would be refused too.
 *
 * <p>RFC 2136 §3 has servers check prerequisites before permissions; BIND 9.18 checks the update
 * policy first (answering REFUSED), which is what makes a key without permission visible here. On a server
 * that follows §3's order a key that may not change the name still reads NXRRSET: the probe then proves
 * the key and the zone, not the policy.
 */
public final class Rfc2136ReadinessProbe implements DnsReadinessProbe {

    static final String ZONE_SOA = "zone-soa";
    static final String UPDATE_PERMISSION = "update-permission";
    static final String TARGET = "target";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Rfc2136DnsRouter router;
    private final Settings settings;

    public Rfc2136ReadinessProbe(Rfc2136DnsRouter router) {
        this.router = router;
        this.settings = router.settings();
    }

    @Override
    public List<String> applications() {
        return List.copyOf(new TreeMap<>(settings.applications()).keySet());
    }

    @Override
    public List<String> regions(String applicationId) {
        Application app = settings.applications().get(applicationId);
        return app == null ? List.of() : List.copyOf(new TreeMap<>(app.targets()).keySet());
    }

    @Override
    public List<Probe> route(String applicationId, String region) {
        Application app;
        TSIG tsig;
        try {
            app = router.application(applicationId);
            tsig = settings.tsig().load();
        } catch (ActuatorFailure e) {
            return List.of(failed(ZONE_SOA, e));
        }
        List<Record> target = app.records(region, settings.ttl().toSeconds());
        if (target == null) {
            return List.of(Probe.notReady(
                    TARGET,
                    "no target for region " + region + ": set mrm.dns.rfc2136.applications." + applicationId
                            + ".targets." + region));
        }
        List<Probe> probes = new ArrayList<>();
        probes.add(Probe.ready(
                TARGET,
                "target for " + region + ": "
                        + target.stream().map(Record::rdataToString).toList() + ", TTL "
                        + settings.ttl().toSeconds() + " s"));
        probes.add(soa(app, tsig));
        probes.add(updatePermission(app, target, tsig));
        return probes;
    }

    private Probe soa(Application app, TSIG tsig) {
        String what = "query for the SOA of zone " + app.zone();
        try {
            List<Record> soa = router.await(router.query(app.zone(), Type.SOA, tsig), what);
            if (soa.isEmpty()) {
                return Probe.notReady(
                        ZONE_SOA,
                        app.zone() + " has no SOA at " + settings.server() + ": it is not a zone there; fix the"
                                + " application's zone");
            }
            return Probe.ready(
                    ZONE_SOA,
                    "zone " + app.zone() + " at " + settings.server() + ", serial "
                            + ((SOARecord) soa.get(0)).getSerial() + ", answers signed with key "
                            + settings.tsig().name());
        } catch (ActuatorFailure e) {
            return failed(ZONE_SOA, e);
        }
    }

    private Probe updatePermission(Application app, List<Record> target, TSIG tsig) {
        Name marker;
        try {
            marker = Name.concatenate(
                    Name.fromString("_mrm-readiness-" + HexFormat.of().formatHex(randomBytes())), app.name());
        } catch (TextParseException | NameTooLongException e) {
            marker = app.zone();
        }
        Update update = new Update(app.zone());
        // contradictory prerequisites: the update can never be applied, whatever the zone holds
        update.present(marker, Type.TXT);
        update.absent(marker);
        update.delete(app.name(), app.type().code);
        target.forEach(update::add);
        update.delete(app.token(), Type.TXT);
        update.add(new TXTRecord(app.token(), DClass.IN, settings.ttl().toSeconds(), "mrm-readiness-probe"));
        String what = "test UPDATE of " + app.name() + " in zone " + app.zone();
        Message response;
        try {
            response = router.await(router.send(update, tsig, what), what);
        } catch (ActuatorFailure e) {
            return failed(UPDATE_PERMISSION, e);
        }
        int rcode = response.getRcode();
        String name = Rcode.string(rcode);
        return switch (rcode) {
            case Rcode.NXRRSET, Rcode.YXDOMAIN, Rcode.NXDOMAIN ->
                Probe.ready(
                        UPDATE_PERMISSION,
                        "key " + settings.tsig().name() + " is accepted for updates of " + app.name()
                                + ": a test UPDATE whose prerequisites cannot hold was answered " + name
                                + " and changed nothing");
            case Rcode.NOERROR ->
                Probe.notReady(
                        UPDATE_PERMISSION,
                        settings.server() + " applied an UPDATE whose prerequisites contradict each other: it does"
                                + " not check prerequisites, so switches cannot be fenced there; use a server that"
                                + " implements RFC 2136 prerequisites");
            case Rcode.SERVFAIL ->
                Probe.unknown(UPDATE_PERMISSION, what + " was answered SERVFAIL (could not tell, will check again)");
            default -> failed(UPDATE_PERMISSION, Rfc2136Errors.classify(rcode, Rcode.NOERROR, false, what));
        };
    }

    private Probe failed(String check, ActuatorFailure e) {
        String key = "key " + settings.tsig().name() + ", server " + settings.server() + ": ";
        if (e.retriable()) {
            return Probe.unknown(check, key + e.code() + " (could not tell, will check again): " + e.getMessage());
        }
        String fix = switch (e.code()) {
            case "BADKEY" -> "the server does not know this key name or algorithm: fix tsig.key-name/algorithm";
            case "BADSIG" -> "the secret does not match the server's for this key: fix the secret";
            case "BADTIME" -> "this host's clock and the server's differ by more than the fudge: fix the clocks";
            case "REFUSED" ->
                "the server's update policy does not let this key change the name or its fencing token: grant it"
                        + " (BIND: update-policy { grant <key> name <name> <type>; grant <key> name"
                        + " _mrm-epoch.<name> TXT; })";
            case "NOTAUTH" -> "the server is not the zone's primary, or does not accept the key: point server at it";
            case "NOTZONE" -> "the name is outside the configured zone: fix zone or name";
            default -> "fix the server, zone or key settings";
        };
        return Probe.notReady(check, key + e.code() + ": " + fix + " (" + e.getMessage() + ")");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
