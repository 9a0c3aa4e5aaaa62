package io.mrm.dns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.InMemoryDnsRouter;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsCommandHandlerTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    final List<String> changes = new ArrayList<>();
    final InMemoryDnsRouter memory = new InMemoryDnsRouter(Map.of("orders", "eu10"));
    final DnsRouter router = new DnsRouter() {
        @Override
        public String currentRegion(String applicationId) {
            return memory.currentRegion(applicationId);
        }

        @Override
        public void routeTo(String applicationId, String region) {
            changes.add(region);
            memory.routeTo(applicationId, region);
        }
    };
    final DnsCommandHandler handler = new DnsCommandHandler(router, Clock.fixed(NOW, ZoneOffset.UTC));

    static DnsRouteCommand route(String id, long epoch, String region, Instant deadline) {
        return new DnsRouteCommand(id, "orders", NOW, 1, new StepRef("d-" + epoch, epoch, 0, 1, deadline), region);
    }

    @Test
    void routesOnceAndAReDeliveryChangesNothing() {
        DnsRouteCommand command = route("c1", 1, "us10", NOW.plusSeconds(30));
        CommandAck first = handler.handle(command);
        CommandAck again = handler.handle(command);
        assertThat(first.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.observed()).containsEntry("changed", "true").containsEntry("region", "us10");
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(changes).containsExactly("us10");
    }

    @Test
    void staleEpochCommandIsRefused() {
        handler.handle(route("c2", 2, "us10", NOW.plusSeconds(30)));
        CommandAck stale = handler.handle(route("c1", 1, "eu10", NOW.plusSeconds(30)));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(memory.currentRegion("orders")).isEqualTo("us10");
        assertThat(changes).containsExactly("us10");
    }

    @Test
    void commandPastItsDeadlineIsNotExecuted() {
        CommandAck late = handler.handle(route("c1", 1, "us10", NOW.minusSeconds(1)));
        assertThat(late.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(late.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(changes).isEmpty();
    }

    @Test
    void verifyReportsWhatTheAuthorityAnswers() {
        DnsVerifyCommand verify = new DnsVerifyCommand("v1", "orders", NOW, 1,
                new StepRef("d-1", 1, 1, 1, NOW.plusSeconds(30)), "us10");
        assertThat(handler.handle(verify).outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        memory.routeTo("orders", "us10");
        assertThat(handler.handle(verify).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    void backendErrorsAreClassified() {
        DnsCommandHandler failing = new DnsCommandHandler(new DnsRouter() {
            @Override
            public String currentRegion(String applicationId) throws DnsRouterException {
                throw new DnsRouterException(true, "Throttling", "rate exceeded", null);
            }

            @Override
            public void routeTo(String applicationId, String region) {
            }
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        CommandAck ack = failing.handle(route("c1", 1, "us10", NOW.plusSeconds(30)));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("Throttling");
    }
}
