package io.mrm.hook.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.hook.adapter.LocalReceiver.Answer;
import io.mrm.hook.domain.HookExecutor;
import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookOutcome.Status;
import io.mrm.hook.domain.HookStep;
import io.mrm.kafka.SecretReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP hooks against a real local HTTP server that verifies the signature the way a receiver would. */
class HttpHookAgainstLocalReceiverTest {

    static final String SECRET = "s3cr3t-shared-with-the-receiver";
    static final ObjectMapper JSON = new ObjectMapper();

    LocalReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    static HttpHook hook(URI url, boolean preflight, String secret) {
        return new HttpHook(
                "notify-ops",
                url,
                preflight,
                secret == null ? null : SecretReference.literal(secret),
                HttpHook.client(Duration.ofSeconds(30), null),
                Clock.systemUTC());
    }

    static HookStep step(String commandId, Duration withinDeadline, boolean rehearsal) {
        return new HookStep(
                commandId,
                "orders",
                "eu10",
                "us10",
                7,
                HookMode.GRACEFUL,
                "notify-ops",
                Instant.now().plus(withinDeadline),
                rehearsal);
    }

    /** Runs the step as the plan would: a pre-flight step for a pre-flight hook. */
    static HookOutcome run(HttpHook hook, HookStep step) {
        HookStep asPlanned = new HookStep(
                step.commandId(),
                step.application(),
                step.fromRegion(),
                step.toRegion(),
                step.epoch(),
                step.mode(),
                step.kind(),
                step.deadline(),
                step.rehearsal(),
                hook.preflight(),
                null);
        return new HookExecutor(Map.of("notify-ops", hook), Clock.systemUTC(), 100).execute(asPlanned);
    }

