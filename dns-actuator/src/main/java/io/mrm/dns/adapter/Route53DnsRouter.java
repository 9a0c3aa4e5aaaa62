package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsAnswer;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsState;
import io.mrm.events.ack.ActuatorFailure;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.NoSuchChangeException;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.TestDnsAnswerResponse;

/**
 * Points an application's name at one region in an Amazon Route 53 hosted zone.
 *
 * <p>Two modes: {@link Mode#SIMPLE}, one record (CNAME, or an alias) UPSERTed to the active region's
 * target; {@link Mode#WEIGHTED}, one weighted record per region (its own set identifier), the active
 * one at weight 100 and the others at 0.
 *
 * <p>Fencing: a TXT record beside the name ({@code _mrm-epoch.<name>} by default) holds
 * {@code "epoch=<n>"}. Every switch is one change batch: the record UPSERTs, a DELETE of the token
 * exactly as it was read and a CREATE of the new token (only the CREATE when there is no token yet).
 * Route 53 applies a batch atomically and rejects the whole batch when the DELETE does not match or
 * the CREATE finds a token, so of two writers that read the same token only one can commit; the
 * other gets {@code InvalidChangeBatch}, reported as {@link DnsFencedException}.
 *
 * <p><b>Pending changes, across restarts.</b> Route 53 applies a batch at once but serves it from all
 * its name servers only when {@code GetChange} says {@code INSYNC}. Which change to ask about must
 * survive the actuator, so it is kept in the zone, where every instance reads it: a TXT record
 * {@code _mrm-change.<name>} is written in the switch's own batch as {@code "epoch=<n>" "submitted=<unix
 * seconds>"} (Route 53 assigns the change id only on submission), and right after, in a second batch that
 * deletes exactly that value, as {@code "epoch=<n>" "change=<id>"}. {@link #current} reports the change as
 * pending while {@code GetChange} says PENDING. Should an instance stop between the two batches, the
 * record names no change; then the change counts as pending for the 60 s within which Route 53 documents
 * that changes reach all its name servers ("Amazon Route 53 is designed to propagate updates ... within
 * 60 seconds under normal conditions", Route 53 FAQ). This router never waits: the command handler does,
 * within the command's deadline.
 *
 * <p>{@link #answers} asks Route 53's {@code TestDNSAnswer}, which answers as Route 53's name servers do,
 * weights and health checks included, so a target whose health check fails (and the old region still
 * answered at weight 0) is seen.
 */
