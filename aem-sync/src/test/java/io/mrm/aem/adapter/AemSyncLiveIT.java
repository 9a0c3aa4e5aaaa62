package io.mrm.aem.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mrm.aem.domain.ActuatorLimits;
import io.mrm.aem.domain.AemSyncCommandHandler;
import io.mrm.aem.domain.FenceMark;
import io.mrm.aem.domain.Sleeper;
import io.mrm.aem.domain.VpnState;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.kafka.SecretReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 *       subscribe to, and {@code MRM_IT_SOLACE_TRUST_STORE}): the delivery check's round trip;</li>
 *   <li>a <b>test</b> VPN pair, replicated, one site active and the other standby: the SEMP variables
 *       above for one site, {@code MRM_IT_SOLACE_MATE_SEMP_URL}, {@code MRM_IT_SOLACE_MATE_SEMP_USERNAME},
 *       {@code MRM_IT_SOLACE_MATE_SEMP_PASSWORD} and {@code MRM_IT_SOLACE_MATE_VPN} for the other, and
 *       {@code MRM_IT_SOLACE_SWITCH_ROLES=true} to say that their roles may be switched: a controlled
 *       switchover through aem-sync's command handler (set-standby of the active site, drain, set-active
 *       of the other), verified on both brokers, and then, in a finally block, the same back to the
 *       original roles. With {@code MRM_IT_SOLACE_FENCING=true} it runs with broker fencing (fence marks
 *       {@code mrm/mrm-live-it/...}, removed at the end). Never point it at a production pair.</li>
 * </ul>
 * Without {@code MRM_IT_SOLACE_SWITCH_ROLES=true} it never changes a role.
 */
class AemSyncLiveIT {

    static final String SEMP_VARIABLES = "MRM_IT_SOLACE_SEMP_URL, MRM_IT_SOLACE_SEMP_USERNAME, "
            + "MRM_IT_SOLACE_SEMP_PASSWORD and MRM_IT_SOLACE_VPN";

    static boolean sempConfigured() {
        return System.getenv("MRM_IT_SOLACE_SEMP_URL") != null
                && System.getenv("MRM_IT_SOLACE_SEMP_USERNAME") != null
                && System.getenv("MRM_IT_SOLACE_SEMP_PASSWORD") != null
                && System.getenv("MRM_IT_SOLACE_VPN") != null;
    }

    static final String MATE_VARIABLES = "MRM_IT_SOLACE_MATE_SEMP_URL, MRM_IT_SOLACE_MATE_SEMP_USERNAME, "
            + "MRM_IT_SOLACE_MATE_SEMP_PASSWORD, MRM_IT_SOLACE_MATE_VPN";
    static final String LIVE_APP = "mrm-live-it";
    /** Generous: a real broker over the internet, and a replication queue that may hold a backlog. */
    static final ActuatorLimits SWITCH_LIMITS = new ActuatorLimits(
            Duration.ofMillis(500),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            "true".equals(System.getenv("MRM_IT_SOLACE_FENCING")),
            Duration.ofSeconds(120),
            Duration.ofSeconds(15));

    static boolean pairConfigured() {
        return sempConfigured()
                && "true".equals(System.getenv("MRM_IT_SOLACE_SWITCH_ROLES"))
                && System.getenv("MRM_IT_SOLACE_MATE_SEMP_URL") != null
                && System.getenv("MRM_IT_SOLACE_MATE_SEMP_USERNAME") != null
                && System.getenv("MRM_IT_SOLACE_MATE_SEMP_PASSWORD") != null
                && System.getenv("MRM_IT_SOLACE_MATE_VPN") != null;
    }

    static SempReplicatedVpn vpn(SecretReference password) {
        return vpn("MRM_IT_SOLACE_", password);
    }

