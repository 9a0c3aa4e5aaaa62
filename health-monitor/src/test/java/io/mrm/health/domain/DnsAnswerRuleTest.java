package io.mrm.health.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.observation.HealthStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsAnswerRuleTest {

    final DnsAnswerRule rule = new DnsAnswerRule(Map.of(
            "eu10", List.of("Orders.EU10.example.com."),
            "us10", List.of("orders.us10.example.com", "2001:db8::10")));

    @Test
    void namesCompareWithoutCaseOrTrailingDot() {
        ProbeResult result = rule.judge("orders.example.com", List.of("CNAME orders.eu10.EXAMPLE.com."), Duration.ZERO);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("answers from eu10 (CNAME orders.eu10.EXAMPLE.com.)");
    }

    @Test
    void answersThatNoRegionClaimsAreIgnoredWhenOneIsClaimed() {
        ProbeResult result = rule.judge(
                "orders.example.com", List.of("CNAME edge.cdn.example.net.", "AAAA 2001:db8::10"), Duration.ZERO);

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("answers from us10 (AAAA 2001:db8::10)");
    }

    @Test
    void noAnswerIsDown() {
        assertThat(rule.judge("orders.example.com", List.of(), Duration.ZERO).detail())
                .isEqualTo("orders.example.com has no CNAME, A or AAAA answer");
    }

    @Test
    void oneAnswerClaimedByTwoRegionsIsRefused() {
        assertThatThrownBy(() ->
                        new DnsAnswerRule(Map.of("eu10", List.of("a.example.com"), "us10", List.of("A.example.com."))))
                .hasMessageMatching(
                        "answer (a\\.example\\.com|A\\.example\\.com\\.) is claimed by both (eu10 and us10|us10 and eu10)")
                .hasMessageContaining("eu10")
                .hasMessageContaining("us10");
    }
}
