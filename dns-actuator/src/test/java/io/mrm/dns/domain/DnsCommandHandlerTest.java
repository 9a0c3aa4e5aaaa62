package io.mrm.dns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.InMemoryDnsRouter;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
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
        public DnsState current(String applicationId) {
            return memory.current(applicationId);
        }

        @Override
        public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure {
            changes.add(region);
            memory.routeTo(applicationId, region, epoch, expected);
        }

        @Override
        public List<DnsAnswer> answers(String applicationId) {
            return memory.answers(applicationId);
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
        assertThat(first.fenceEpoch()).isEqualTo(1L);
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.fenceEpoch()).isEqualTo(1L);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(changes).containsExactly("us10");
    }

    @Test
    void staleEpochCommandIsRefused() {
        handler.handle(route("c2", 2, "us10", NOW.plusSeconds(30)));
        CommandAck stale = handler.handle(route("c1", 1, "eu10", NOW.plusSeconds(30)));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("STALE_EPOCH");
        assertThat(stale.fenceEpoch())
                .as("the epoch this actuator holds, which refused it")
                .isEqualTo(2L);
        assertThat(memory.current("orders")).isEqualTo(new DnsState("us10", 2));
        assertThat(changes).containsExactly("us10");
    }

    @Test
    void commandPastItsDeadlineIsNotExecuted() {
        CommandAck late = handler.handle(route("c1", 1, "us10", NOW.minusSeconds(1)));
        // retriable, as the engine treats its own missed deadline; refused, nothing done
        assertThat(late.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(late.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(late.fenceEpoch()).isEqualTo(1L);
        assertThat(changes).isEmpty();
    }

    @Test
    void verifyReportsWhatTheAuthorityAnswers() {
        DnsVerifyCommand verify =
                new DnsVerifyCommand("v1", "orders", NOW, 1, new StepRef("d-1", 1, 1, 1, NOW.plusSeconds(30)), "us10");
        CommandAck notYet = handler.handle(verify);
        assertThat(notYet.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(notYet.fenceEpoch()).isEqualTo(1L);
        memory.set("orders", "us10");
        CommandAck visible = handler.handle(verify);
        assertThat(visible.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(visible.fenceEpoch()).isEqualTo(1L);
    }

    @Test
    void backendErrorsAreClassified() {
        DnsCommandHandler failing = new DnsCommandHandler(
                new DnsRouter() {
                    @Override
                    public DnsState current(String applicationId) throws ActuatorFailure {
                        throw ActuatorFailure.retriable("Throttling", "rate exceeded");
                    }

                    @Override
                    public void routeTo(String applicationId, String region, long epoch, DnsState expected) {}

                    @Override
                    public List<DnsAnswer> answers(String applicationId) {
                        return List.of();
                    }
                },
                Clock.fixed(NOW, ZoneOffset.UTC));
        CommandAck ack = failing.handle(route("c1", 1, "us10", NOW.plusSeconds(30)));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("Throttling");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
    }

    @Test
    void anUnexpectedFailureOfTheRouterStillBecomesAnAck() {
        DnsCommandHandler broken = new DnsCommandHandler(
                new DnsRouter() {
                    @Override
                    public DnsState current(String applicationId) {
                        throw new IllegalStateException("a defect");
                    }

                    @Override
                    public void routeTo(String applicationId, String region, long epoch, DnsState expected) {}

                    @Override
                    public List<DnsAnswer> answers(String applicationId) {
                        return List.of();
                    }
                },
                Clock.fixed(NOW, ZoneOffset.UTC));
        CommandAck ack = broken.handle(route("c1", 3, "us10", NOW.plusSeconds(30)));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("UNEXPECTED");
        assertThat(ack.fenceEpoch()).isEqualTo(3L);
    }

    @Test
    void aNewerEpochInTheZoneFencesAnActuatorThatHasNotSeenIt() throws Exception {
        // another actuator instance already switched with epoch 5; this one never saw it
        memory.routeTo("orders", "us10", 5, memory.current("orders"));
        CommandAck stale = handler.handle(route("c3", 3, "eu10", NOW.plusSeconds(30)));
        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("FENCED_BY_NEWER_EPOCH");
        assertThat(stale.fenceEpoch())
                .as("the zone's token, above anything this actuator saw")
                .isEqualTo(5L);
        assertThat(memory.current("orders")).isEqualTo(new DnsState("us10", 5));
        assertThat(changes).isEmpty();
    }

    @Test
    void sameRegionWithAnOlderTokenOnlyRaisesTheToken() {
        CommandAck ack = handler.handle(route("c1", 4, "eu10", NOW.plusSeconds(30)));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("changed", "false").containsEntry("fencingEpoch", "4");
        assertThat(ack.fenceEpoch()).isEqualTo(4L);
        assertThat(memory.current("orders")).isEqualTo(new DnsState("eu10", 4));
    }

    @Test
    void aChangeBetweenReadAndWriteIsRetriableAndThenRefusedAsStale() {
        DnsCommandHandler racing = new DnsCommandHandler(
                new DnsRouter() {
                    @Override
                    public DnsState current(String applicationId) {
                        return memory.current(applicationId);
                    }

                    @Override
                    public void routeTo(String applicationId, String region, long epoch, DnsState expected)
                            throws ActuatorFailure {
                        // the other actuator (epoch 7) wins in between
                        memory.routeTo(applicationId, "us10", 7, expected);
                        memory.routeTo(applicationId, region, epoch, expected);
                    }

                    @Override
                    public List<DnsAnswer> answers(String applicationId) {
                        return memory.answers(applicationId);
                    }
                },
                Clock.fixed(NOW, ZoneOffset.UTC));
        CommandAck lost = racing.handle(route("c1", 6, "ap10", NOW.plusSeconds(30)));
        assertThat(lost.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(lost.errorCode()).isEqualTo(DnsFencedException.CODE);
        assertThat(lost.fenceEpoch()).isEqualTo(6L);
        assertThat(memory.current("orders")).isEqualTo(new DnsState("us10", 7));
        CommandAck retried = handler.handle(route("c1", 6, "ap10", NOW.plusSeconds(30)));
        assertThat(retried.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(retried.fenceEpoch()).isEqualTo(7L);
        assertThat(memory.current("orders")).isEqualTo(new DnsState("us10", 7));
    }
}
