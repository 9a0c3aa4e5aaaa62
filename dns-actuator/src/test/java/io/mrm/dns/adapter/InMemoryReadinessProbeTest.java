package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryReadinessProbeTest {

    @Test
    void theInMemoryRouterIsReadyTowardsTheRegionItKnows() {
        Map<String, String> routes = Map.of("orders", "eu10", "billing", "us10");
        DnsReadinessChecker checker = new DnsReadinessChecker(
                new InMemoryReadinessProbe(routes), new InMemoryDnsRouter(routes), Clock.systemUTC());

        assertThat(checker.applications()).containsExactly("billing", "orders");
        assertThat(checker.check("orders"))
                .extracting(c -> c.region() + " " + c.action() + " " + c.check())
                .containsExactly("eu10 DNS_ROUTE in-memory", "eu10 DNS_VERIFY resolver");
        assertThat(checker.check("orders")).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.READY);
            assertThat(c.reason()).contains("in-memory");
        });
        assertThat(checker.check("unknown")).extracting(ReadinessCheck::region).isEmpty();
    }
}
