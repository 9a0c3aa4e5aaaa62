package io.mrm.dns.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * What one place that clients ask answers for an application's name: one authoritative name server
 * of the zone, or the provider's own resolution (Route 53's {@code TestDNSAnswer}, Traffic Manager's
 * answer as its endpoint monitor decides it).
 *
 * @param source  where the answer came from, e.g. {@code ns2.example.com. (192.0.2.53:53)}
 * @param region  the configured region the answer points at; null when it points at none (no record,
 *                or data no region is configured with)
 * @param data    the answer as given, for the acknowledgement, e.g. {@code CNAME orders.us10.example.net.}
 * @param ttl     how long resolvers may cache the answer; null when the source does not say
 * @param failure why the source gave no answer (time-out, not authoritative); null when it answered
 */
public record DnsAnswer(String source, String region, String data, Duration ttl, String failure) {

    public DnsAnswer {
        Objects.requireNonNull(source, "source");
    }

    public static DnsAnswer answered(String source, String region, String data, Duration ttl) {
        return new DnsAnswer(source, region, data, ttl, null);
    }

    public static DnsAnswer unanswered(String source, String failure) {
        return new DnsAnswer(source, null, null, null, Objects.requireNonNull(failure, "failure"));
    }

    public boolean answered() {
        return failure == null;
    }

    /** For the acknowledgement: what this source answers. */
    public String describe() {
        if (failure != null) {
            return "no answer: " + failure;
        }
        return (region == null ? "no configured region" : region) + " ("
                + (data == null || data.isEmpty() ? "no record" : data)
                + (ttl == null ? "" : ", TTL " + ttl.toSeconds() + " s") + ")";
    }
}