public final class Route53DnsRouter implements DnsRouter, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Route53DnsRouter.class);

    public enum Mode {
        SIMPLE,
        WEIGHTED
    }

    /**
     * Where one region's traffic goes: a record value (e.g. a CNAME target), or an alias when
     * {@code aliasHostedZoneId} is set.
     *
     * @param setIdentifier the weighted record's set identifier for this region (WEIGHTED mode)
     */
    public record Target(String value, String aliasHostedZoneId, boolean evaluateTargetHealth, String setIdentifier) {

        public Target {
            Objects.requireNonNull(value, "value");
        }

        boolean alias() {
            return aliasHostedZoneId != null;
        }
    }

    /**
     * One application's record in Route 53.
     *
     * @param targets     region id → target
     * @param tokenName   the TXT record that holds the fencing epoch
     */
    public record Zone(
            String hostedZoneId,
            String recordName,
            RRType recordType,
            Mode mode,
            Map<String, Target> targets,
            String tokenName) {

        public Zone {
            recordName = canonical(recordName);
            tokenName = canonical(tokenName == null ? "_mrm-epoch." + recordName : tokenName);
            targets = Map.copyOf(targets);
        }

        /** The TXT record that names the last switch's change, for any instance to follow. */
        public String changeName() {
            return canonical("_mrm-change." + recordName);
        }
    }

    /**
     * @param ttl TTL of the records this router writes (not of aliases, which have none)
     */
    public record Settings(Duration ttl) {}

    /** A change this instance submitted, known before the zone names it. */
    private record Submitted(long epoch, String changeId) {}

    /** The {@code _mrm-change} record: the epoch of the switch and its change id, or when it was submitted. */
    private record Marker(long epoch, String changeId, Instant submittedAt) {}

    static final String TOKEN_PREFIX = "epoch=";
    private static final Pattern TOKEN_VALUE = Pattern.compile("\"" + TOKEN_PREFIX + "(\\d{1,18})\"");
    private static final Pattern MARKER_VALUE =
            Pattern.compile("\"epoch=(\\d{1,18})\" \"(change|submitted)=([A-Za-z0-9]{1,64})\"");
    /** Route 53 FAQ: changes reach all its authoritative name servers within 60 s under normal conditions. */
    static final Duration DOCUMENTED_PROPAGATION = Duration.ofSeconds(60);

    private static final long ACTIVE_WEIGHT = 100;
    private static final int LIST_PAGE_SIZE = 100;

    private final Route53Client client;
    private final Map<String, Zone> zones;
    private final Settings settings;
    private final Clock clock;
    private final String listPageSize;
    private final Function<String, Set<String>> aliasAddresses;
    /** Covers the moment between a switch and the second batch that names its change. */
    private final Map<String, Submitted> submitted = new ConcurrentHashMap<>();
    /** INSYNC is final: a change seen in sync is not asked about again. */
    private final Set<String> inSync = ConcurrentHashMap.newKeySet();

    public Route53DnsRouter(Route53Client client, Map<String, Zone> zones, Settings settings, Clock clock) {
        this(client, zones, settings, clock, LIST_PAGE_SIZE, Route53DnsRouter::resolve);
    }

    /**
     * With a page size of its own, so that tests can make the listing page, and a resolver of alias
     * targets' addresses (the JVM's in the service).
     */
    Route53DnsRouter(
            Route53Client client,
            Map<String, Zone> zones,
            Settings settings,
            Clock clock,
            int listPageSize,
            Function<String, Set<String>> aliasAddresses) {
        this.client = client;
        this.zones = Map.copyOf(zones);
        this.settings = settings;
        this.clock = clock;
        this.listPageSize = Integer.toString(listPageSize);
        this.aliasAddresses = aliasAddresses;
    }

    /** The TTL of the records this router writes. */
    public Duration ttl() {
        return settings.ttl();
    }

    @Override
    public DnsState current(String applicationId) throws ActuatorFailure {
        Zone zone = zone(applicationId);
        try {
            List<ResourceRecordSet> records = list(zone, zone.recordName(), zone.recordType());
            List<ResourceRecordSet> tokens = list(zone, zone.tokenName(), RRType.TXT);
            long epoch = epochOf(zone, tokens);
            DnsState state = new DnsState(regionOf(zone, records), epoch);
            String pending = pendingChange(applicationId, zone, epoch);
            return pending == null ? state : state.pending(pending);
        } catch (SdkException e) {
            throw Route53Errors.classify(e);
        }
    }

    /**
     * Route 53's own answer ({@code TestDNSAnswer}, as its name servers answer, health checks
     * included), with the TTL of the record set that answered.
     */
    @Override
    public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
        Zone zone = zone(applicationId);
        try {
            TestDnsAnswerResponse answer = client.testDNSAnswer(r -> r.hostedZoneId(zone.hostedZoneId())
                    .recordName(zone.recordName())
                    .recordType(zone.recordType()));
            String source = "route53:" + answer.nameserver();
            String rcode = answer.responseCode();
            List<String> data = answer.hasRecordData() ? answer.recordData() : List.of();
            if (!"NOERROR".equals(rcode) && !"NXDOMAIN".equals(rcode)) {
                return List.of(DnsAnswer.unanswered(source, "response code " + rcode));
            }
            if (data.isEmpty()) {
                return List.of(DnsAnswer.answered(source, null, rcode, null));
            }
            String region = regionAnswered(zone, data);
            Duration ttl =
                    region == null ? null : ttlOf(zone, region, list(zone, zone.recordName(), zone.recordType()));
            return List.of(DnsAnswer.answered(source, region, zone.recordType() + " " + String.join(" ", data), ttl));
        } catch (SdkException e) {
            throw Route53Errors.classify(e);
        }
    }

    @Override
    public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure {
        Zone zone = zone(applicationId);
        Target target = zone.targets().get(region);
        if (target == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_REGION",
                    "no Route 53 target is configured for region " + region + " of application " + applicationId);
        }
        ChangeInfo info;
        ResourceRecordSet marker =
                marker(zone, epoch, "submitted=" + clock.instant().getEpochSecond());
        try {
            // the token exactly as it is now: the DELETE must match it to the last byte (TTL included)
            List<ResourceRecordSet> tokens = list(zone, zone.tokenName(), RRType.TXT);
            long tokenEpoch = epochOf(zone, tokens);
            if (tokenEpoch != expected.epoch()) {
                throw new DnsFencedException(
                        "the fencing token " + zone.tokenName() + " holds epoch " + tokenEpoch + ", expected "
                                + expected.epoch(),
                        null);
            }
            List<Change> changes = new ArrayList<>(recordChanges(zone, region));
            if (!tokens.isEmpty()) {
                changes.add(change(ChangeAction.DELETE, tokens.get(0)));
            }
            changes.add(change(
                    ChangeAction.CREATE,
                    ResourceRecordSet.builder()
                            .name(zone.tokenName())
                            .type(RRType.TXT)
                            .ttl(settings.ttl().toSeconds())
                            .resourceRecords(ResourceRecord.builder()
                                    .value("\"" + TOKEN_PREFIX + epoch + "\"")
                                    .build())
                            .build()));
            // the token fences the batch; the marker only follows it
            changes.add(change(ChangeAction.UPSERT, marker));
            info = client.changeResourceRecordSets(r -> r.hostedZoneId(zone.hostedZoneId())
                            .changeBatch(
                                    b -> b.comment("mrm: " + applicationId + " -> " + region + " (epoch " + epoch + ")")
                                            .changes(changes)))
                    .changeInfo();
        } catch (InvalidChangeBatchException e) {
            throw Route53Errors.classifyRejectedBatch(e, zone.tokenName());
        } catch (SdkException e) {
            throw Route53Errors.classify(e);
        }
        String changeId = changeId(info.id());
        submitted.put(applicationId, new Submitted(epoch, changeId));
        if (info.status() == ChangeStatus.INSYNC) {
            inSync.add(changeId);
        }
        nameChange(zone, marker, epoch, changeId);
    }

    /**
     * Replaces "submitted" by the change id in the marker, only if it still holds what this switch
     * wrote (a newer switch's marker is left alone). Best effort: this instance knows the id anyway, and
     * another falls back to Route 53's documented propagation time.
     */
    private void nameChange(Zone zone, ResourceRecordSet written, long epoch, String changeId) {
        try {
            client.changeResourceRecordSets(r -> r.hostedZoneId(zone.hostedZoneId())
                    .changeBatch(b -> b.comment("mrm: change of epoch " + epoch + " is " + changeId)
                            .changes(
                                    change(ChangeAction.DELETE, written),
                                    change(ChangeAction.CREATE, marker(zone, epoch, "change=" + changeId)))));
        } catch (SdkException e) {
            log.warn(
                    "{}: could not record change {} in {} ({}); instances that did not make it assume it applied"
                            + " {} after it was submitted",
                    zone.recordName(),
                    changeId,
                    zone.changeName(),
                    e.getMessage(),
                    DOCUMENTED_PROPAGATION);
        }
    }

    private ResourceRecordSet marker(Zone zone, long epoch, String what) {
        return ResourceRecordSet.builder()
                .name(zone.changeName())
                .type(RRType.TXT)
                .ttl(settings.ttl().toSeconds())
                .resourceRecords(ResourceRecord.builder()
                        .value("\"epoch=" + epoch + "\" \"" + what + "\"")
                        .build())
                .build();
    }

    /**
     * The change that last switched the name at {@code epoch}, when Route 53 does not serve it from all
     * its name servers yet; null when it does, or when no change is recorded for that epoch (a switch
     * made by hand or before this record existed).
     */
    private String pendingChange(String applicationId, Zone zone, long epoch) throws ActuatorFailure {
        Marker marker = markerOf(zone, list(zone, zone.changeName(), RRType.TXT));
        if (marker == null || marker.epoch() != epoch) {
            return null;
        }
        String changeId = marker.changeId();
        Submitted own = submitted.get(applicationId);
        if (changeId == null && own != null && own.epoch() == epoch) {
            changeId = own.changeId();
        }
        if (changeId == null) {
            Instant assumedApplied = marker.submittedAt().plus(DOCUMENTED_PROPAGATION);
            return clock.instant().isBefore(assumedApplied)
                    ? "submitted at " + marker.submittedAt() + " (its id was not recorded; assumed applied by "
                            + assumedApplied + ")"
                    : null;
        }
        return inSync(changeId) ? null : changeId;
    }

    private boolean inSync(String changeId) {
        if (inSync.contains(changeId)) {
            return true;
        }
        try {
            if (client.getChange(r -> r.id(changeId)).changeInfo().status() != ChangeStatus.INSYNC) {
                return false;
            }
        } catch (NoSuchChangeException e) {
            // Route 53 keeps no record of it any more: it was applied long ago
        }
        inSync.add(changeId);
        return true;
    }

    private static Marker markerOf(Zone zone, List<ResourceRecordSet> markers) throws ActuatorFailure {
        if (markers.isEmpty()) {
            return null;
        }
        ResourceRecordSet marker = markers.get(0);
        if (markers.size() == 1
                && marker.hasResourceRecords()
                && marker.resourceRecords().size() == 1) {
            Matcher m = MARKER_VALUE.matcher(marker.resourceRecords().get(0).value());
            if (m.matches() && m.group(2).equals("change")) {
                return new Marker(Long.parseLong(m.group(1)), m.group(3), null);
            }
            if (m.matches() && m.group(3).matches("\\d{1,12}")) {
                return new Marker(Long.parseLong(m.group(1)), null, Instant.ofEpochSecond(Long.parseLong(m.group(3))));
            }
        }
        throw ActuatorFailure.fatal(
                "CHANGE_RECORD_UNREADABLE",
                "the change record " + zone.changeName()
                        + " must hold exactly one value \"epoch=<n>\" \"change=<id>\"; fix or delete it by hand");
    }

    /** {@code /change/C2682N5HXP0BZ4} as the API answers it → {@code C2682N5HXP0BZ4}. */
    private static String changeId(String id) {
        return id.startsWith("/change/") ? id.substring("/change/".length()) : id;
    }

    private List<Change> recordChanges(Zone zone, String region) {
        if (zone.mode() == Mode.SIMPLE) {
            return List.of(change(
                    ChangeAction.UPSERT,
                    record(zone, zone.targets().get(region)).build()));
        }
        List<ResourceRecordSet> existing = list(zone, zone.recordName(), zone.recordType());
        List<Change> changes = new ArrayList<>();
        zone.targets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Target t = e.getValue();
            ResourceRecordSet.Builder record = record(zone, t)
                    .setIdentifier(t.setIdentifier())
                    .weight(e.getKey().equals(region) ? ACTIVE_WEIGHT : 0L);
            // keep a health check someone attached to the weighted record
            existing.stream()
                    .filter(r -> t.setIdentifier().equals(r.setIdentifier()))
                    .findFirst()
                    .map(ResourceRecordSet::healthCheckId)
                    .ifPresent(record::healthCheckId);
            changes.add(change(ChangeAction.UPSERT, record.build()));
        });
        return changes;
    }

    private ResourceRecordSet.Builder record(Zone zone, Target target) {
        ResourceRecordSet.Builder record =
                ResourceRecordSet.builder().name(zone.recordName()).type(zone.recordType());
        if (target.alias()) {
            return record.aliasTarget(AliasTarget.builder()
                    .hostedZoneId(target.aliasHostedZoneId())
                    .dnsName(target.value())
                    .evaluateTargetHealth(target.evaluateTargetHealth())
                    .build());
        }
        return record.ttl(settings.ttl().toSeconds())
                .resourceRecords(ResourceRecord.builder().value(target.value()).build());
    }

    private static Change change(ChangeAction action, ResourceRecordSet record) {
        return Change.builder().action(action).resourceRecordSet(record).build();
    }

    /**
     * The record sets of exactly this name and type. Route 53 lists from the start name onward in its
     * own order (labels reversed, then type), so the first page may hold other names: filter, and
     * follow the pages only while they can still hold this name and type.
     */
    private List<ResourceRecordSet> list(Zone zone, String name, RRType type) {
        List<ResourceRecordSet> found = new ArrayList<>();
        String nextName = name;
        RRType nextType = type;
        String nextIdentifier = null;
        while (true) {
            String startName = nextName;
            RRType startType = nextType;
            String startIdentifier = nextIdentifier;
            ListResourceRecordSetsResponse page = client.listResourceRecordSets(r -> r.hostedZoneId(zone.hostedZoneId())
                    .startRecordName(startName)
                    .startRecordType(startType)
                    .startRecordIdentifier(startIdentifier)
                    .maxItems(listPageSize));
            boolean passed = false;
            for (ResourceRecordSet record : page.resourceRecordSets()) {
                if (canonical(record.name()).equals(name) && record.type() == type) {
                    found.add(record);
                } else {
                    passed = true;
                    break;
                }
            }
            if (passed
                    || !Boolean.TRUE.equals(page.isTruncated())
                    || page.nextRecordName() == null
                    || !canonical(page.nextRecordName()).equals(name)
                    || page.nextRecordType() != type) {
                return found;
            }
            nextName = page.nextRecordName();
            nextType = page.nextRecordType();
            nextIdentifier = page.nextRecordIdentifier();
        }
    }

    private static String regionOf(Zone zone, List<ResourceRecordSet> records) {
        if (zone.mode() == Mode.SIMPLE) {
            List<ResourceRecordSet> plain =
                    records.stream().filter(r -> r.setIdentifier() == null).toList();
            return plain.size() == 1 ? regionPointedAt(zone, plain.get(0)) : null;
        }
        // weighted: the one region whose record carries weight and points at that region's target
        List<String> active = new ArrayList<>();
        for (ResourceRecordSet record : records) {
            if (record.weight() == null || record.weight() == 0) {
                continue;
            }
            String region = zone.targets().entrySet().stream()
                    .filter(e -> e.getValue().setIdentifier().equals(record.setIdentifier()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            if (region == null || !region.equals(regionPointedAt(zone, record))) {
                return null;
            }
            active.add(region);
        }
        return active.size() == 1 ? active.get(0) : null;
    }

    private static String regionPointedAt(Zone zone, ResourceRecordSet record) {
        String value = record.aliasTarget() != null
                ? record.aliasTarget().dnsName()
                : record.hasResourceRecords() && record.resourceRecords().size() == 1
                        ? record.resourceRecords().get(0).value()
                        : null;
        if (value == null) {
            return null;
        }
        String canonical = canonical(value);
        return zone.targets().entrySet().stream()
                .filter(e -> canonical(e.getValue().value()).equals(canonical))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    /**
     * The region whose target the answer is: its value (a CNAME target or an address), or for an
     * alias, whose addresses the answer's are (Route 53 answers an alias with its target's records).
     */
    private String regionAnswered(Zone zone, List<String> data) {
        Set<String> answered = new HashSet<>();
        data.forEach(d -> answered.add(zone.recordType() == RRType.CNAME ? canonical(d) : d.trim()));
        List<String> regions = new ArrayList<>();
        zone.targets().forEach((region, target) -> {
            if (target.alias()
                    ? aliasAddresses.apply(target.value()).containsAll(answered)
                    : answered.equals(Set.of(
                            zone.recordType() == RRType.CNAME
                                    ? canonical(target.value())
                                    : target.value().trim()))) {
                regions.add(region);
            }
        });
        return regions.size() == 1 ? regions.get(0) : null;
    }

    /** The TTL of the record set that routes to {@code region}; null for an alias, which has none of its own. */
    private static Duration ttlOf(Zone zone, String region, List<ResourceRecordSet> records) {
        Target target = zone.targets().get(region);
        return records.stream()
                .filter(r -> zone.mode() == Mode.SIMPLE
                        ? r.setIdentifier() == null
                        : target.setIdentifier().equals(r.setIdentifier()))
                .filter(r -> r.ttl() != null)
                .map(r -> Duration.ofSeconds(r.ttl()))
                .findFirst()
                .orElse(null);
    }

    /** The addresses a name resolves to with the JVM's resolver; empty when it does not resolve. */
    private static Set<String> resolve(String name) {
        try {
            Set<String> addresses = new HashSet<>();
            for (InetAddress address : InetAddress.getAllByName(name)) {
                addresses.add(address.getHostAddress());
            }
            return addresses;
        } catch (UnknownHostException e) {
            return Set.of();
        }
    }

    private static long epochOf(Zone zone, List<ResourceRecordSet> tokens) throws ActuatorFailure {
        if (tokens.isEmpty()) {
            return 0;
        }
        ResourceRecordSet token = tokens.get(0);
        if (tokens.size() == 1
                && token.hasResourceRecords()
                && token.resourceRecords().size() == 1) {
            Matcher m = TOKEN_VALUE.matcher(token.resourceRecords().get(0).value());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw ActuatorFailure.fatal(
                "TOKEN_UNREADABLE",
                "the fencing token " + zone.tokenName() + " must hold exactly one value \"" + TOKEN_PREFIX
                        + "<n>\"; fix or delete it by hand");
    }

    private Zone zone(String applicationId) throws ActuatorFailure {
        Zone zone = zones.get(applicationId);
        if (zone == null) {
            throw ActuatorFailure.fatal(
                    "UNKNOWN_APPLICATION",
                    "application " + applicationId
                            + " has no Route 53 record configured (mrm.dns.route53.applications)");
        }
        return zone;
    }

    /** Route 53 answers names in lower case with a trailing dot; compare them that way. */
    static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    @Override
    public void close() {
        client.close();
    }
}
