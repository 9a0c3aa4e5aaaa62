package io.mrm.dns.config;

import io.mrm.dns.adapter.Route53DnsRouter;
import io.mrm.dns.adapter.Route53DnsRouter.Mode;
import io.mrm.events.Require;
import io.mrm.kafka.config.SettingChecks;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Route 53 backend settings (prefix {@code mrm.dns.route53}), used when {@code mrm.dns.router} is
 * {@code ROUTE53}. Credentials are not here: the AWS default provider chain finds them (environment,
 * web-identity token file, container or instance role, shared profile).
 *
 * @param region             signing region of the Route 53 API; Route 53 is global ({@code aws-global})
 * @param endpoint           API endpoint override, e.g. a FIPS or local endpoint; empty means the SDK's own
 * @param ttl                TTL of the records a switch writes (alias records have none): how long resolvers
 *                           may keep answering with the old region
 * @param apiCallTimeout     bound on one SDK call, its own retries included
 * @param maxAttempts        attempts per SDK call (the SDK retries throttling and 5xx in between); 1 means none
 * @param applications       application id → its record
 */
@ConfigurationProperties("mrm.dns.route53")
public record Route53Properties(
        @DefaultValue("aws-global") String region,
        URI endpoint,
        @DefaultValue("60s") Duration ttl,
        @DefaultValue("30s") Duration apiCallTimeout,
        @DefaultValue("3") int maxAttempts,
        Map<String, Application> applications) {

    static final String PREFIX = "mrm.dns.route53";
    private static final Pattern HOST_NAME =
            Pattern.compile("(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.?");
    private static final Pattern ZONE_ID = Pattern.compile("(/hostedzone/)?[A-Z0-9]{1,32}");
    private static final Set<RRType> RECORD_TYPES = Set.of(RRType.CNAME, RRType.A, RRType.AAAA);

    public Route53Properties {
        applications = applications == null ? Map.of() : new LinkedHashMap<>(applications);
    }

    /**
     * One application's record.
     *
     * @param hostedZoneId   the hosted zone that holds the record, e.g. {@code Z0123456789ABCDEFGHIJ}
     * @param recordName     the name users resolve, e.g. {@code orders.example.com}
     * @param recordType     CNAME (default), or A / AAAA for alias targets
     * @param mode           SIMPLE (one record, UPSERTed) or WEIGHTED (one record per region, 100/0)
     * @param targets        region id → where that region's traffic goes
     * @param epochRecordName the TXT record holding the fencing epoch; default {@code _mrm-epoch.<record-name>}
     */
    public record Application(
            String hostedZoneId,
            String recordName,
            @DefaultValue("CNAME") String recordType,
            @DefaultValue("SIMPLE") Mode mode,
            Map<String, Target> targets,
            String epochRecordName) {

        public Application {
            targets = targets == null ? Map.of() : new LinkedHashMap<>(targets);
        }
    }

    /**
     * @param value                 the record value (CNAME target, IP address) or, for an alias, its DNS name
     * @param aliasHostedZoneId     set to make the record an alias (e.g. a load balancer's zone id)
     * @param evaluateTargetHealth  alias only: let Route 53 check the target's health
     * @param setIdentifier         WEIGHTED only: the record's set identifier; default the region id
     */
    public record Target(
            String value,
            String aliasHostedZoneId,
            @DefaultValue("false") boolean evaluateTargetHealth,
            String setIdentifier) {}

    /** The router's settings, or every problem at once, each naming its key. */
    Map<String, Route53DnsRouter.Zone> zones() {
        List<String> problems = new ArrayList<>();
        SettingChecks.positive(problems, PREFIX + ".ttl", ttl);
        SettingChecks.positive(problems, PREFIX + ".api-call-timeout", apiCallTimeout);
        if (ttl != null && !ttl.isNegative() && !ttl.isZero() && ttl.toSeconds() < 1) {
            problems.add(PREFIX + ".ttl must be at least 1s, was " + ttl);
        }
        if (ttl != null && ttl.toSeconds() > 172_800) {
            problems.add(PREFIX + ".ttl must be at most 48h (Route 53's limit is 2147483647 s, but a switch must be"
                    + " seen), was " + ttl);
        }
        if (maxAttempts < 1 || maxAttempts > 10) {
            problems.add(PREFIX + ".max-attempts must be between 1 and 10, was " + maxAttempts);
        }
        if (region == null || region.isBlank()) {
            problems.add(PREFIX + ".region is required (aws-global for Route 53)");
        }
        if (endpoint != null
                && (endpoint.getScheme() == null
                        || endpoint.getHost() == null
                        || !List.of("http", "https").contains(endpoint.getScheme()))) {
            problems.add(PREFIX + ".endpoint must be an http(s) URL, was " + endpoint);
        }
        if (applications.isEmpty()) {
            problems.add(PREFIX + ".applications must name at least one application");
        }
        Map<String, Route53DnsRouter.Zone> zones = new LinkedHashMap<>();
        applications.forEach((id, app) -> {
            String key = PREFIX + ".applications." + id;
            if (!Require.NAME.matcher(id).matches()) {
                problems.add(key + ": application id must be lower-case letters, digits and '-'");
            }
            if (app == null) {
                problems.add(key + " is empty");
                return;
            }
            Route53DnsRouter.Zone zone = zone(key, app, problems);
            if (zone != null) {
                zones.put(id, zone);
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid dns-actuator Route 53 configuration:\n - " + String.join("\n - ", problems));
        }
        return zones;
    }

    Route53DnsRouter.Settings settings() {
        return new Route53DnsRouter.Settings(ttl);
    }

    private static Route53DnsRouter.Zone zone(String key, Application app, List<String> problems) {
        int before = problems.size();
        if (app.hostedZoneId() == null || !ZONE_ID.matcher(app.hostedZoneId()).matches()) {
            problems.add(key + ".hosted-zone-id must be a Route 53 zone id such as Z0123456789ABC, was "
                    + app.hostedZoneId());
        }
        checkHostName(problems, key + ".record-name", app.recordName(), true);
        if (app.epochRecordName() != null) {
            checkHostName(problems, key + ".epoch-record-name", app.epochRecordName(), false);
        }
        RRType type = RRType.fromValue(
                app.recordType() == null ? "" : app.recordType().toUpperCase(Locale.ROOT));
        if (!RECORD_TYPES.contains(type)) {
            problems.add(key + ".record-type must be one of CNAME, A, AAAA, was " + app.recordType());
        }
        if (app.mode() == null) {
            problems.add(key + ".mode must be SIMPLE or WEIGHTED");
        }
        if (app.targets().size() < 2) {
            problems.add(key + ".targets must name at least two regions, has "
                    + app.targets().keySet());
        }
        Map<String, Route53DnsRouter.Target> targets = new LinkedHashMap<>();
        Set<String> setIdentifiers = new HashSet<>();
        app.targets().forEach((region, t) -> {
            String tkey = key + ".targets." + region;
            if (!Require.NAME.matcher(region).matches()) {
                problems.add(tkey + ": region id must be lower-case letters, digits and '-'");
            }
            if (t == null || t.value() == null || t.value().isBlank()) {
                problems.add(tkey + ".value is required");
                return;
            }
            boolean alias =
                    t.aliasHostedZoneId() != null && !t.aliasHostedZoneId().isBlank();
            if (!alias && type == RRType.CNAME) {
                checkHostName(problems, tkey + ".value", t.value(), false);
            }
            if (alias && type == RRType.CNAME) {
                problems.add(tkey + ".alias-hosted-zone-id: alias records here must be of record-type A or AAAA");
            }
            if (!alias && t.evaluateTargetHealth()) {
                problems.add(tkey + ".evaluate-target-health applies to alias targets only");
            }
            String setIdentifier = t.setIdentifier() == null ? region : t.setIdentifier();
            if (app.mode() == Mode.WEIGHTED && !setIdentifiers.add(setIdentifier)) {
                problems.add(tkey + ".set-identifier " + setIdentifier + " is used by another region");
            }
            targets.put(
                    region,
                    new Route53DnsRouter.Target(
                            t.value().trim(),
                            alias ? t.aliasHostedZoneId().trim() : null,
                            t.evaluateTargetHealth(),
                            setIdentifier));
        });
        if (problems.size() > before) {
            return null;
        }
        String zoneId = app.hostedZoneId().replace("/hostedzone/", "");
        return new Route53DnsRouter.Zone(zoneId, app.recordName(), type, app.mode(), targets, app.epochRecordName());
    }

    private static void checkHostName(List<String> problems, String key, String value, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                problems.add(key + " is required");
            }
        } else if (value.length() > 253 || !HOST_NAME.matcher(value).matches()) {
            problems.add(key + " must be a DNS name (letters, digits, '-', '_', dots), was " + value);
        }
    }
}
