package io.mrm.hana.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The checker's own rules, over a backend stand-in: findings become checks of the target region; a backend
 * that hangs (a latch never released) or throws yields UNKNOWN checks of every data step of that region,
 * and nothing escapes {@link DataReadinessChecker#check}.
 */
class DataReadinessCheckerTest {

    final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void release() {
        never.countDown();
    }

    /** Region "b" answers; region "a" behaves as given. */
    DataReadiness backend(Runnable regionA) {
        return new DataReadiness() {
            @Override
            public List<String> applications() {
                return List.of("shop");
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of("a", "b");
            }

            @Override
            public List<Finding> check(String applicationId, String target, Duration within) {
                if (target.equals("a")) {
                    regionA.run();
                }
                return List.of(Finding.ready(StepAction.DATA_PROMOTE, "privileges", "may promote " + target));
            }
        };
    }

    @Test
    void findingsAreReportedAsChecksOfTheirTargetRegion() {
        List<ReadinessCheck> checks =
                new DataReadinessChecker(backend(() -> {}), Clock.systemUTC(), Duration.ofSeconds(30)).check("shop");

        assertThat(checks)
                .extracting(
                        ReadinessCheck::region, ReadinessCheck::action, ReadinessCheck::status, ReadinessCheck::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "a", StepAction.DATA_PROMOTE, ReadinessStatus.READY, "may promote a"),
                        org.assertj.core.groups.Tuple.tuple(
                                "b", StepAction.DATA_PROMOTE, ReadinessStatus.READY, "may promote b"));
    }

    @Test
    void aRegionWhoseDatabaseHangsIsUnknownForEveryStepAndTheOtherIsStillReported() {
        DataReadinessChecker checker = new DataReadinessChecker(
                backend(() -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }),
                Clock.systemUTC(),
                Duration.ofMillis(200));

        List<ReadinessCheck> checks = checker.check("shop");

        assertThat(checks)
                .filteredOn(c -> c.region().equals("a"))
                .extracting(ReadinessCheck::action)
                .containsExactlyInAnyOrder(
                        StepAction.DATA_DRAIN,
                        StepAction.DATA_PROMOTE,
                        StepAction.DATA_FENCE,
                        StepAction.DATA_REPROTECT);
        assertThat(checks).filteredOn(c -> c.region().equals("a")).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(c.reason()).contains("did not answer the checks towards a within 200 ms");
        });
        assertThat(checks)
                .filteredOn(c -> c.region().equals("b"))
                .extracting(ReadinessCheck::status)
                .containsExactly(ReadinessStatus.READY);
    }

    @Test
    void aBackendThatThrowsIsUnknownNotAnException() {
        DataReadinessChecker checker = new DataReadinessChecker(
                backend(() -> {
                    throw new IllegalStateException("driver defect");
                }),
                Clock.systemUTC(),
                Duration.ofSeconds(30));

        List<ReadinessCheck> checks = checker.check("shop");

        assertThat(checks)
                .filteredOn(c -> c.region().equals("a"))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.reason()).contains("driver defect"))
                .extracting(ReadinessCheck::status)
                .containsOnly(ReadinessStatus.UNKNOWN);
    }

    @Test
    void aFindingTheContractRefusesIsReportedUnknownInsteadOfBreakingTheReport() {
        DataReadiness blankReason = new DataReadiness() {
            @Override
            public List<String> applications() {
                return List.of("shop");
            }

            @Override
            public List<String> regions(String applicationId) {
                return List.of("a");
            }

            @Override
            public List<Finding> check(String applicationId, String target, Duration within) {
                return List.of(Finding.ready(StepAction.DATA_FENCE, "privileges", " "));
            }
        };

        List<ReadinessCheck> checks =
                new DataReadinessChecker(blankReason, Clock.systemUTC(), Duration.ofSeconds(30)).check("shop");

        assertThat(checks).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(c.check()).isEqualTo("checks");
        });
    }
}
