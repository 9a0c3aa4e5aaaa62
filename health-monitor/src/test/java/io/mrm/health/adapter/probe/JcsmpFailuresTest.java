package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.solacesystems.jcsmp.JCSMPErrorResponseException;
import com.solacesystems.jcsmp.JCSMPTransportException;
import io.mrm.kafka.SecretReference;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The JCSMP error classifier, fed the exception types and messages JCSMP 10.29 throws. */
class JcsmpFailuresTest {

    static final JcsmpTransport.Settings SETTINGS = new JcsmpTransport.Settings(
            "tcps://mr.example.com:55443",
            "shop",
            "mrm-probe",
            SecretReference.literal("secret-pw"),
            "mrm/probe/v1",
            "mrm-probe-v1",
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            true,
            null,
            null);

    @Test
    void aRefusedLoginIsAnAuthenticationFailureNamingUserAndVpnButNotThePassword() {
        String detail = JcsmpFailures.connect(
                SETTINGS, new JCSMPErrorResponseException(401, "Unauthorized", null, "conn-info"));

        assertThat(detail)
                .isEqualTo("authentication failed: tcps://mr.example.com:55443 refused client username "
                        + "mrm-probe on message VPN shop (401 Unauthorized)")
                .doesNotContain("secret-pw");
    }

    @Test
    void otherLoginRefusalsCarryTheBrokersResponse() {
        assertThat(JcsmpFailures.connect(
                        SETTINGS, new JCSMPErrorResponseException(403, "Message VPN Not Allowed", null, null)))
                .isEqualTo("login to tcps://mr.example.com:55443 (message VPN shop) refused: 403 Message "
                        + "VPN Not Allowed");
    }

    @Test
    void aRefusedConnectionSaysSoWithoutJcsmpsClientName() {
        JCSMPTransportException error = new JCSMPTransportException(
                "(Client name: vm/1/abc/XYZ   ) - Error " + "communicating with the router.",
                new ConnectException("finishConnect(..) failed with error(-111): " + "Connection refused"));

        assertThat(JcsmpFailures.connect(SETTINGS, error))
                .isEqualTo("cannot connect to tcps://mr.example.com:55443: connection refused");
    }

    @Test
    void anUnansweredLoginIsATimeout() {
        assertThat(JcsmpFailures.connect(SETTINGS, new JCSMPTransportException("Login request timeout")))
                .isEqualTo("timeout: tcps://mr.example.com:55443 accepted the connection but did not answer the login "
                        + "within 3000 ms");
    }

    @Test
    void tlsProblemsNameTheHandshake() {
        JCSMPTransportException untrusted = new JCSMPTransportException(
                "ValidatorException - PKIX path building " + "failed",
                new SSLHandshakeException(
                        "PKIX path building failed: unable to find valid certification " + "path to requested target"));

        assertThat(JcsmpFailures.connect(SETTINGS, untrusted))
                .isEqualTo("TLS handshake with "
                        + "tcps://mr.example.com:55443 failed: PKIX path building failed: unable to find valid certification "
                        + "path to requested target");
        assertThat(JcsmpFailures.connect(
                        SETTINGS, new JCSMPTransportException("x", new SSLHandshakeException("SSL handshake timeout"))))
                .isEqualTo("timeout: no TLS handshake with tcps://mr.example.com:55443 within 2000 ms");
    }

    @Test
    void anUnknownHostSaysSo() {
        assertThat(JcsmpFailures.connect(
                        SETTINGS,
                        new JCSMPTransportException(
                                "Error communicating with the router.", new UnknownHostException("mr.example.com"))))
                .isEqualTo("cannot resolve the host of tcps://mr.example.com:55443");
    }

    @Test
    void aMissingQueueTellsHowToCreateIt() {
        assertThat(JcsmpFailures.bind(SETTINGS, new JCSMPErrorResponseException(503, "Unknown Queue", null, null)))
                .isEqualTo("cannot bind to queue mrm-probe-v1 on tcps://mr.example.com:55443: 503 Unknown Queue "
                        + "(create it and subscribe it to topic mrm/probe/v1)");
        assertThat(JcsmpFailures.bind(
                        SETTINGS, new JCSMPErrorResponseException(403, "Permission Not Allowed", null, null)))
                .endsWith("403 Permission Not Allowed (client username mrm-probe may not consume from it)");
    }

    @Test
    void aNackCarriesTheBrokersResponse() {
        assertThat(JcsmpFailures.reason(new JCSMPErrorResponseException(400, "Spool Over Quota", null, null)))
                .isEqualTo("400 Spool Over Quota");
        assertThat(JcsmpFailures.publish(
                        SETTINGS, new JCSMPErrorResponseException(403, "Publish ACL Denied", null, null)))
                .isEqualTo("cannot publish to topic mrm/probe/v1 on tcps://mr.example.com:55443: 403 Publish "
                        + "ACL Denied");
    }

    @Test
    void sessionEventsUseTheExceptionOrTheInfo() {
        assertThat(JcsmpFailures.event("(Client name: vm/1/x ) - Keep-alive timeout", null))
                .isEqualTo("Keep-alive timeout");
        assertThat(JcsmpFailures.event(null, null)).isEqualTo("no reason given");
        assertThat(JcsmpFailures.event(
                        "ignored", new JCSMPErrorResponseException(503, "Service Unavailable", null, null)))
                .isEqualTo("503 Service Unavailable");
    }
}
