package io.mrm.dns.adapter;

import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsRouterException;
import io.mrm.dns.domain.DnsState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ChangeStatus;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

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
 * <p>After a change it polls {@code GetChange} until {@code INSYNC} (bounded). When that wait times
 * out the change is remembered, and {@link #current} answers "still pending" (retriable) until it is
 * in sync, so that a retry does not acknowledge a switch the name servers do not all serve yet.
 */
public final class Route53DnsRouter implements DnsRouter, AutoCloseable {

    public enum Mode {
        SIMPLE, WEIGHTED
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
    public record Zone(String hostedZoneId, String recordName, RRType recordType, Mode mode,
                       Map<String, Target> targets, String tokenName) {

        public Zone {
            recordName = canonical(recordName);
            tokenName = canonical(tokenName == null ? "_mrm-epoch." + recordName : tokenName);
            targets = Map.copyOf(targets);
        }
    }

    /**
     * @param ttl                TTL of the records this router writes (not of aliases, which have none)
     * @param inSyncTimeout      how long to wait for {@code INSYNC} after a change
     * @param inSyncPollInterval pause between two {@code GetChange} calls
     */
    public record Settings(Duration ttl, Duration inSyncTimeout, Duration inSyncPollInterval) {
    }

    static final String TOKEN_PREFIX = "epoch=";
    private static final Pattern TOKEN_VALUE = Pattern.compile("\"" + TOKEN_PREFIX + "(\\d{1,18})\"");
    private static final long ACTIVE_WEIGHT = 100;
    private static final int LIST_PAGE_SIZE = 100;

    private final Route53Client client;
    private final Map<String, Zone> zones;
    private final Settings settings;
    private final String listPageSize;
    /** Changes whose INSYNC wait timed out, by application. */
    private final Map<String, String> pendingChanges = new ConcurrentHashMap<>();

    public Route53DnsRouter(Route53Client client, Map<String, Zone> zones, Settings settings) {
        this(client, zones, settings, LIST_PAGE_SIZE);
    }

    /** With a page size of its own, so that tests can make the listing page. */
    Route53DnsRouter(Route53Client client, Map<String, Zone> zones, Settings settings, int listPageSize) {
        this.client = client;
        this.zones = Map.copyOf(zones);
        this.settings = settings;
        this.listPageSize = Integer.toString(listPageSize);
    }

    @Override
    public DnsState current(String applicationId) throws DnsRouterException {
        Zone zone = zone(applicationId);
        try {
            awaitEarlierChange(applicationId);
            List<ResourceRecordSet> records = list(zone, zone.recordName(), zone.recordType());
            List<ResourceRecordSet> tokens = list(zone, zone.tokenName(), RRType.TXT);
            return new DnsState(regionOf(zone, records), epochOf(zone, tokens));
        } catch (SdkException e) {
            throw Route53Errors.classify(e);
        }
    }

    @Override
    public void routeTo(String applicationId, String region, long epoch, DnsState expected)
            throws DnsRouterException {
        Zone zone = zone(applicationId);
        Target target = zone.targets().get(region);
        if (target == null) {
            throw new DnsRouterException(false, "UNKNOWN_REGION", "no Route 53 target is configured for region "
                    + region + " of application " + applicationId, null);
        }
        String changeId;
        try {
            // the token exactly as it is now: the DELETE must match it to the last byte (TTL included)
            List<ResourceRecordSet> tokens = list(zone, zone.tokenName(), RRType.TXT);
            long tokenEpoch = epochOf(zone, tokens);
            if (tokenEpoch != expected.epoch()) {
                throw new DnsFencedException("the fencing token " + zone.tokenName() + " holds epoch " + tokenEpoch
                        + ", expected " + expected.epoch(), null);
            }
            List<Change> changes = new ArrayList<>(recordChanges(zone, region));
            if (!tokens.isEmpty()) {
                changes.add(change(ChangeAction.DELETE, tokens.get(0)));
            }
            changes.add(change(ChangeAction.CREATE, ResourceRecordSet.builder()
                    .name(zone.tokenName()).type(RRType.TXT).ttl(settings.ttl().toSeconds())
                    .resourceRecords(ResourceRecord.builder().value("\"" + TOKEN_PREFIX + epoch + "\"").build())
                    .build()));
            ChangeInfo info = client.changeResourceRecordSets(r -> r.hostedZoneId(zone.hostedZoneId())
                    .changeBatch(b -> b.comment("mrm: " + applicationId + " -> " + region + " (epoch " + epoch + ")")
                            .changes(changes))).changeInfo();
            changeId = info.id();
            if (info.status() == ChangeStatus.INSYNC) {
                return;
            }
        } catch (InvalidChangeBatchException e) {
            throw Route53Errors.classifyRejectedBatch(e, zone.tokenName());
        } catch (SdkException e) {
            throw Route53Errors.classify(e);
        }
        awaitInSync(applicationId, changeId);
    }

    private List<Change> recordChanges(Zone zone, String region) {
        if (zone.mode() == Mode.SIMPLE) {
            return List.of(change(ChangeAction.UPSERT, record(zone, zone.targets().get(region)).build()));
        }
        List<ResourceRecordSet> existing = list(zone, zone.recordName(), zone.recordType());
        List<Change> changes = new ArrayList<>();
        zone.targets().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Target t = e.getValue();
            ResourceRecordSet.Builder record = record(zone, t).setIdentifier(t.setIdentifier())
                    .weight(e.getKey().equals(region) ? ACTIVE_WEIGHT : 0L);
            // keep a health check someone attached to the weighted record
            existing.stream().filter(r -> t.setIdentifier().equals(r.setIdentifier())).findFirst()
                    .map(ResourceRecordSet::healthCheckId).ifPresent(record::healthCheckId);
            changes.add(change(ChangeAction.UPSERT, record.build()));
        });
        return changes;
    }

    private ResourceRecordSet.Builder record(Zone zone, Target target) {
        ResourceRecordSet.Builder record = ResourceRecordSet.builder().name(zone.recordName()).type(zone.recordType());
        if (target.alias()) {
            return record.aliasTarget(AliasTarget.builder().hostedZoneId(target.aliasHostedZoneId())
                    .dnsName(target.value()).evaluateTargetHealth(target.evaluateTargetHealth()).build());
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
                    .startRecordName(startName).startRecordType(startType).startRecordIdentifier(startIdentifier)
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
            if (passed || !Boolean.TRUE.equals(page.isTruncated()) || page.nextRecordName() == null
                    || !canonical(page.nextRecordName()).equals(name) || page.nextRecordType() != type) {
                return found;
            }
            nextName = page.nextRecordName();
            nextType = page.nextRecordType();
            nextIdentifier = page.nextRecordIdentifier();
        }
    }

    private static String regionOf(Zone zone, List<ResourceRecordSet> records) {
        if (zone.mode() == Mode.SIMPLE) {
            List<ResourceRecordSet> plain = records.stream().filter(r -> r.setIdentifier() == null).toList();
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
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (region == null || !region.equals(regionPointedAt(zone, record))) {
                return null;
            }
            active.add(region);
        }
        return active.size() == 1 ? active.get(0) : null;
    }

    private static String regionPointedAt(Zone zone, ResourceRecordSet record) {
        String value = record.aliasTarget() != null ? record.aliasTarget().dnsName()
                : record.hasResourceRecords() && record.resourceRecords().size() == 1
                ? record.resourceRecords().get(0).value() : null;
        if (value == null) {
            return null;
        }
        String canonical = canonical(value);
        return zone.targets().entrySet().stream()
                .filter(e -> canonical(e.getValue().value()).equals(canonical))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private static long epochOf(Zone zone, List<ResourceRecordSet> tokens) throws DnsRouterException {
        if (tokens.isEmpty()) {
            return 0;
        }
        ResourceRecordSet token = tokens.get(0);
        if (tokens.size() == 1 && token.hasResourceRecords() && token.resourceRecords().size() == 1) {
            Matcher m = TOKEN_VALUE.matcher(token.resourceRecords().get(0).value());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new DnsRouterException(false, "TOKEN_UNREADABLE", "the fencing token " + zone.tokenName()
                + " must hold exactly one value \"" + TOKEN_PREFIX + "<n>\"; fix or delete it by hand", null);
    }

    private void awaitInSync(String applicationId, String changeId) throws DnsRouterException {
        awaitInSync(applicationId, changeId, "INSYNC_TIMEOUT", "it is committed and still propagating");
    }

    /** A change whose wait timed out before: wait for it again (bounded) before reading anything. */
    private void awaitEarlierChange(String applicationId) throws DnsRouterException {
        String changeId = pendingChanges.get(applicationId);
        if (changeId != null) {
            awaitInSync(applicationId, changeId, "CHANGE_PENDING", "it was made by an earlier attempt");
        }
    }

    private void awaitInSync(String applicationId, String changeId, String timeoutCode, String why)
            throws DnsRouterException {
        long deadline = System.nanoTime() + settings.inSyncTimeout().toNanos();
        try {
            while (true) {
                if (inSync(changeId)) {
                    pendingChanges.remove(applicationId, changeId);
                    return;
                }
                if (System.nanoTime() - deadline >= 0) {
                    pendingChanges.put(applicationId, changeId);
                    throw new DnsRouterException(true, timeoutCode, "change " + changeId + " is not INSYNC after "
                            + settings.inSyncTimeout() + "; " + why, null);
                }
                Thread.sleep(settings.inSyncPollInterval().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pendingChanges.put(applicationId, changeId);
            throw new DnsRouterException(true, "INTERRUPTED", "interrupted waiting for change " + changeId, e);
        } catch (SdkException e) {
            pendingChanges.put(applicationId, changeId);
            throw Route53Errors.classify(e);
        }
    }

    private boolean inSync(String changeId) {
        return client.getChange(r -> r.id(changeId)).changeInfo().status() == ChangeStatus.INSYNC;
    }

    private Zone zone(String applicationId) throws DnsRouterException {
        Zone zone = zones.get(applicationId);
        if (zone == null) {
            throw new DnsRouterException(false, "UNKNOWN_APPLICATION", "application " + applicationId
                    + " has no Route 53 record configured (mrm.dns.route53.applications)", null);
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
