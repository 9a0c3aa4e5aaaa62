package io.mrm.aem;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.sempfake.SempV2Fake;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The service as deployed, on a real in-process Kafka broker with bus authentication required, against a
 * replicated pair of {@link SempV2Fake} brokers: a drill's set-active command, signed by the engine, is
 * answered with an ack signed by aem-sync that says what the step would have done, and the brokers saw
 * reads only (no role change, no fence-mark queue).
 */
@RunningAemSync
@TestPropertySource(
        properties = {
            "mrm.service.instance=aem-sync-drill-it",
            // bounds for a saturated machine, not expectations
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class AemSyncRehearsalIT {

    @RegisterExtension
    static final AemServiceBackend BACKEND = new AemServiceBackend("aemdrill.", "shop");

    static final SempV2Fake SITE_A = BACKEND.siteA;
    static final SempV2Fake SITE_B = BACKEND.siteB;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
    }

    @Test
    void aSignedRehearsalIsAnsweredWithASignedWouldSetActiveAndTheBrokersOnlyRead() throws Exception {
        int queueChangesBefore = SITE_A.queueChanges().size();
        Instant now = Instant.now();
        EventsSetRoleCommand rehearsal = new EventsSetRoleCommand(
                "c-drill-active",
                "shop",
                now,
                1,
                new StepRef("d-drill", 7, 3, 1, now.plusSeconds(120), true),
                "region-b",
                ReplicationRole.ACTIVE);
        BACKEND.engine.send(rehearsal);

        // read as the engine does (aem-sync's key trusted, nothing else): every ack must verify
        CommandAck ack = BACKEND.engine.await(
                Topics.COMMAND_ACKS,
                CommandAck.class,
                a -> a.commandId().equals("c-drill-active"),
                Duration.ofSeconds(120));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.step().rehearsing()).isTrue();
        assertThat(ack.detail()).startsWith("would set VPN shop-b").contains("active under epoch 7");
        assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
        assertThat(SITE_A.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_B.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(SITE_A.roleChanges()).isEmpty();
        assertThat(SITE_A.queueChanges()).hasSize(queueChangesBefore);
        assertThat(SITE_B.role("shop-b")).isEqualTo("standby");
    }
}
