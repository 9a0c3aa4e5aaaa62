package io.mrm.hook.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.hook.domain.HookBackend;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookStep;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP hook: POSTs the step as JSON to the configured URL and reads the hook's answer.
 *
 * <p>The request carries {@code MRM-Delivery: <command id>} (the receiver de-duplicates by it: a retried step
 * arrives again with the same id) and, with a shared secret, {@code MRM-Timestamp} and {@code MRM-Signature}
 * (see {@link HookSignature}); with a client key store the connection is mutual TLS. A rehearsal is the same
 * request with {@code "rehearsal": true}: the receiver must check and answer but not act.
 *
 * <p>Its readiness check ({@link #probe}) sends no request at all: it connects to the URL's host and port and,
 * for https, completes a TLS handshake with the hook's client certificate and trust store, verifying the
 * server's certificate and host name.
 *
 * <p>The answer is 2xx with {@code {"outcome": "SUCCEEDED"|"FAILED_RETRIABLE"|"FAILED_FATAL"|"VETO", "detail":
 * "..."}}. VETO counts only from a pre-flight hook; from any other it is FAILED_FATAL. 408, 429, 5xx, no answer
 * within the time left and a refused connection are FAILED_RETRIABLE; any other status is FAILED_FATAL, and so is
 * a 2xx body that is not that JSON.
 */
public final class HttpHook implements HookBackend {

    static final int MAX_QUOTED = 300;
    /** The plan step a request is an attempt of: the same on every attempt (MRM-Delivery is one attempt's). */
    public static final String STEP_HEADER = "MRM-Step";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI url;
    private final boolean preflight;
    private final SecretReference secret;
    private final HttpClient client;
    private final Clock clock;

    /**
     * @param name      the hook's name, for messages
     * @param url       where to POST
     * @param preflight whether the hook may veto
     * @param secret    the shared signing secret, or null to send unsigned (e.g. with mutual TLS)
     * @param client    the client, built with the hook's TLS context (see {@link #client})
     * @param clock     gives the signature's timestamp
     */
    public HttpHook(String name, URI url, boolean preflight, SecretReference secret, HttpClient client, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.url = Objects.requireNonNull(url, "url");
        this.preflight = preflight;
        this.secret = secret;
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A client for one hook: never follows redirects (the signed request goes where it was configured to). */
    public static HttpClient client(Duration connectTimeout, HookTls tls) {
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls.sslContext());
        }
        return builder.build();
    }

    @Override
    public HookOutcome apply(HookStep step, Duration timeLeft) {
        return call(step, timeLeft);
    }

    @Override
    public boolean preflight() {
        return preflight;
    }

    /** The same for every application and region: whether the hook's address takes a connection (and TLS). */
    @Override
    public HookOutcome probe(String application, String region, Duration timeLeft) {
        boolean https = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        String address = url.getHost() + ":" + port;
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeLeft.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port), millis);
            if (!https) {
                return HookOutcome.succeeded(
                        "hook '" + name + "': " + address + " takes connections (plain http, loopback only)", Map.of());
            }
            socket.setSoTimeout(millis);
            SSLSocket tls =
                    (SSLSocket) client.sslContext().getSocketFactory().createSocket(socket, url.getHost(), port, false);
            try (tls) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                return HookOutcome.succeeded(
                        "hook '" + name + "': TLS handshake with " + address + " succeeded ("
                                + tls.getSession().getProtocol() + ", server certificate and host name verified)",
                        Map.of());
            }
        } catch (SocketTimeoutException e) {
            return HookOutcome.retriable("hook '" + name + "': " + address + " did not complete a connection or TLS "
                    + "handshake within " + millis + " ms");
        } catch (SSLException e) {
            // the same failure a step would have: retrying with these settings will not help
            return HookOutcome.fatal(
                    "hook '" + name + "': TLS handshake with " + address + " failed: " + e.getMessage());
        } catch (IOException e) {
            return HookOutcome.retriable("hook '" + name + "': " + address + " is not reachable: " + e);
        }
    }

    @Override
    public HookOutcome rehearse(HookStep step, Duration timeLeft) {
        // The body says "rehearsal": true; by contract the receiver checks and answers without acting.
        // Said as every actuator's rehearsal says it: what it would do, then what the hook answered.
        return call(step, timeLeft)
                .withDetailPrefix("would " + (step.preflight() ? "ask pre-flight hook '" : "run hook '") + name
                        + "' for " + step.application() + " " + step.fromRegion() + " -> " + step.toRegion()
                        + "; it answered: ");
    }

    private HookOutcome call(HookStep step, Duration timeLeft) {
        byte[] body = body(step);
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(roundUpToMillis(timeLeft))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header(HookSignature.DELIVERY_HEADER, step.commandId())
                .header(STEP_HEADER, step.stepKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            long timestamp = clock.instant().getEpochSecond();
            request.header(HookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(HookSignature.SIGNATURE_HEADER, HookSignature.sign(secret.read(), timestamp, body));
        }
        CompletableFuture<HttpResponse<byte[]>> pending =
                client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            // Bounds the whole exchange, body included (the request timeout covers the headers only).
            response = pending.get(timeLeft.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return noAnswer(timeLeft);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return HookOutcome.retriable("hook '" + name + "' was interrupted");
        } catch (ExecutionException e) {
            return failedExchange(e.getCause(), timeLeft);
        }
        return answer(response);
    }

    private HookOutcome failedExchange(Throwable cause, Duration timeLeft) {
        if (cause instanceof HttpTimeoutException) {
            return noAnswer(timeLeft);
        }
        if (cause instanceof ConnectException) {
            return HookOutcome.retriable("hook '" + name + "' at " + url + ": connection refused or unreachable");
        }
        if (cause instanceof SSLException) {
            // A certificate the other side does not accept: retrying with the same settings will not help.
            return HookOutcome.fatal("hook '" + name + "' at " + url + ": TLS handshake failed: " + cause.getMessage());
        }
        if (cause instanceof IOException) {
            return HookOutcome.retriable("hook '" + name + "' at " + url + ": " + cause);
        }
        return HookOutcome.fatal("hook '" + name + "' at " + url + ": " + cause);
    }

    private HookOutcome noAnswer(Duration timeLeft) {
        return HookOutcome.retriable(
                "hook '" + name + "' at " + url + " did not answer within the " + timeLeft.toMillis() + "ms left");
    }

    HookOutcome answer(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        Map<String, String> observed = Map.of("http-status", Integer.toString(status));
        if (status == 408 || status == 429 || status >= 500) {
            return HookOutcome.retriable("hook '" + name + "' answered HTTP " + status + ": " + clip(text))
                    .withObserved(observed);
        }
        if (status < 200 || status > 299) {
            return HookOutcome.fatal("hook '" + name + "' answered HTTP " + status + ": " + clip(text))
                    .withObserved(observed);
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (IOException e) {
            return badAnswer("is not JSON", text).withObserved(observed);
        }
        if (json == null || !json.isObject() || !json.path("outcome").isTextual()) {
            return badAnswer("has no \"outcome\" field", text).withObserved(observed);
        }
        String detail =
                json.path("detail").isTextual() ? clip(json.path("detail").asText()) : "";
        String said = json.path("outcome").asText();
        HookOutcome outcome = switch (said) {
            case "SUCCEEDED" -> new HookOutcome(HookOutcome.Status.SUCCEEDED, detail, observed);
            case "FAILED_RETRIABLE" -> new HookOutcome(HookOutcome.Status.FAILED_RETRIABLE, detail, observed);
            case "FAILED_FATAL" -> new HookOutcome(HookOutcome.Status.FAILED_FATAL, detail, observed);
            case "VETO" ->
                preflight
                        ? new HookOutcome(HookOutcome.Status.VETOED, detail, observed)
                        : new HookOutcome(
                                HookOutcome.Status.FAILED_FATAL,
                                "hook '" + name + "' answered VETO but is not a pre-flight hook"
                                        + " (preflight: true); its detail: " + detail,
                                observed);
            default ->
                badAnswer("has an unknown outcome '" + clip(said) + "'", text).withObserved(observed);
        };
        return outcome;
    }

    private HookOutcome badAnswer(String problem, String text) {
        return HookOutcome.fatal("hook '" + name + "' answer " + problem
                + " (expected {\"outcome\": \"SUCCEEDED\"|\"FAILED_RETRIABLE\"|\"FAILED_FATAL\"|\"VETO\", "
                + "\"detail\": \"...\"}): " + clip(text));
    }

    /** The request body: the step, as the receiver sees it. */
    static byte[] body(HookStep step) {
        ObjectNode json = JSON.createObjectNode();
        json.put("commandId", step.commandId());
        json.put("stepKey", step.stepKey());
        json.put("application", step.application());
        json.put("fromRegion", step.fromRegion());
        json.put("toRegion", step.toRegion());
        json.put("epoch", step.epoch());
        json.put("mode", step.mode().name());
        json.put("kind", step.kind());
        json.put("deadline", step.deadline().toString());
        json.put("rehearsal", step.rehearsal());
        json.put("preflight", step.preflight());
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a hook request", e);
        }
    }

    static String clip(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_QUOTED ? flat : flat.substring(0, MAX_QUOTED) + "... (" + flat.length() + " chars)";
    }

    private static Duration roundUpToMillis(Duration d) {
        long millis = d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
        return Duration.ofMillis(Math.max(1, millis));
    }
}
