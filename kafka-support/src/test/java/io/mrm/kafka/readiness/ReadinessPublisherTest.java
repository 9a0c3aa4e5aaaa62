package io.mrm.kafka.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessChecker;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ReadinessPublisherTest {

    private static final ReadinessProperties PROPERTIES =
            new ReadinessProperties(true, Duration.ofSeconds(60), Duration.ofMillis(300));

    @Test
    void whatTheCheckerFindsIsReportedAsIs() {
        ReadinessCheck ready = new ReadinessCheck(
                "eu10", StepAction.DNS_ROUTE, "zone", ReadinessStatus.READY, "zone readable", Instant.now(), 3);
        ReadinessReport report = publisher(app -> List.of(ready)).check("shop");

        assertThat(report.actuator()).isEqualTo(Actuator.DNS);
        assertThat(report.applicationId()).isEqualTo("shop");
        assertThat(report.intervalMs()).isEqualTo(60_000);
        assertThat(report.checks()).containsExactly(ready);
    }

    @Test
    void aCheckerThatHangsGivesUnknownForEveryStepAndRegionAndIsInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        ReadinessReport report = publisher(app -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return List.of();
                })
                .check("shop");

        assertThat(report.checks())
                .extracting(ReadinessCheck::region, ReadinessCheck::action, ReadinessCheck::status)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("eu10", StepAction.DNS_ROUTE, ReadinessStatus.UNKNOWN),
                        org.assertj.core.groups.Tuple.tuple("eu10", StepAction.DNS_VERIFY, ReadinessStatus.UNKNOWN),
                        org.assertj.core.groups.Tuple.tuple("us10", StepAction.DNS_ROUTE, ReadinessStatus.UNKNOWN),
                        org.assertj.core.groups.Tuple.tuple("us10", StepAction.DNS_VERIFY, ReadinessStatus.UNKNOWN));
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.reason()).contains("did not end within"));
        assertThat(interrupted.await(60, TimeUnit.SECONDS))
                .as("the hung check is interrupted")
                .isTrue();
    }

    @Test
    void aCheckerThatThrowsGivesUnknownWithTheCause() {
        ReadinessReport report = publisher(app -> {
                    throw new IllegalStateException("credential file unreadable");
                })
                .check("shop");

        assertThat(report.checks()).hasSize(4).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(c.reason()).contains("credential file unreadable");
        });
    }

    @Test
    void aReasonLongerThanTheContractAllowsIsClippedNotRefused() {
        String huge = "x".repeat(10_000);
        ReadinessReport report = publisher(app -> {
                    throw new IllegalStateException(huge);
                })
                .check("shop");

        assertThat(report.checks()).allSatisfy(c -> assertThat(c.reason()).hasSizeLessThanOrEqualTo(2048));
    }

    @Test
    void aTimeoutLongerThanTheIntervalIsRefused() {
        assertThatThrownBy(() -> new ReadinessProperties(true, Duration.ofSeconds(10), Duration.ofSeconds(11)))
                .hasMessageContaining("mrm.readiness.timeout");
        assertThatThrownBy(() -> new ReadinessProperties(true, Duration.ofMillis(10), Duration.ofMillis(5)))
                .hasMessageContaining("mrm.readiness.interval");
    }

    private static ReadinessPublisher publisher(Function<String, List<ReadinessCheck>> checks) {
        ReadinessChecker checker = new ReadinessChecker() {
            @Override
            public Actuator actuator() {
                return Actuator.DNS;
            }

            @Override
            public List<String> applications() {
                return List.of("shop");
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of("eu10", "us10");
            }

            @Override
            public List<ReadinessCheck> check(String applicationId) {
                return checks.apply(applicationId);
            }
        };
        return new ReadinessPublisher(checker, null, PROPERTIES, Clock.systemUTC());
    }
}
