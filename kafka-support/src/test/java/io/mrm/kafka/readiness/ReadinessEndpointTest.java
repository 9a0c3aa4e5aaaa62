package io.mrm.kafka.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.Actuator;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Readiness on demand: a round when asked, but not more than one per gap, on the service's own clock. */
class ReadinessEndpointTest {

    private Instant now = Instant.parse("2026-12-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aRoundIsRunWhenAskedButNotAgainWithinTheGap() {
        AtomicInteger rounds = new AtomicInteger();
        ReadinessEndpoint endpoint = new ReadinessEndpoint(publisherCounting(rounds), clock);

        assertThat(endpoint.checkNow()).containsEntry("ranNow", true);
        now = now.plus(ReadinessEndpoint.MIN_GAP.minusMillis(1));
        Map<String, Object> again = endpoint.checkNow();
        assertThat(again).containsEntry("ranNow", false).containsEntry("lastRound", "2026-12-01T00:00:00Z");
        assertThat(rounds).hasValue(1);

        now = now.plus(Duration.ofMillis(1));
        assertThat(endpoint.checkNow()).containsEntry("ranNow", true);
        assertThat(rounds).hasValue(2);
        assertThat(endpoint.lastRound()).containsEntry("ranNow", false);
        assertThat(rounds).as("reading the last round runs none").hasValue(2);
    }

    /** A publisher whose rounds check nothing and publish nothing: it counts them. */
    private ReadinessPublisher publisherCounting(AtomicInteger rounds) {
        ReadinessChecker none = new ReadinessChecker() {
            @Override
            public Actuator actuator() {
                return Actuator.DNS;
            }

            @Override
            public List<String> applications() {
                return List.of();
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of();
            }

            @Override
            public List<ReadinessCheck> check(String applicationId) {
                return List.of();
            }
        };
        return new ReadinessPublisher(
                none, null, new ReadinessProperties(true, Duration.ofSeconds(60), Duration.ofSeconds(1)), clock) {
            @Override
            public List<io.mrm.events.readiness.ReadinessReport> checkAll() {
                rounds.incrementAndGet();
                return List.of();
            }
        };
    }
}
