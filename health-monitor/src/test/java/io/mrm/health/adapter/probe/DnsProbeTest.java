package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.DnsAnswerRule;
import io.mrm.health.domain.ProbeResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DNS probe against a real (dnsjava-served) DNS server on loopback. */
class DnsProbeTest {

    static final String DOMAIN = "shop.example.com";
    static final DnsAnswerRule REGIONS = new DnsAnswerRule(Map.of(
            "region-a", List.of("shop.region-a.example.net", "10.0.0.1"),
            "region-b", List.of("shop.region-b.example.net.", "10.0.0.2")));

    DnsjavaLoopbackDnsServer dns;

    @BeforeEach
    void startDns() throws Exception {
        dns = new DnsjavaLoopbackDnsServer();
    }

    /** The timeout of the queries that do get an answer: generous, so that a busy machine cannot make one time out. */
    static final Duration ANSWERED = Duration.ofSeconds(10);

    @AfterEach
    void stopDns() {
        dns.close();
    }

    @Test
    void cnameToRegionBIsUpAndNamesRegionB() throws Exception {
        dns.cname(DOMAIN, "shop.region-b.example.net", "192.0.2.7");

        ProbeResult result = probe(DOMAIN, ANSWERED);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("answers from region-b (CNAME shop.region-b.example.net.)");
        assertThat(result.latency()).isNotNull().isLessThan(ANSWERED);
    }

    @Test
    void aSwitchShowsInTheNextAnswer() throws Exception {
        dns.cname(DOMAIN, "shop.region-a.example.net", null);
        assertThat(probe(DOMAIN, ANSWERED).detail()).startsWith("answers from region-a");

        dns.cname(DOMAIN, "SHOP.Region-B.example.net", null);

        assertThat(probe(DOMAIN, ANSWERED).detail()).startsWith("answers from region-b");
    }

    @Test
    void anAddressOfARegionCountsAsThatRegion() throws Exception {
        dns.addresses(DOMAIN, "10.0.0.1");

        ProbeResult result = probe(DOMAIN, ANSWERED);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("answers from region-a (A 10.0.0.1)");
    }

    @Test
    void anAnswerNoRegionClaimsIsDown() throws Exception {
        dns.cname(DOMAIN, "parking.registrar.example", "203.0.113.9");

        ProbeResult result = probe(DOMAIN, ANSWERED);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("shop.example.com answers CNAME parking.registrar.example., "
                        + "A 203.0.113.9, which no configured region claims");
    }

    @Test
    void answersOfBothRegionsAreDegraded() throws Exception {
        dns.addresses(DOMAIN, "10.0.0.1", "10.0.0.2");

        ProbeResult result = probe(DOMAIN, ANSWERED);

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).startsWith("shop.example.com answers from several regions region-a and region-b");
    }

    @Test
    void nxdomainIsDownWithTheRcode() throws Exception {
        ProbeResult result = probe("missing.example.com", ANSWERED);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo(
                        "resolver 127.0.0.1:" + dns.address().getPort() + " answered NXDOMAIN for missing.example.com");
    }

    @Test
    void aResolverThatDoesNotAnswerIsDownAfterTheTimeout() throws Exception {
        dns.silence(DOMAIN);

        ProbeResult result = probe(DOMAIN, Duration.ofMillis(300));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("DNS timeout: resolver 127.0.0.1:" + dns.address().getPort()
                        + " gave no answer for shop.example.com within 300 ms");
        assertThat(result.latency())
                .isGreaterThanOrEqualTo(Duration.ofMillis(300))
                .isLessThan(Duration.ofSeconds(20));
        assertThat(dns.queries()).isPositive();
    }

    private ProbeResult probe(String domain, Duration timeout) throws Exception {
        DnsProbe probe = new DnsProbe(new DnsProbe.Settings(domain, dns.address(), timeout), REGIONS);
        return probe.probe().toCompletableFuture().get(timeout.plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
    }
}
