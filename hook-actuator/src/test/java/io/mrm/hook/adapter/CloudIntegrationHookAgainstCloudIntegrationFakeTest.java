package io.mrm.hook.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hook.adapter.CloudIntegrationHook.Application;
import io.mrm.hook.adapter.CloudIntegrationHook.Artifact;
import io.mrm.hook.domain.HookExecutor;
import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookOutcome.Status;
import io.mrm.hook.domain.HookStep;
import io.mrm.hook.domain.MutableClock;
import io.mrm.kafka.SecretReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Cloud Integration hook against two {@link CloudIntegrationFake} tenants (region eu10 = A, us10 = B). Waits
 * between polls advance a virtual clock, so the number of polls before a deadline does not depend on the machine.
 */
class CloudIntegrationHookAgainstCloudIntegrationFakeTest {

    static final Duration POLL = Duration.ofSeconds(5);

    final MutableClock clock = new MutableClock(Instant.now());
    final AtomicInteger pauses = new AtomicInteger();
    Runnable onPause = () -> {};
    CloudIntegrationFake a;
    CloudIntegrationFake b;
    CloudIntegrationTenant tenantA;
    CloudIntegrationTenant tenantB;
    HookExecutor executor;
    CloudIntegrationHook hook;

    @BeforeEach
    void start() throws Exception {
        a = new CloudIntegrationFake().designtime("orders-sync", "1.0.3").deployed("orders-sync", "1.0.3", "STARTED");
        b = new CloudIntegrationFake().designtime("orders-sync", "1.0.3");
        tenantA = tenant("orders/eu10", a);
        tenantB = tenant("orders/us10", b);
        hook = new CloudIntegrationHook(
                "cpi-orders",
                Map.of(
                        "orders",
                        new Application(
                                Map.of("eu10", tenantA, "us10", tenantB),
                                List.of(new Artifact("orders-sync", "active")))),
                POLL,
                clock,
                duration -> {
                    pauses.incrementAndGet();
                    onPause.run();
                    clock.advance(duration);
                });
        executor = new HookExecutor(Map.of("cpi-orders", hook), clock, 100);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    CloudIntegrationTenant tenant(String name, CloudIntegrationFake fake) {
        return new CloudIntegrationTenant(
                name,
                fake.apiUrl(),
                fake.tokenUrl(),
                CloudIntegrationFake.CLIENT_ID,
                SecretReference.literal(CloudIntegrationFake.CLIENT_SECRET),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                clock);
    }

    HookStep step(String commandId, Duration deadline, boolean rehearsal) {
        return new HookStep(
                commandId,
                "orders",
                "eu10",
                "us10",
                3,
                HookMode.GRACEFUL,
                "cpi-orders",
                clock.instant().plus(deadline),
                rehearsal);
    }

    @Test
    void theReadinessCheckOfARegionReadsOnlyThatRegionsTenant() {
        HookOutcome outcome = hook.probe("orders", "us10", Duration.ofSeconds(30));

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail())
                .startsWith("orders/us10: token obtained")
                .contains("orders-sync 1.0.3 (runtime: NOT_DEPLOYED)");
        assertThat(outcome.observed()).containsEntry("us10.orders-sync", "NOT_DEPLOYED");
        assertThat(a.tokensIssued.get()).isZero();
        assertThat(b.tokensIssued.get()).isEqualTo(1);
        assertThat(a.changes).isEmpty();
        assertThat(b.changes).isEmpty();
    }

