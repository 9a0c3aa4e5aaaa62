package io.mrm.aem.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.solacesystems.jcsmp.JCSMPErrorResponseException;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real JCSMP client where no broker can run here: a closed port, a server that accepts and never
 * speaks, a missing password. (The round trip itself runs in {@code AemSyncLiveIT} against a real broker.)
 */
class JcsmpDeliveryCheckTest {

    static JcsmpDeliveryCheck check(int port, SecretReference password) {
        return new JcsmpDeliveryCheck(new JcsmpDeliveryCheck.Settings(
                "tcp://127.0.0.1:" + port,
                "shop-b",
                "mrm-probe",
                password,
                "mrm/verify",
                "mrm/verify/shop",
                Duration.ofSeconds(1),
                null,
                null));
    }

    @Test
    void aClosedPortIsRetriableAndReportedWithinTheBound() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Instant start = Instant.now();

        assertThatThrownBy(() -> check(port, SecretReference.literal("pw")).roundTrip("v1", Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.code()).isEqualTo("JCSMP_UNAVAILABLE");
                    assertThat(e.getMessage())
                            .startsWith("connecting to tcp://127.0.0.1:" + port + " (VPN shop-b) failed")
                            .doesNotContain("pw");
                });
        // the bound is the claim (no endless reconnecting), so it is generous: a busy machine still meets it
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aServerThatNeverAnswersTheLoginIsRetriableWithinTheBound() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    ignored.getInputStream().readAllBytes();
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Instant start = Instant.now();

            assertThatThrownBy(() -> check(silent.getLocalPort(), SecretReference.literal("pw"))
                            .roundTrip("v1", Duration.ofMillis(1500)))
                    .isInstanceOfSatisfying(
                            ActuatorFailure.class,
                            e -> assertThat(e.retriable()).isTrue());
            // a login that is never answered must not hang the check: generous, as the claim is "bounded"
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
        }
    }

    @Test
    void aMissingPasswordIsFatalAndNamesTheReference() {
        assertThatThrownBy(() -> check(1, SecretReference.env("NO_SUCH_PROBE_PASSWORD", Map.of()))
                        .roundTrip("v1", Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.code()).isEqualTo("CREDENTIAL_UNAVAILABLE");
                    assertThat(e.getMessage()).contains("NO_SUCH_PROBE_PASSWORD");
                });
    }

    @Test
    void brokerRefusalsAreClassifiedByTheirResponseCode() {
        assertThat(JcsmpDeliveryCheck.classify(
                        "login", new JCSMPErrorResponseException(401, "Unauthorized", null, null)))
                .satisfies(e -> assertThat(e.retriable()).isFalse())
                .satisfies(e -> assertThat(e.code()).isEqualTo("JCSMP_LOGIN_FAILED"));
        assertThat(JcsmpDeliveryCheck.classify(
                                "bind", new JCSMPErrorResponseException(503, "Unknown Queue", null, null))
                        .code())
                .isEqualTo("JCSMP_UNKNOWN_QUEUE");
        assertThat(JcsmpDeliveryCheck.classify(
                        "publish", new JCSMPErrorResponseException(503, "Replication Is Standby", null, null)))
                .satisfies(e -> assertThat(e.retriable()).isTrue());
        assertThat(JcsmpDeliveryCheck.classify(
                                "bind", new JCSMPErrorResponseException(403, "Permission Not Allowed", null, null))
                        .code())
                .isEqualTo("JCSMP_FORBIDDEN");
    }
}
