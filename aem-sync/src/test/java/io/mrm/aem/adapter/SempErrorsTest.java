package io.mrm.aem.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class SempErrorsTest {

    static byte[] envelope(int status, int code, String name, String description) {
        return ("{\"meta\":{\"error\":{\"code\":" + code + ",\"description\":\"" + description + "\",\"status\":\""
                        + name + "\"},\"request\":{\"method\":\"PATCH\",\"uri\":\"x\"},\"responseCode\":" + status
                        + "}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void throttlingAndServerErrorsAreRetriableClientErrorsFatal() {
        assertThat(SempErrors.retriable(429, null)).isTrue();
        assertThat(SempErrors.retriable(500, "FAIL")).isTrue();
        assertThat(SempErrors.retriable(503, null)).isTrue();
        assertThat(SempErrors.retriable(400, "NOT_FOUND")).isFalse();
        assertThat(SempErrors.retriable(400, "INVALID_PARAMETER")).isFalse();
        assertThat(SempErrors.retriable(401, "UNAUTHORIZED")).isFalse();
        assertThat(SempErrors.retriable(403, null)).isFalse();
        assertThat(SempErrors.retriable(404, null)).isFalse();
        assertThat(SempErrors.retriable(400, "SEMP_RESPONSE_BUFFER_ALLOCATION_FAILED"))
                .isTrue();
    }

    @Test
    void theErrorEnvelopeGivesSolacesStatusAsCodeAndItsCodeAndDescriptionInTheMessage() {
        assertThatThrownBy(() -> SempV2Client.answer(
                        "PATCH /SEMP/v2/config/msgVpns/x",
                        400,
                        envelope(400, 6, "NOT_FOUND", "Could not find match for msgVpnName x")))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.code()).isEqualTo("NOT_FOUND");
                    assertThat(e.getMessage())
                            .isEqualTo("PATCH /SEMP/v2/config/msgVpns/x: HTTP 400, SEMP error 6 "
                                    + "NOT_FOUND: Could not find match for msgVpnName x");
                });
    }

    @Test
    void anAnswerWithoutTheEnvelopeIsNamedByItsHttpStatus() {
        assertThatThrownBy(() -> SempV2Client.answer("GET /x", 401, "<html>no</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.code()).isEqualTo("HTTP_401");
                    assertThat(e.getMessage()).contains("authentication failed");
                });
        assertThatThrownBy(() -> SempV2Client.answer("GET /x", 502, new byte[0]))
                .isInstanceOfSatisfying(
                        ActuatorFailure.class, e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void aSuccessThatIsNotSempIsRetriable() {
        assertThatThrownBy(() ->
                        SempV2Client.answer("GET /x", 200, "<html>maintenance</html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.code()).isEqualTo("NOT_SEMP");
                });
    }

    @Test
    void transportFailuresAreRetriableExceptAFailedTlsHandshake() {
        assertThat(SempErrors.transport("GET /x", "b:943", new ConnectException(), 1000))
                .satisfies(e -> assertThat(e.retriable()).isTrue())
                .satisfies(e -> assertThat(e.code()).isEqualTo("CONNECTION_REFUSED"));
        assertThat(SempErrors.transport("GET /x", "b:943", new HttpConnectTimeoutException("t"), 1000)
                        .code())
                .isEqualTo("CONNECT_TIMEOUT");
        assertThat(SempErrors.transport("GET /x", "b:943", new HttpTimeoutException("t"), 1000)
                        .code())
                .isEqualTo("TIMEOUT");
        assertThat(SempErrors.transport("GET /x", "b:943", new IOException("reset", new ConnectException()), 1000)
                        .code())
                .isEqualTo("CONNECTION_REFUSED");
        ActuatorFailure tls =
                SempErrors.transport("GET /x", "b:943", new SSLHandshakeException("PKIX path building failed"), 1000);
        assertThat(tls.retriable()).isFalse();
        assertThat(tls.code()).isEqualTo("TLS_HANDSHAKE_FAILED");
    }
}
