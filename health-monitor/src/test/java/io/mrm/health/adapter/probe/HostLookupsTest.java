package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A name resolved a moment ago is answered without a lookup thread (the per-probe hand-over cost more than
 * the probe at thousands a second), but never for longer than the JVM itself keeps the answer — else the
 * HTTP client's own lookup could miss the JVM's cache and block its shared executor on a hung resolver.
 */
class HostLookupsTest {

    final AtomicLong now = new AtomicLong();
    final AtomicInteger lookups = new AtomicInteger();

    @Test
    void aFreshAnswerIsReusedAndAStaleOneLookedUpAgain() throws Exception {
        try (HostLookups names = new HostLookups(
                host -> {
                    lookups.incrementAndGet();
                    return new InetAddress[] {InetAddress.getLoopbackAddress()};
                },
                Duration.ofSeconds(5),
                now::get)) {
            names.resolve("app.region-b.example").get(5, TimeUnit.SECONDS);
            now.addAndGet(Duration.ofSeconds(4).toNanos());
            assertThat(names.resolve("app.region-b.example").isDone())
                    .as("answered at once")
                    .isTrue();
            assertThat(lookups).hasValue(1);

            now.addAndGet(Duration.ofSeconds(2).toNanos());
            names.resolve("app.region-b.example").get(5, TimeUnit.SECONDS);
            assertThat(lookups).hasValue(2);
        }
    }

    @Test
    void aFailedLookupIsNotRemembered() throws Exception {
        try (HostLookups names = new HostLookups(
                host -> {
                    lookups.incrementAndGet();
                    throw new UnknownHostException(host);
                },
                Duration.ofSeconds(5),
                now::get)) {
            names.resolve("gone.region-a.example").handle((a, e) -> null).get(5, TimeUnit.SECONDS);
            names.resolve("gone.region-a.example").handle((a, e) -> null).get(5, TimeUnit.SECONDS);
            assertThat(lookups).hasValue(2);
        }
    }

    @Test
    void theReuseNeverOutlivesTheJvmsOwnCache() {
        String before = java.security.Security.getProperty("networkaddress.cache.ttl");
        try {
            java.security.Security.setProperty("networkaddress.cache.ttl", "0");
            assertThat(HostLookups.fresh()).isZero();
            java.security.Security.setProperty("networkaddress.cache.ttl", "4");
            assertThat(HostLookups.fresh()).isEqualTo(Duration.ofSeconds(2));
            java.security.Security.setProperty("networkaddress.cache.ttl", "30");
            assertThat(HostLookups.fresh()).isEqualTo(Duration.ofSeconds(5));
        } finally {
            java.security.Security.setProperty("networkaddress.cache.ttl", before == null ? "30" : before);
        }
    }
}
