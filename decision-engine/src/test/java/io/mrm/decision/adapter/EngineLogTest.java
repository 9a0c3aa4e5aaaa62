package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.journal.EngineStep;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** What the engine logs: one line per decision, command, ack, alert and refusal, with its keys in the MDC. */
class EngineLogTest {

    static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger logger = (Logger) LoggerFactory.getLogger(EngineLog.class);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aCommandAndItsAckAreOneLineEachWithTheStepInTheMdc() {
        StepRef ref = new StepRef("dec-1", 7, 2, 1, NOW.plusSeconds(30));
        EngineLog.output(new DnsRouteCommand("c-1", "orders", NOW, 1, ref, "us10"));
        EngineLog.input(new CommandAck(
                "a-1",
                "orders",
                NOW,
                1,
                "c-1",
                ref,
                Actuator.DNS,
                StepAction.DNS_ROUTE,
                AckOutcome.SUCCEEDED,
                null,
                "routed",
                12,
                Map.of(),
                7L));

        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "command DNS_ROUTE step 2 attempt 1 deadline 2026-12-06T10:00:30Z",
                        "ack DNS DNS_ROUTE step 2 attempt 1 SUCCEEDED in 12 ms: routed");
        assertThat(lines.list)
                .allSatisfy(line -> assertThat(line.getMDCPropertyMap())
                        .containsEntry("mrm.application", "orders")
                        .containsEntry("mrm.decision", "dec-1")
                        .containsEntry("mrm.epoch", "7")
                        .containsEntry("mrm.step", "2"));
        assertThat(MDC.getCopyOfContextMap()).as("nothing left in the MDC").isNullOrEmpty();
    }

    @Test
    void aCriticalAlertIsAWarningARefusedRequestAnInfoAndTheJournalNothing() {
        EngineLog.output(new Alert(
                "al-1", "orders", NOW, 1, AlertSeverity.CRITICAL, "PREFLIGHT_VETOED", "vetoed: freeze", null, "dec-1"));
        EngineLog.output(new RequestOutcome(
                "ro-1", "orders", NOW, 1, "req-1", "manual-failover", "mallory", false, "not permitted", null));
        EngineLog.output(new EngineStep("j:1", "orders", NOW, 1, null, 0));

        assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "alert CRITICAL PREFLIGHT_VETOED: vetoed: freeze",
                        "request manual-failover req-1 by mallory refused: not permitted");
    }
}