    @Test
    void aSignedStepIsVerifiedByTheReceiverAndSucceeds() throws Exception {
        receiver = LocalReceiver.http(SECRET).answering(Answer.json("SUCCEEDED", "paged the on-call"));

        HookOutcome outcome = run(hook(receiver.url(), false, SECRET), step("cmd-1", Duration.ofMinutes(2), false));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail()).isEqualTo("paged the on-call");
        assertThat(receiver.deliveries).hasSize(1);
        LocalReceiver.Delivery delivery = receiver.deliveries.get(0);
        assertThat(delivery.signatureValid()).isTrue();
        assertThat(delivery.deliveryId()).isEqualTo("cmd-1");
        JsonNode body = JSON.readTree(delivery.body());
        assertThat(body.path("application").asText()).isEqualTo("orders");
        assertThat(body.path("fromRegion").asText()).isEqualTo("eu10");
        assertThat(body.path("toRegion").asText()).isEqualTo("us10");
        assertThat(body.path("epoch").asLong()).isEqualTo(7);
        assertThat(body.path("mode").asText()).isEqualTo("GRACEFUL");
        assertThat(body.path("rehearsal").asBoolean()).isFalse();
    }

    @Test
    void aPreflightHookCanVetoAndAnyOtherHookCannot() throws Exception {
        receiver = LocalReceiver.http(SECRET)
                .answering(Answer.json("VETO", "month-end close running"), Answer.json("VETO", "no"));

        HookOutcome preflight = run(hook(receiver.url(), true, SECRET), step("cmd-1", Duration.ofMinutes(2), false));
        HookOutcome notPreflight =
                run(hook(receiver.url(), false, SECRET), step("cmd-2", Duration.ofMinutes(2), false));

        assertThat(preflight.status()).isEqualTo(Status.VETOED);
        assertThat(preflight.detail()).isEqualTo("month-end close running");
        assertThat(notPreflight.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(notPreflight.detail()).contains("VETO but is not a pre-flight hook");
    }

    @Test
    void aRetriableAnswerIsRetriedWithTheSameDeliveryIdAndThenSucceeds() throws Exception {
        receiver = LocalReceiver.http(SECRET).answering(Answer.status(503, "busy"), Answer.json("SUCCEEDED", "done"));
        HookExecutor executor =
                new HookExecutor(Map.of("notify-ops", hook(receiver.url(), false, SECRET)), Clock.systemUTC(), 100);
        HookStep step = step("cmd-1", Duration.ofMinutes(2), false);

        HookOutcome first = executor.execute(step);
        HookOutcome retry = executor.execute(step);

        assertThat(first.status()).isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(first.detail()).contains("HTTP 503", "busy");
        assertThat(retry.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(receiver.deliveries)
                .extracting(LocalReceiver.Delivery::deliveryId)
                .containsExactly("cmd-1", "cmd-1");
        assertThat(receiver.deliveries).allMatch(LocalReceiver.Delivery::signatureValid);
    }

    @Test
    void twoAttemptsOfOneStepHaveTheirOwnDeliveryIdsAndOneStepKeyToDeduplicateBy() throws Exception {
        receiver = LocalReceiver.http(SECRET).answering(Answer.status(503, "busy"), Answer.json("SUCCEEDED", "done"));
        HookExecutor executor =
                new HookExecutor(Map.of("notify-ops", hook(receiver.url(), false, SECRET)), Clock.systemUTC(), 100);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        for (String attempt : List.of("cmd-attempt-1", "cmd-attempt-2")) {
            executor.execute(new HookStep(
                    attempt,
                    "orders",
                    "eu10",
                    "us10",
                    7,
                    HookMode.GRACEFUL,
                    "notify-ops",
                    deadline,
                    false,
                    false,
                    "dec-1/7/3"));
        }

        assertThat(receiver.deliveries)
                .extracting(LocalReceiver.Delivery::deliveryId)
                .containsExactly("cmd-attempt-1", "cmd-attempt-2");
        assertThat(receiver.deliveries)
                .extracting(d -> JSON.readTree(d.body()).path("stepKey").asText())
                .containsExactly("dec-1/7/3", "dec-1/7/3");
    }

    @Test
    void statusesAreClassifiedRetriableOrFatal() throws Exception {
        receiver = LocalReceiver.http(SECRET)
                .answering(
                        Answer.status(400, "{\"error\":\"bad request\"}"),
                        Answer.status(404, "no such hook"),
                        Answer.status(429, "slow down"),
                        Answer.status(408, "timeout"));
        HttpHook hook = hook(receiver.url(), false, SECRET);

        assertThat(run(hook, step("c-400", Duration.ofMinutes(2), false)).status())
                .isEqualTo(Status.FAILED_FATAL);
        assertThat(run(hook, step("c-404", Duration.ofMinutes(2), false)).status())
                .isEqualTo(Status.FAILED_FATAL);
        assertThat(run(hook, step("c-429", Duration.ofMinutes(2), false)).status())
                .isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(run(hook, step("c-408", Duration.ofMinutes(2), false)).status())
                .isEqualTo(Status.FAILED_RETRIABLE);
    }

    @Test
    void anAnswerThatIsNotTheHookJsonIsFatalAndNamesTheProblemClipped() throws Exception {
        String page = "<html>" + "x".repeat(5000) + "</html>";
        receiver = LocalReceiver.http(SECRET)
                .answering(Answer.status(200, page), Answer.status(200, "{\"outcome\":\"MAYBE\"}"));
        HttpHook hook = hook(receiver.url(), false, SECRET);

        HookOutcome html = run(hook, step("c-1", Duration.ofMinutes(2), false));
        HookOutcome unknown = run(hook, step("c-2", Duration.ofMinutes(2), false));

        assertThat(html.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(html.detail()).contains("is not JSON", "<html>xxx", "(5013 chars)");
        assertThat(html.detail().length()).isLessThan(600);
        assertThat(unknown.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(unknown.detail()).contains("unknown outcome 'MAYBE'");
    }

    @Test
    void aHookThatNeverAnswersEndsAtTheDeadlineAsRetriable() throws Exception {
        receiver = LocalReceiver.http(SECRET).answering(Answer.neverAnswers());
        HookStep step = step("cmd-1", Duration.ofSeconds(2), false);

        HookOutcome outcome = run(hook(receiver.url(), false, SECRET), step);

        assertThat(outcome.status()).isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(outcome.detail()).contains("did not answer");
        // ended no earlier than the deadline; no upper bound: a busy machine may take longer to notice
        assertThat(Instant.now()).isAfterOrEqualTo(step.deadline());
    }

    @Test
    void aRefusedConnectionIsRetriable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        HookOutcome outcome = run(
                hook(URI.create("http://127.0.0.1:" + port + "/hook"), false, SECRET),
                step("cmd-1", Duration.ofMinutes(2), false));

        assertThat(outcome.status()).isEqualTo(Status.FAILED_RETRIABLE);
    }

    @Test
    void aRequestSignedWithAnotherSecretIsRejectedByTheReceiver() throws Exception {
        receiver = LocalReceiver.http(SECRET);

        HookOutcome outcome =
                run(hook(receiver.url(), false, "not-the-shared-secret"), step("cmd-1", Duration.ofMinutes(2), false));

        assertThat(receiver.deliveries)
                .singleElement()
                .satisfies(d -> assertThat(d.signatureValid()).isFalse());
        assertThat(outcome.status()).isEqualTo(Status.FAILED_FATAL);
        assertThat(outcome.detail()).contains("HTTP 401");
    }

    @Test
    void theReceiverHelperRejectsForgedTamperedAndOldRequests() {
        byte[] body = "{\"commandId\":\"c-1\"}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        long ts = now.getEpochSecond();
        String good = HookSignature.sign(SECRET, ts, body);
        Duration tolerance = Duration.ofMinutes(5);

        assertThat(HookSignature.verify(SECRET, Long.toString(ts), good, body, now, tolerance))
                .isTrue();
        assertThat(HookSignature.verify(
                        SECRET, Long.toString(ts), HookSignature.sign("forged", ts, body), body, now, tolerance))
                .isFalse();
        byte[] tampered = "{\"commandId\":\"c-2\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(HookSignature.verify(SECRET, Long.toString(ts), good, tampered, now, tolerance))
                .isFalse();
        assertThat(HookSignature.verify(SECRET, Long.toString(ts + 1), good, body, now, tolerance))
                .isFalse();
        assertThat(HookSignature.verify(SECRET, Long.toString(ts), good, body, now.plusSeconds(301), tolerance))
                .isFalse();
        assertThat(HookSignature.verify(SECRET, null, good, body, now, tolerance))
                .isFalse();
        assertThat(HookSignature.verify(SECRET, Long.toString(ts), "v1=zz", body, now, tolerance))
                .isFalse();
        // while a secret is rotated the sender may send both signatures
        assertThat(HookSignature.verify(
                        SECRET,
                        Long.toString(ts),
                        HookSignature.sign("old", ts, body) + "," + good,
                        body,
                        now,
                        tolerance))
                .isTrue();
    }

    @Test
    void theSignatureIsTheDocumentedHmacOfTimestampDotBody() {
        // computed independently with: printf '1765015200.{"commandId":"c-1"}' | openssl dgst -sha256 -hmac s3cr3t
        byte[] body = "{\"commandId\":\"c-1\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(HookSignature.sign("s3cr3t", 1765015200L, body))
                .isEqualTo("v1=8ac8e5159f8befdb18dec77c1e22ea6dcb0d6bc2b73de1ffc13798e3ed596865");
    }

    @Test
    void theReadinessCheckConnectsAndPostsNothing() throws Exception {
        receiver = LocalReceiver.http(SECRET);

        HookOutcome outcome = hook(receiver.url(), false, SECRET).probe("orders", "eu10", Duration.ofSeconds(30));

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail()).contains("takes connections");
        assertThat(receiver.deliveries).isEmpty();
    }

    @Test
    void aHookThatRefusesConnectionsIsUnknownForTheReadinessCheck() throws Exception {
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook");
        }

        HookOutcome outcome = hook(closed, false, SECRET).probe("orders", "eu10", Duration.ofSeconds(30));

        assertThat(outcome.status()).as(outcome.detail()).isEqualTo(Status.FAILED_RETRIABLE);
        assertThat(outcome.detail()).contains("not reachable");
    }

    @Test
    void aRehearsalTellsTheReceiverNotToAct() throws Exception {
        receiver = LocalReceiver.http(SECRET).answering(Answer.json("SUCCEEDED", "would page the on-call"));

        HookOutcome outcome = run(hook(receiver.url(), true, SECRET), step("drill-1", Duration.ofMinutes(2), true));

        assertThat(outcome.status()).isEqualTo(Status.SUCCEEDED);
        assertThat(outcome.detail())
                .isEqualTo(
                        "would ask pre-flight hook 'notify-ops' for orders eu10 -> us10; it answered: would page the on-call");
        assertThat(JSON.readTree(receiver.deliveries.get(0).body())
                        .path("rehearsal")
                        .asBoolean())
                .isTrue();
    }
}
