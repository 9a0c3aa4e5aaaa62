package io.mrm.dns;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.EngineSide;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The engine's side of the actuator's answers, for the service tests on a real broker. */
final class EngineSideAcks {

    private EngineSideAcks() {}

    /**
     * Reads the acks topic as the engine does (dns-actuator's public key trusted, nothing else) until the ack
     * of {@code commandId} arrives: every ack before it must carry dns-actuator's signature and verify.
     */
    static void assertSignedAckArrives(String bootstrap, TopicNames names, BusKeyring keys, String commandId) {
        awaitSignedAck(bootstrap, names, keys, commandId);
    }

    /** As {@link #assertSignedAckArrives}, and returns the ack of {@code commandId} as the engine decoded it. */
    static CommandAck awaitSignedAck(String bootstrap, TopicNames names, BusKeyring keys, String commandId) {
        return engineSide(bootstrap, names, keys)
                .await(
                        Topics.COMMAND_ACKS,
                        CommandAck.class,
                        a -> a.commandId().equals(commandId),
                        Duration.ofSeconds(60));
    }

    /**
     * Reads the readiness reports topic as the engine does until a report of each of {@code applications}
     * has arrived: every record must be accepted (signed by dns-actuator). Returns the first of each.
     */
    static Map<String, ReadinessReport> awaitSignedReadinessReports(
            String bootstrap, TopicNames names, BusKeyring keys, Set<String> applications) {
        Map<String, ReadinessReport> reports = new ConcurrentHashMap<>();
        engineSide(bootstrap, names, keys).read(Topics.READINESS_REPORTS, Duration.ofSeconds(120), event -> {
            if (event instanceof ReadinessReport report) {
                reports.putIfAbsent(report.applicationId(), report);
            }
            return reports.keySet().containsAll(applications);
        });
        return reports;
    }

    private static EngineSide engineSide(String bootstrap, TopicNames names, BusKeyring keys) {
        return new EngineSide(bootstrap, names, keys, BusSigner.DNS_ACTUATOR);
    }
}