    @Test
    void aMissingDesigntimeArtifactIsNotReady() {
        b.designtimeActiveVersion.remove("orders-sync");

        HookOutcome outcome = hook.probe("orders", "us10", Duration.ofSeconds(30));

        assertThat(outcome.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("orders-sync", "does not exist");
    }

    @Test
    void aRegionWithoutATenantIsNotReady() {
        HookOutcome outcome = hook.probe("orders", "ap10", Duration.ofSeconds(30));

        assertThat(outcome.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("no Cloud Integration tenant", "ap10");
    }

    @Test
    void switchUndeploysInAAndStartsInB() {
        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(a.changes).containsExactly("UNDEPLOY orders-sync");
        assertThat(b.changes).containsExactly("DEPLOY orders-sync 1.0.3");
        assertThat(b.runtime.get("orders-sync").status).isEqualTo("STARTED");
        assertThat(a.runtime).doesNotContainKey("orders-sync");
        assertThat(outcome.observed())
                .containsEntry("eu10.orders-sync", "UNDEPLOYED")
                .containsEntry("us10.orders-sync", "STARTED 1.0.3");
        assertThat(pauses.get()).isEqualTo(2);
    }

    @Test
    void aRepeatedCommandDoesNotDeployAgainNorDoesANewCommandForTheSameState() {
        HookStep step = step("c-1", Duration.ofMinutes(5), false);

        executor.execute(step);
        HookOutcome repeated = executor.execute(step);
        HookOutcome newCommand = executor.execute(step("c-2", Duration.ofMinutes(5), false));

        assertThat(repeated.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(newCommand.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(b.changes).containsExactly("DEPLOY orders-sync 1.0.3");
    }

    @Test
    void aTokenThatExpiresMidWayIsRenewedOnce() {
        onPause = () -> b.expireTokens();

        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(b.tokensIssued.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aTokenIsRenewedBeforeItsExpiresInRunsOut() {
        b.expiresInSeconds = CloudIntegrationTenant.TOKEN_MARGIN.toSeconds() + POLL.toSeconds();

        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        // one token per poll interval: each pause moves the clock past the cached token's validity
        assertThat(b.tokensIssued.get()).isEqualTo(1 + pauses.get());
    }

    @Test
    void anExpiredCsrfTokenIsFetchedAgainOnce() throws ActuatorFailure {
        tenantA.undeploy("not-deployed", clock.instant().plusSeconds(60));
        assertThat(a.csrfFetches.get()).isEqualTo(1);
        a.expireCsrfTokens();

        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(a.csrfFetches.get()).isEqualTo(2);
        assertThat(a.changes).containsExactly("UNDEPLOY orders-sync");
    }

    @Test
    void aDeploymentEndingInErrorReportsItsErrorInformation() {
        b.scriptDeployment(
                "orders-sync",
                1,
                "ERROR",
                "{\"message\":{\"subsystemName\":\"IFLMAP\",\"messageId\":\"BEAN_CREATION_FAILED\","
                        + "\"parameter\":[\"Could not resolve placeholder 'receiverAddress'\"]}}");

        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail())
                .contains("orders/us10", "orders-sync", "ERROR", "Could not resolve placeholder 'receiverAddress'");
        assertThat(outcome.observed()).containsEntry("us10.orders-sync", "ERROR 1.0.3");
    }

    @Test
    void theDeadlineReachedWhileStartingIsRetriable() {
        b.scriptDeployment("orders-sync", Integer.MAX_VALUE, "STARTED", null);
        HookStep step = step("c-1", Duration.ofSeconds(60), false);

        HookOutcome outcome = executor.execute(step);

        assertThat(outcome.status()).isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(outcome.detail()).contains("still STARTING", "deadline");
        assertThat(clock.instant()).isBefore(step.deadline());
        assertThat(clock.instant().plus(POLL)).isAfterOrEqualTo(step.deadline());
        // the retry does not deploy again: the artifact is already STARTING at the wanted version
        b.runtime.get("orders-sync").ending = "STARTED";
        b.runtime.get("orders-sync").startingPolls = 0;
        HookOutcome retry = executor.execute(new HookStep(
                "c-1",
                "orders",
                "eu10",
                "us10",
                3,
                HookMode.GRACEFUL,
                "cpi-orders",
                clock.instant().plus(Duration.ofMinutes(5)),
                false));
        assertThat(retry.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(b.changes).containsExactly("DEPLOY orders-sync 1.0.3");
    }

    @Test
    void undeployingAnArtifactThatIsNotDeployedSucceeds() {
        a.runtime.clear();

        HookOutcome outcome = executor.execute(step("c-1", Duration.ofMinutes(5), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.observed()).containsEntry("eu10.orders-sync", "UNDEPLOYED");
        assertThat(a.changes).isEmpty();
    }

    @Test
    void aForcedSwitchGoesOnWhenTheRegionLeftIsDownAndAGracefulOneDoesNot() {
        a.close(); // region A's tenant no longer answers: connections are refused

        HookOutcome graceful = executor.execute(step("c-1", Duration.ofMinutes(5), false));
        HookOutcome forced = executor.execute(new HookStep(
                "c-2",
                "orders",
                "eu10",
                "us10",
                3,
                HookMode.FORCED,
                "cpi-orders",
                clock.instant().plus(Duration.ofMinutes(5)),
                false));

        assertThat(graceful.status()).isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(forced.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(forced.detail()).contains("undeploy in eu10 failed, the forced switch goes on");
        assertThat(forced.observed())
                .containsEntry("eu10.orders-sync", "UNDEPLOY_FAILED")
                .containsEntry("us10.orders-sync", "STARTED 1.0.3");
        assertThat(b.changes).containsExactly("DEPLOY orders-sync 1.0.3");
    }

    @Test
    void aRehearsalChangesNothingAndSaysWhatItWouldDo() {
        HookOutcome outcome = executor.execute(step("drill-1", Duration.ofMinutes(5), true));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail()).contains("would undeploy [orders-sync] in eu10 and deploy them in us10");
        assertThat(outcome.observed())
                .containsEntry("eu10.orders-sync", "STARTED 1.0.3")
                .containsEntry("us10.orders-sync", "NOT_DEPLOYED");
        assertThat(a.changes).isEmpty();
        assertThat(b.changes).isEmpty();
        assertThat(a.csrfFetches.get() + b.csrfFetches.get()).isZero();
        assertThat(a.runtime.get("orders-sync").status).isEqualTo("STARTED");
        assertThat(b.runtime).isEmpty();
    }

    @Test
    void aRehearsalReportsAMissingDesigntimeArtifactAsFatal() {
        b.designtimeActiveVersion.clear();

        HookOutcome outcome = executor.execute(step("drill-1", Duration.ofMinutes(5), true));

        assertThat(outcome.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("design-time artifact orders-sync version active does not exist");
        assertThat(b.changes).isEmpty();
    }

    @Test
    void aWrongClientSecretIsFatalAndNeverQuoted() {
        CloudIntegrationTenant wrong = new CloudIntegrationTenant(
                "orders/us10",
                b.apiUrl(),
                b.tokenUrl(),
                CloudIntegrationFake.CLIENT_ID,
                SecretReference.literal("wrong-secret-value"),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                clock);

        ActuatorFailure failure = org.assertj.core.api.Assertions.catchThrowableOfType(
                ActuatorFailure.class, () -> wrong.checkToken(clock.instant().plusSeconds(60)));

        assertThat(failure.retriable()).isFalse();
        assertThat(failure.getMessage()).contains("HTTP 401").doesNotContain("wrong-secret-value");
    }
}
