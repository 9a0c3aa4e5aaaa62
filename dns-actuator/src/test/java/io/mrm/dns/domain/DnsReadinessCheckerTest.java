package io.mrm.dns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DnsReadinessCheckerTest {

    final VirtualTime time = new VirtualTime(Instant.parse("2026-12-06T10:00:00Z"));

    /** A probe whose route check takes 250 ms of virtual time and answers as told. */
    DnsReadinessProbe probe(List<Probe> route) {
        return new DnsReadinessProbe() {
            @Override
            public List<String> applications() {
                return List.of("orders");
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of("eu10", "us10");
            }

            @Override
            public List<Probe> route(String applicationId, String region) {
                time.advance(Duration.ofMillis(250));
                return route;
            }
        };
    }

    static DnsRouter answering(List<DnsAnswer> answers, ActuatorFailure failure) {
        return new DnsRouter() {
            @Override
            public DnsState current(String applicationId) {
                throw new AssertionError("a readiness check reads no state it does not need");
            }

            @Override
            public void routeTo(String applicationId, String region, long epoch, DnsState expected) {
                throw new AssertionError("a readiness check never routes");
            }

            @Override
            public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
                if (failure != null) {
                    throw failure;
                }
                return answers;
            }
        };
    }

    @Test
    void eachRegionGetsItsRouteChecksAndTheVerifyStepsResolverCheck() {
        DnsReadinessChecker checker = new DnsReadinessChecker(
                probe(List.of(Probe.ready("zone", "readable"), Probe.notReady("target", "none for it"))),
                answering(List.of(DnsAnswer.answered("ns1", "eu10", "CNAME a.", Duration.ofSeconds(60))), null),
                time);

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checker.actuator()).isEqualTo(Actuator.DNS);
        assertThat(checks)
                .extracting(c -> c.region() + " " + c.action() + " " + c.check() + " " + c.status())
                .containsExactly(
                        "eu10 DNS_ROUTE zone READY",
                        "eu10 DNS_ROUTE target NOT_READY",
                        "eu10 DNS_VERIFY resolver READY",
                        "us10 DNS_ROUTE zone READY",
                        "us10 DNS_ROUTE target NOT_READY",
                        "us10 DNS_VERIFY resolver READY");
        assertThat(checks)
                .filteredOn(c -> c.action() == StepAction.DNS_ROUTE)
                .allSatisfy(c -> assertThat(c.durationMs()).isEqualTo(250));
    }

    @Test
    void aProbeThatThrowsIsUnknownNotAnException() {
        DnsReadinessProbe throwing = new DnsReadinessProbe() {
            @Override
            public List<String> applications() {
                return List.of("orders");
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of("eu10");
            }

            @Override
            public List<Probe> route(String applicationId, String region) {
                throw new IllegalStateException("connection pool shut down");
            }
        };
        List<ReadinessCheck> checks =
                new DnsReadinessChecker(throwing, answering(List.of(), null), time).check("orders");

        assertThat(checks)
                .filteredOn(c -> c.action() == StepAction.DNS_ROUTE)
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
                    assertThat(c.reason()).contains("connection pool shut down");
                });
    }

    @Test
    void noSourceAnsweringIsUnknownAndARefusalIsNotReady() {
        DnsReadinessProbe ready = probe(List.of(Probe.ready("zone", "readable")));
        ReadinessCheck silent = verify(new DnsReadinessChecker(
                ready, answering(List.of(DnsAnswer.unanswered("ns1", "no answer in time")), null), time));
        ReadinessCheck refused = verify(new DnsReadinessChecker(
                ready, answering(null, ActuatorFailure.fatal("BADKEY", "query refused: TSIG BADKEY")), time));
        ReadinessCheck throttled = verify(new DnsReadinessChecker(
                ready, answering(null, ActuatorFailure.retriable("Throttling", "Rate exceeded")), time));

        assertThat(silent.status()).isEqualTo(ReadinessStatus.UNKNOWN);
        assertThat(silent.reason()).contains("ns1", "no answer in time");
        assertThat(refused.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(refused.reason()).contains("BADKEY");
        assertThat(throttled.status()).isEqualTo(ReadinessStatus.UNKNOWN);
    }

    @Test
    void aLongBackendErrorIsClippedToWhatTheContractCarries() {
        String longError = "x".repeat(5000);
        ReadinessCheck check = new DnsReadinessChecker(
                        probe(List.of(Probe.notReady("zone", longError))), answering(List.of(), null), time)
                .check("orders")
                .get(0);

        assertThat(check.reason()).hasSizeLessThan(longError.length()).endsWith("…");
    }

    @Test
    void theResolverIsAskedOncePerRoundWhateverTheNumberOfRegions() {
        AtomicInteger asked = new AtomicInteger();
        DnsRouter counting = new DnsRouter() {
            @Override
            public DnsState current(String applicationId) {
                return DnsState.UNSET;
            }

            @Override
            public void routeTo(String applicationId, String region, long epoch, DnsState expected) {}

            @Override
            public List<DnsAnswer> answers(String applicationId) {
                asked.incrementAndGet();
                return List.of(DnsAnswer.answered("ns1", null, "NXDOMAIN", null));
            }
        };

        new DnsReadinessChecker(probe(List.of()), counting, time).check("orders");

        assertThat(asked).hasValue(1);
    }

    private static ReadinessCheck verify(DnsReadinessChecker checker) {
        return checker.check("orders").stream()
                .filter(c -> c.action() == StepAction.DNS_VERIFY)
                .findFirst()
                .orElseThrow();
    }
}