    /** The site named by the variables {@code prefix + SEMP_URL}, {@code SEMP_USERNAME} and {@code VPN}. */
    static SempReplicatedVpn vpn(String prefix, SecretReference password) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return new SempReplicatedVpn(
                new SempV2Client(
                        http,
                        URI.create(System.getenv(prefix + "SEMP_URL")),
                        new SempCredentials.Basic(System.getenv(prefix + "SEMP_USERNAME"), password),
                        Duration.ofSeconds(15)),
                System.getenv(prefix + "VPN"));
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
            vpn.setRole(before.role()); // the same role: exercises the PATCH and changes nothing
            assertThat(vpn.read().role()).isEqualTo(before.role());
        }
        System.out.println("live broker: " + before.summary());
    }

    /**
     * The round trip: a controlled switchover of the test pair through the product, verified on both
     * brokers, and back to the original roles in a finally block. Epochs come from the wall clock so that
     * they exceed the fences an earlier run left.
     */
    @Test
    void theRolesOfATestPairAreSwitchedThroughTheProductAndRestored() throws Exception {
        assumeTrue(
                pairConfigured(),
                "skipped: set " + SEMP_VARIABLES + ", " + MATE_VARIABLES
                        + " and MRM_IT_SOLACE_SWITCH_ROLES=true (switches the roles of a test VPN pair, then restores them)");
        SempReplicatedVpn site = vpn("MRM_IT_SOLACE_", SecretReference.env("MRM_IT_SOLACE_SEMP_PASSWORD"));
        SempReplicatedVpn mate = vpn("MRM_IT_SOLACE_MATE_", SecretReference.env("MRM_IT_SOLACE_MATE_SEMP_PASSWORD"));
        VpnState siteBefore = site.read();
        VpnState mateBefore = mate.read();
        assertThat(siteBefore.replicationEnabled() && mateBefore.replicationEnabled())
                .as("replication enabled on both: %s; %s", siteBefore.summary(), mateBefore.summary())
                .isTrue();
        assertThat(java.util.Set.of(siteBefore.role(), mateBefore.role()))
                .as("one site active, one standby: %s; %s", siteBefore.summary(), mateBefore.summary())
                .containsExactlyInAnyOrder(ReplicationRole.ACTIVE, ReplicationRole.STANDBY);
        String active = siteBefore.role() == ReplicationRole.ACTIVE ? "site" : "mate";
        String standby = active.equals("site") ? "mate" : "site";
        AemSyncCommandHandler handler = new AemSyncCommandHandler(
                new ConfiguredEventBrokers(Map.of(
                        LIVE_APP,
                        Map.of(
                                "site", new ConfiguredEventBrokers.Site(site, null),
                                "mate", new ConfiguredEventBrokers.Site(mate, null)))),
                SWITCH_LIMITS,
                "aem-sync-live-it",
                Clock.systemUTC(),
                Sleeper.THREAD);
        long epoch = System.currentTimeMillis();
        try {
            switchover(handler, epoch, active, standby);

            assertThat(role(site, mate, active)).isEqualTo(ReplicationRole.STANDBY);
            assertThat(role(site, mate, standby)).isEqualTo(ReplicationRole.ACTIVE);
        } finally {
            try {
                switchover(handler, epoch + 1, standby, active);
            } finally {
                removeMarks(site);
                removeMarks(mate);
            }
        }
        assertThat(site.read().role()).as("restored").isEqualTo(siteBefore.role());
        assertThat(mate.read().role()).as("restored").isEqualTo(mateBefore.role());
    }

    /** The default plan's event steps: demote {@code from}, drain it towards {@code to}, promote {@code to}. */
    private static void switchover(AemSyncCommandHandler handler, long epoch, String from, String to) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        StepRef step = new StepRef("live-it-" + epoch, epoch, 0, 1, deadline);
        List<CommandAck> acks = List.of(
                handler.handle(new EventsSetRoleCommand(
                        "live-it-" + epoch + "-1", LIVE_APP, Instant.now(), 1, step, from, ReplicationRole.STANDBY)),
                handler.handle(
                        new EventsDrainCommand("live-it-" + epoch + "-2", LIVE_APP, Instant.now(), 1, step, from, to)),
                handler.handle(new EventsSetRoleCommand(
                        "live-it-" + epoch + "-3", LIVE_APP, Instant.now(), 1, step, to, ReplicationRole.ACTIVE)));
        for (CommandAck ack : acks) {
            assertThat(ack.outcome())
                    .as("%s %s: %s", ack.action(), ack.errorCode(), ack.detail())
                    .isEqualTo(AckOutcome.SUCCEEDED);
        }
    }

    private static ReplicationRole role(SempReplicatedVpn site, SempReplicatedVpn mate, String which)
            throws ActuatorFailure {
        return (which.equals("site") ? site : mate).read().role();
    }

    private static void removeMarks(SempReplicatedVpn vpn) throws ActuatorFailure {
        if (!SWITCH_LIMITS.brokerFencing()) {
            return;
        }
        for (FenceMark mark : vpn.marks(LIVE_APP)) {
            vpn.delete(LIVE_APP, mark);
        }
    }

    @Test
    void aWrongPasswordIsAFatalAuthenticationFailure() {
        assumeTrue(sempConfigured(), "skipped: set " + SEMP_VARIABLES + " to run against a real Solace broker or AEM");
        String wrong = "not-the-password-" + UUID.randomUUID();

        assertThatThrownBy(() -> vpn(SecretReference.literal(wrong)).read())
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 401").doesNotContain(wrong);
                });
    }

    @Test
    void fenceMarksCanBeCreatedListedAndDeletedOnARealBroker() throws Exception {
        assumeTrue(
                sempConfigured() && "true".equals(System.getenv("MRM_IT_SOLACE_FENCING")),
                "skipped: set " + SEMP_VARIABLES + " and MRM_IT_SOLACE_FENCING=true (creates and deletes a queue)");
        SempReplicatedVpn vpn = vpn(SecretReference.env("MRM_IT_SOLACE_SEMP_PASSWORD"));
        // milliseconds: the precision a mark's queue name keeps
        FenceMark intent =
                FenceMark.intent(1, "live-it", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        try {
            vpn.create("mrm-live-it", intent);
            vpn.create("mrm-live-it", intent); // ALREADY_EXISTS is no error

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
        assumeTrue(
                host != null
                        && vpnName != null
                        && username != null
                        && queue != null
                        && System.getenv("MRM_IT_SOLACE_PASSWORD") != null,
                "skipped: set MRM_IT_SOLACE_HOST, MRM_IT_SOLACE_VPN, MRM_IT_SOLACE_USERNAME, MRM_IT_SOLACE_PASSWORD and "
                        + "MRM_IT_SOLACE_QUEUE (optionally MRM_IT_SOLACE_TOPIC) to run the JCSMP delivery check");
        String trustStore = System.getenv("MRM_IT_SOLACE_TRUST_STORE");
        JcsmpDeliveryCheck check = new JcsmpDeliveryCheck(new JcsmpDeliveryCheck.Settings(
                host,
                vpnName,
                username,
                SecretReference.env("MRM_IT_SOLACE_PASSWORD"),
                queue,
                System.getenv("MRM_IT_SOLACE_TOPIC"),
                Duration.ofSeconds(10),
                trustStore == null ? null : Path.of(trustStore),
                null));

        Duration first = check.roundTrip("live-it-1", Duration.ofSeconds(20));
        Duration second = check.roundTrip("live-it-2", Duration.ofSeconds(20));

        assertThat(first).isLessThan(Duration.ofSeconds(20));
        assertThat(second).isLessThan(Duration.ofSeconds(20));
    }
}
