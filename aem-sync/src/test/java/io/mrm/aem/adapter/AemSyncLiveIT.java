package io.mrm.aem.adapter;

import io.mrm.kafka.SecretReference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.aem.domain.BrokerException;
import io.mrm.aem.domain.FenceMark;
import io.mrm.aem.domain.VpnState;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The SEMP client and the JCSMP delivery check against a real Solace broker or SAP Advanced Event
 * Mesh service. Runs only when the variables are set, skipped with the list otherwise:
 * <ul>
 *   <li>{@code MRM_IT_SOLACE_SEMP_URL} (e.g. {@code https://mr-abc.messaging.solace.cloud:943}),
 *       {@code MRM_IT_SOLACE_SEMP_USERNAME}, {@code MRM_IT_SOLACE_SEMP_PASSWORD}, {@code MRM_IT_SOLACE_VPN}:
 *       reads the VPN's replication state, re-applies the role it already has (changing nothing) and
 *       checks a wrong password is a fatal 401;</li>
 *   <li>{@code MRM_IT_SOLACE_FENCING=true} as well: creates, lists and deletes a fence mark (a disabled
 *       queue named {@code mrm/mrm-live-it/...}) — needs a SEMP user allowed to create queues;</li>
 *   <li>{@code MRM_IT_SOLACE_HOST}, {@code MRM_IT_SOLACE_USERNAME}, {@code MRM_IT_SOLACE_PASSWORD},
 *       {@code MRM_IT_SOLACE_QUEUE} (and optionally {@code MRM_IT_SOLACE_TOPIC}, which the queue must
 *       subscribe to, and {@code MRM_IT_SOLACE_TRUST_STORE}): the delivery check's round trip.</li>
 * </ul>
 * It never changes a role.
 */
class AemSyncLiveIT {

    static final String SEMP_VARIABLES = "MRM_IT_SOLACE_SEMP_URL, MRM_IT_SOLACE_SEMP_USERNAME, "
            + "MRM_IT_SOLACE_SEMP_PASSWORD and MRM_IT_SOLACE_VPN";

    static boolean sempConfigured() {
        return System.getenv("MRM_IT_SOLACE_SEMP_URL") != null && System.getenv("MRM_IT_SOLACE_SEMP_USERNAME") != null
                && System.getenv("MRM_IT_SOLACE_SEMP_PASSWORD") != null && System.getenv("MRM_IT_SOLACE_VPN") != null;
    }

    static SempReplicatedVpn vpn(SecretReference password) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new SempReplicatedVpn(new SempV2Client(http, URI.create(System.getenv("MRM_IT_SOLACE_SEMP_URL")),
                new SempCredentials.Basic(System.getenv("MRM_IT_SOLACE_SEMP_USERNAME"), password),
                Duration.ofSeconds(15)), System.getenv("MRM_IT_SOLACE_VPN"));
    }

    @Test
    void aRealBrokerReportsTheVpnsReplicationStateAndAcceptsTheRoleItAlreadyHas() throws Exception {
        assumeTrue(sempConfigured(), "skipped: set " + SEMP_VARIABLES + " to run against a real Solace broker or AEM");
        SempReplicatedVpn vpn = vpn(SecretReference.env("MRM_IT_SOLACE_SEMP_PASSWORD"));

        VpnState before = vpn.read();

        assertThat(before.vpn()).isEqualTo(System.getenv("MRM_IT_SOLACE_VPN"));
        assertThat(before.state()).isNotBlank();
        if (before.replicationEnabled()) {
            assertThat(before.role()).as(before.summary()).isNotNull();
            vpn.setRole(before.role());   // the same role: exercises the PATCH and changes nothing
            assertThat(vpn.read().role()).isEqualTo(before.role());
        }
        System.out.println("live broker: " + before.summary());
    }

    @Test
    void aWrongPasswordIsAFatalAuthenticationFailure() {
        assumeTrue(sempConfigured(), "skipped: set " + SEMP_VARIABLES + " to run against a real Solace broker or AEM");
        String wrong = "not-the-password-" + UUID.randomUUID();

        assertThatThrownBy(() -> vpn(SecretReference.literal(wrong)).read())
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 401").doesNotContain(wrong);
                });
    }

    @Test
    void fenceMarksCanBeCreatedListedAndDeletedOnARealBroker() throws Exception {
        assumeTrue(sempConfigured() && "true".equals(System.getenv("MRM_IT_SOLACE_FENCING")),
                "skipped: set " + SEMP_VARIABLES + " and MRM_IT_SOLACE_FENCING=true (creates and deletes a queue)");
        SempReplicatedVpn vpn = vpn(SecretReference.env("MRM_IT_SOLACE_SEMP_PASSWORD"));
        FenceMark intent = FenceMark.intent(1, "live-it", Instant.now());
        try {
            vpn.create("mrm-live-it", intent);
            vpn.create("mrm-live-it", intent);   // ALREADY_EXISTS is no error

            assertThat(vpn.marks("mrm-live-it")).contains(intent);
        } finally {
            vpn.delete("mrm-live-it", intent);
        }
        assertThat(vpn.marks("mrm-live-it")).doesNotContain(intent);
    }

    @Test
    void theDeliveryCheckPublishesAndReceivesAPersistentMessage() throws Exception {
        String host = System.getenv("MRM_IT_SOLACE_HOST");
        String vpnName = System.getenv("MRM_IT_SOLACE_VPN");
        String username = System.getenv("MRM_IT_SOLACE_USERNAME");
        String queue = System.getenv("MRM_IT_SOLACE_QUEUE");
        assumeTrue(host != null && vpnName != null && username != null && queue != null
                        && System.getenv("MRM_IT_SOLACE_PASSWORD") != null,
                "skipped: set MRM_IT_SOLACE_HOST, MRM_IT_SOLACE_VPN, MRM_IT_SOLACE_USERNAME, MRM_IT_SOLACE_PASSWORD and "
                        + "MRM_IT_SOLACE_QUEUE (optionally MRM_IT_SOLACE_TOPIC) to run the JCSMP delivery check");
        String trustStore = System.getenv("MRM_IT_SOLACE_TRUST_STORE");
        JcsmpDeliveryCheck check = new JcsmpDeliveryCheck(new JcsmpDeliveryCheck.Settings(host, vpnName, username,
                SecretReference.env("MRM_IT_SOLACE_PASSWORD"), queue, System.getenv("MRM_IT_SOLACE_TOPIC"),
                Duration.ofSeconds(10), trustStore == null ? null : Path.of(trustStore), null));

        Duration first = check.roundTrip("live-it-1", Duration.ofSeconds(20));
        Duration second = check.roundTrip("live-it-2", Duration.ofSeconds(20));

        assertThat(first).isLessThan(Duration.ofSeconds(20));
        assertThat(second).isLessThan(Duration.ofSeconds(20));
    }
}
