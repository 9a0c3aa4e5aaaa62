package io.mrm.dns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the handler waits: for a pending change before acknowledging a route, for every answer to turn
 * before acknowledging a verify, and (when asked to) for the old answer's TTL; never past the
 * command's deadline less the ack margin. Virtual time: no test waits for real.
 */
class DnsCommandHandlerWaitsTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration MARGIN = Duration.ofSeconds(2);

    final VirtualTime time = new VirtualTime(NOW);
    final Scripted router = new Scripted();

    /** A backend whose state and answers the test sets; every read is counted. */
    static final class Scripted implements DnsRouter {
        DnsState state = new DnsState("eu10", 0);
        String pendingAfterRoute;
        int pendingReads;
        List<DnsAnswer> answers = List.of(DnsAnswer.answered("ns1", "eu10", "CNAME eu10.", Duration.ofSeconds(300)));
        final List<String> routed = new ArrayList<>();
        int reads;

        @Override
        public DnsState current(String applicationId) {
            reads++;
            if (state.isPending() && pendingReads-- <= 0) {
                state = new DnsState(state.region(), state.epoch());
            }
            return state;
        }

        @Override
        public void routeTo(String applicationId, String region, long epoch, DnsState expected) {
            routed.add(region);
            state = new DnsState(region, epoch);
            if (pendingAfterRoute != null) {
                state = state.pending(pendingAfterRoute);
            }
        }

        @Override
        public List<DnsAnswer> answers(String applicationId) {
            return answers;
        }
    }

    DnsCommandHandler handler(boolean waitOut) {
        return new DnsCommandHandler(router, time, time.pacing(POLL, MARGIN, waitOut));
    }

    static DnsRouteCommand route(long epoch, String region, Instant deadline) {
        return new DnsRouteCommand(
                "r-" + epoch, "orders", NOW, 1, new StepRef("d-" + epoch, epoch, 0, 1, deadline), region);
    }

    static DnsVerifyCommand verify(long epoch, String region, Instant deadline) {
        return new DnsVerifyCommand(
                "v-" + epoch + "-" + deadline,
                "orders",
                NOW,
                1,
                new StepRef("d-" + epoch, epoch, 1, 1, deadline),
                region);
    }

    static DnsAnswer us10(String source) {
        return DnsAnswer.answered(source, "us10", "CNAME us10.", Duration.ofSeconds(60));
    }

    @Test
    void aChangeThatStaysPendingIsAnsweredRetriableByTheDeadlineLessTheMargin() {
        router.pendingAfterRoute = "C1";
        router.pendingReads = Integer.MAX_VALUE;
        DnsRouteCommand command = route(1, "us10", NOW.plusSeconds(60));

        CommandAck ack = handler(false).handle(command);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(ack.observed()).containsEntry("pendingChange", "C1").containsEntry("changed", "true");
        assertThat(ack.time())
                .isBeforeOrEqualTo(command.step().deadline().minus(MARGIN))
                .isAfter(command.step().deadline().minus(MARGIN).minus(POLL).minusMillis(1));
        assertThat(router.routed).containsExactly("us10");
    }

    @Test
    void aChangeThatTurnsInSyncWithinTheDeadlineIsAcknowledgedRouted() {
        router.pendingAfterRoute = "C1";
        router.pendingReads = 3;

        CommandAck ack = handler(false).handle(route(1, "us10", NOW.plusSeconds(60)));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).doesNotContainKey("pendingChange");
        assertThat(Duration.between(NOW, ack.time()))
                .as("three pauses: pending at reads 1-3")
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aPendingChangeMadeBeforeIsWaitedForBeforeAnotherSwitch() {
        router.state = new DnsState("ap10", 1).pending("C0");
        router.pendingReads = 2;

        CommandAck ack = handler(false).handle(route(2, "us10", NOW.plusSeconds(60)));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(router.routed).containsExactly("us10");
        assertThat(router.reads).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPendingChangeMadeBeforeThatOutlastsTheDeadlineChangesNothing() {
        router.state = new DnsState("ap10", 1).pending("C0");
        router.pendingReads = Integer.MAX_VALUE;

        CommandAck ack = handler(false).handle(route(2, "us10", NOW.plusSeconds(10)));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(ack.detail()).contains("C0", "nothing changed");
        assertThat(router.routed).isEmpty();
    }

    @Test
    void verifyReadsAgainUntilEveryAnswerTurns() {
        router.state = new DnsState("us10", 1);
        router.answers = List.of(us10("ns1"), DnsAnswer.answered("ns2", "eu10", "CNAME eu10.", Duration.ofSeconds(60)));
        DnsCommandHandler handler = handler(false);
        DnsVerifyCommand command = verify(1, "us10", NOW.plusSeconds(5));

        CommandAck lagging = handler.handle(command);

        assertThat(lagging.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(lagging.errorCode()).isEqualTo("NOT_YET_VISIBLE");
        assertThat(lagging.detail()).contains("ns2", "eu10");
        assertThat(lagging.observed()).containsEntry("answer.ns2", "eu10 (CNAME eu10., TTL 60 s)");
        router.answers = List.of(us10("ns1"), us10("ns2"));
        CommandAck turned = handler.handle(verify(1, "us10", time.instant().plusSeconds(5)));
        assertThat(turned.outcome()).as(turned.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(turned.detail()).contains("all 2 sources");
    }

    @Test
    void aSourceThatDoesNotAnswerDoesNotHoldVerifyBackButOneMustAnswer() {
        router.state = new DnsState("us10", 1);
        router.answers = List.of(us10("ns1"), DnsAnswer.unanswered("ns2", "no answer within 2s"));
        assertThat(handler(false).handle(verify(1, "us10", NOW.plusSeconds(60))).outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);

        router.answers = List.of(DnsAnswer.unanswered("ns1", "refused"), DnsAnswer.unanswered("ns2", "timeout"));
        CommandAck none = handler(false).handle(verify(1, "us10", time.instant().plusSeconds(5)));
        assertThat(none.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(none.errorCode()).isEqualTo("NO_ANSWER");
    }

    @Test
    void verifyDoesNotSucceedWhileAChangeIsPendingWhateverTheAnswers() {
        router.state = new DnsState("us10", 1).pending("C9");
        router.pendingReads = Integer.MAX_VALUE;
        router.answers = List.of(us10("route53"));

        CommandAck ack = handler(false).handle(verify(1, "us10", NOW.plusSeconds(5)));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
    }

    @Test
    void verifyReportsHowLongTheOldAnswerMayBeCached() {
        DnsCommandHandler handler = handler(false);
        handler.handle(route(1, "us10", NOW.plusSeconds(60)));
        router.answers = List.of(us10("ns1"));

        CommandAck ack = handler.handle(verify(1, "us10", time.instant().plusSeconds(60)));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        Instant since = Instant.parse(ack.observed().get("allAnswersSince"));
        assertThat(ack.observed())
                .containsEntry("oldAnswerTtlSeconds", "300")
                .containsEntry("oldAnswersCachedUntil", since.plusSeconds(300).toString());
        assertThat(ack.detail()).contains("TTL 300 s", "until " + since.plusSeconds(300));
    }

    @Test
    void verifyWaitsOutTheOldAnswersTtlWhenConfiguredSoWithinEachDeadline() {
        DnsCommandHandler handler = handler(true);
        handler.handle(route(1, "us10", NOW.plusSeconds(60)));
        router.answers = List.of(us10("ns1"));
        Instant allTurned = time.instant();

        List<CommandAck> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= 6; attempt++) {
            CommandAck ack = handler.handle(verify(1, "us10", time.instant().plusSeconds(60)));
            attempts.add(ack);
            if (ack.outcome() == AckOutcome.SUCCEEDED) {
                break;
            }
            assertThat(ack.errorCode()).isEqualTo(DnsCommandHandler.OLD_ANSWER_MAY_BE_CACHED);
        }

        CommandAck last = attempts.get(attempts.size() - 1);
        assertThat(attempts).hasSizeGreaterThan(1);
        assertThat(last.outcome()).as(last.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(last.time()).isAfterOrEqualTo(allTurned.plusSeconds(300)).isBefore(allTurned.plusSeconds(302));
    }

    @Test
    void anotherInstanceThatDidNotSwitchAssumesTheTtlServedNowAndSaysSo() {
        router.state = new DnsState("us10", 1);
        router.answers = List.of(us10("ns1"));

        CommandAck ack = handler(false).handle(verify(1, "us10", NOW.plusSeconds(60)));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed())
                .containsEntry("oldAnswerTtlSeconds", "unknown")
                .containsEntry("oldAnswersCachedUntil", NOW.plusSeconds(60).toString());
        assertThat(ack.detail()).contains("not known to this actuator");
    }
}
