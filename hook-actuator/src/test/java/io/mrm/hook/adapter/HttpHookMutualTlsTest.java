package io.mrm.hook.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.hook.domain.HookExecutor;
import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookOutcome.Status;
import io.mrm.hook.domain.HookStep;
import io.mrm.kafka.SecretReference;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An HTTP hook over mutual TLS against a real local HTTPS server that requires a client certificate. */
class HttpHookMutualTlsTest {

    @TempDir
    static Path dir;

    static TestCertificates certificates;
    static LocalReceiver receiver;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(dir);
        SecretReference password = SecretReference.literal(TestCertificates.PASSWORD);
        HookTls server = new HookTls(certificates.serverKeys(), password, certificates.serverTrust(), password);
        receiver = LocalReceiver.mutualTls(server.sslContext(), null);
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    static HookOutcome run(HookTls tls, String commandId) {
        HttpHook hook = new HttpHook(
                "mtls-hook",
                receiver.url(),
                false,
                null,
                HttpHook.client(Duration.ofSeconds(30), tls),
                Clock.systemUTC());
        HookStep step = new HookStep(
                commandId,
                "orders",
                "eu10",
                "us10",
                1,
                HookMode.GRACEFUL,
                "mtls-hook",
                Instant.now().plus(Duration.ofMinutes(2)),
                false);
        return new HookExecutor(Map.of("mtls-hook", hook), Clock.systemUTC(), 10).execute(step);
    }

    @Test
    void theRightClientCertificateIsAccepted() {
        SecretReference password = SecretReference.literal(TestCertificates.PASSWORD);
        HookTls tls = new HookTls(certificates.clientKeys(), password, certificates.clientTrust(), password);

        HookOutcome outcome = run(tls, "with-cert");

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(receiver.deliveries)
                .extracting(LocalReceiver.Delivery::deliveryId)
                .contains("with-cert");
    }

    static HttpHook hook(HookTls tls) {
        return new HttpHook(
                "mtls-hook",
                receiver.url(),
                false,
                null,
                HttpHook.client(Duration.ofSeconds(30), tls),
                Clock.systemUTC());
    }

    @Test
    void theReadinessCheckCompletesTheHandshakeAndPostsNothing() {
        SecretReference password = SecretReference.literal(TestCertificates.PASSWORD);
        HookTls tls = new HookTls(certificates.clientKeys(), password, certificates.clientTrust(), password);
        int before = receiver.deliveries.size();

        HookOutcome outcome = hook(tls).probe("orders", "us10", Duration.ofSeconds(30));

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail()).contains("TLS handshake", "succeeded");
        assertThat(receiver.deliveries).hasSize(before);
    }

    @Test
    void aServerCertificateNotTrustedIsNotReadyForTheReadinessCheck() {
        // the JDK's trust store does not know the test CA: a step would fail the same way
        HookOutcome outcome = hook(null).probe("orders", "us10", Duration.ofSeconds(30));

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("TLS handshake", "failed");
    }

    @Test
    void withoutAClientCertificateTheServerRefuses() {
        SecretReference password = SecretReference.literal(TestCertificates.PASSWORD);
        HookTls trustOnly = new HookTls(null, null, certificates.clientTrust(), password);

        HookOutcome outcome = run(trustOnly, "without-cert");

        assertThat(outcome.status()).isIn(Status.FAILED_FATAL, Status.FAILED_RETRIABLE);
        assertThat(receiver.deliveries)
                .extracting(LocalReceiver.Delivery::deliveryId)
                .doesNotContain("without-cert");
    }
}
