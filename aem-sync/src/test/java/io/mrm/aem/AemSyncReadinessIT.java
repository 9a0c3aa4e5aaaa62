package io.mrm.aem;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.decision.Actuator;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.sempfake.SempV2Fake;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The service as deployed, on a real in-process Kafka broker with bus authentication required, against a
 * replicated pair of {@link SempV2Fake} brokers serving two applications: it checks readiness on its own
 * and publishes, per application, a {@link ReadinessReport} signed with aem-sync's key that the engine's
 * {@link InboundDecoder} (trusting that key and no other) accepts, while the brokers see reads only.
 */
@RunningAemSync
@TestPropertySource(
        properties = {
            "mrm.service.instance=aem-sync-readiness-it",
            "mrm.readiness.interval=5s",
            "mrm.readiness.timeout=5s"
        })
class AemSyncReadinessIT {

    @RegisterExtension
    static final AemServiceBackend BACKEND = new AemServiceBackend("aemready.", "shop", "cart");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        BACKEND.register(registry);
    }

    @Test
    void publishesASignedReadinessReportPerApplicationThatTheEngineAccepts() {
        Map<String, ReadinessReport> ready = new ConcurrentHashMap<>();
        // every report on the topic must be signed by aem-sync (and keyed by its application, or the engine's
        // decoder would not accept it); reports repeat every interval: a round slowed by a busy machine is
        // followed by another
        BACKEND.engine.read(Topics.READINESS_REPORTS, Duration.ofSeconds(120), event -> {
            ReadinessReport report = (ReadinessReport) event;
            assertThat(report.actuator()).isEqualTo(Actuator.AEM);
            if (report.checks().stream().allMatch(c -> c.status() == ReadinessStatus.READY)) {
                ready.put(report.applicationId(), report);
            }
            return ready.keySet().equals(Set.of("shop", "cart"));
        });

        assertThat(ready.get("shop").checks())
                .extracting(c -> c.region() + "/" + c.action() + "/" + c.check())
                .contains(
                        "region-a/EVENTS_SET_STANDBY/role-access",
                        "region-a/EVENTS_DRAIN/replication-bridge",
                        "region-b/EVENTS_SET_ACTIVE/replication",
                        "region-b/EVENTS_VERIFY/vpn-state");
        assertThat(BACKEND.siteA.requests())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(BACKEND.siteB.requests())
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r).startsWith("GET "));
        assertThat(BACKEND.siteA.roleChanges()).isEmpty();
    }
}
