package io.mrm.health.adapter.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.events.Require;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Solace / SAP Advanced Event Mesh through the SEMP v2 <em>monitor</em> API, as published by Solace:
 * <ul>
 *   <li>{@code GET /SEMP/v2/monitor/msgVpns/{vpn}} → {@code data.state}, {@code data.replicationEnabled},
 *       {@code data.replicationRole} ({@code active}/{@code standby}), {@code data.replicationBridgeUp};</li>
 *   <li>{@code GET /SEMP/v2/monitor/msgVpns/{vpn}/queues/%23MSGVPN_REPLICATION_DATA_QUEUE} →
 *       {@code data.msgSpoolUsage}, the replication backlog in bytes.</li>
 * </ul>
 * Both answers are {@code {"data": {...}, "meta": {"responseCode": 200, ...}}}; errors carry
 * {@code meta.error.description}. The two requests run in parallel with basic authentication (the
 * password read from its secret reference at each probe).
 *
 * <p>UP: the VPN is up and, if replication is enabled, its bridge is up and the backlog is within
 * bounds. DEGRADED: replication bridge down, backlog over the threshold, or the replication queue
 * unreadable. DOWN: the broker does not answer, refuses, answers an error or a body that is not SEMP v2,
 * or the VPN is not up. The detail always names the replication role, so the decision engine can see
 * which site is active.
 */
public final class SempProbe implements Probe {

    static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param baseUrl                    the broker's SEMP address, e.g. {@code https://mr-abc.messaging.solace.cloud:943}
     * @param vpn                        the message VPN
     * @param username                   the SEMP user (read-only suffices)
     * @param password                   where the SEMP password lives
     * @param maxReplicationBacklogBytes backlog of the replication queue above which the result is DEGRADED
     * @param connectTimeout             bound on connecting
     * @param readTimeout                bound on the rest of the exchange
     */
    public record Settings(
            URI baseUrl,
            String vpn,
            String username,
            SecretReference password,
            long maxReplicationBacklogBytes,
            Duration connectTimeout,
            Duration readTimeout) {

        public Settings {
            Require.present("baseUrl", baseUrl);
            Require.text("vpn", vpn);
            Require.text("username", username);
            Require.present("password", password);
            Require.present("connectTimeout", connectTimeout);
            Require.present("readTimeout", readTimeout);
        }

        public Duration deadline() {
            return connectTimeout.plus(readTimeout);
        }

        URI vpnUri() {
            return resolve("/SEMP/v2/monitor/msgVpns/" + encode(vpn)
                    + "?select=msgVpnName,state,replicationEnabled,replicationRole,replicationBridgeUp");
        }

        URI queueUri() {
            return resolve("/SEMP/v2/monitor/msgVpns/" + encode(vpn) + "/queues/" + encode(REPLICATION_QUEUE)
                    + "?select=queueName,msgSpoolUsage");
        }

        private URI resolve(String path) {
            String base = baseUrl.toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
        }

        private static String encode(String segment) {
            return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    /** One SEMP answer: its HTTP status and parsed body, or why it has none. */
    private record Answer(int status, JsonNode body, String problem) {}

    private final HttpClient client;
    private final Settings settings;
    private final LongSupplier nanoTime;

    private final HostLookups lookups;

    /** {@code client} must have been built with {@code settings.connectTimeout()} (see {@link HttpClients}). */
    public SempProbe(HttpClient client, Settings settings) {
        this(client, settings, HostLookups.shared());
    }

    /** With the lookups that resolve the broker's host before the client sees it (see {@link HostLookups}). */
    public SempProbe(HttpClient client, Settings settings, HostLookups lookups) {
        this(client, settings, System::nanoTime, lookups);
    }

    SempProbe(HttpClient client, Settings settings, LongSupplier nanoTime) {
        this(client, settings, nanoTime, HostLookups.shared());
    }

    SempProbe(HttpClient client, Settings settings, LongSupplier nanoTime, HostLookups lookups) {
        this.client = client;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.lookups = lookups;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        String authorization;
        try {
            authorization = "Basic "
                    + Base64.getEncoder()
                            .encodeToString((settings.username() + ":"
                                            + settings.password().read())
                                    .getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException e) {
            return CompletableFuture.completedFuture(ProbeResult.down(elapsed(start), "SEMP " + e.getMessage()));
        }
        // resolved on its own lookup first: a broker name that hangs fails only this target (see HostLookups)
        CompletableFuture<java.net.InetAddress[]> resolved =
                lookups.resolveWithin(settings.vpnUri().getHost(), settings.connectTimeout());
        CompletableFuture<Answer> vpn = resolved.thenCompose(a -> get(settings.vpnUri(), authorization));
        CompletableFuture<Answer> queue = resolved.thenCompose(a -> get(settings.queueUri(), authorization));
        return vpn.thenCombine(queue, (v, q) -> judge(v, q, elapsed(start)))
                .orTimeout(settings.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    vpn.cancel(true);
                    queue.cancel(true);
                    return ProbeResult.down(elapsed(start), failure(error));
                });
    }

    private CompletableFuture<Answer> get(URI uri, String authorization) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(settings.deadline())
                .header("Authorization", authorization)
                .header("Accept", "application/json")
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    try {
                        return new Answer(response.statusCode(), JSON.readTree(response.body()), null);
                    } catch (IOException e) {
                        return new Answer(response.statusCode(), null, "body is not JSON");
                    }
                });
    }

    private ProbeResult judge(Answer vpnAnswer, Answer queueAnswer, Duration latency) {
        String vpn = settings.vpn();
        String problem = problem(vpnAnswer);
        if (problem != null) {
            return ProbeResult.down(latency, "SEMP GET msgVpns/" + vpn + ": " + problem);
        }
        JsonNode data = vpnAnswer.body().path("data");
        String state = text(data, "state");
        // "standby" is the operational state of a healthy replication standby site (SEMP v2 monitor
        // MsgVpn.state: up, down, standby): the standby region is not down for being the standby
        boolean healthyStandby =
                "standby".equalsIgnoreCase(state) && "standby".equalsIgnoreCase(text(data, "replicationRole"));
        if (state != null && !state.equalsIgnoreCase("up") && !healthyStandby) {
            return ProbeResult.down(latency, "message VPN " + vpn + " is " + state);
        }
        if (!data.path("replicationEnabled").asBoolean(data.has("replicationRole"))) {
            return ProbeResult.up(latency, "message VPN " + vpn + " up; replication not enabled");
        }
        String role = text(data, "replicationRole");
        String head = "message VPN " + vpn + (healthyStandby ? " standby" : " up") + "; replication role "
                + (role == null ? "unknown" : role);
        boolean bridgeUp = data.path("replicationBridgeUp").asBoolean(false);
        String queueProblem = problem(queueAnswer);
        JsonNode usage = queueProblem == null ? queueAnswer.body().path("data").path("msgSpoolUsage") : null;
        if (queueProblem == null && (usage == null || !usage.isNumber())) {
            queueProblem = "no data.msgSpoolUsage in the answer";
        }
        String backlog = queueProblem == null
                ? "replication backlog " + usage.asLong() + " bytes"
                : "replication backlog unknown (GET queues/" + REPLICATION_QUEUE + ": " + queueProblem + ")";
        String detail = head + ", bridge " + (bridgeUp ? "up" : "DOWN") + ", " + backlog;
        if (!bridgeUp || queueProblem != null) {
            return ProbeResult.degraded(latency, detail);
        }
        if (usage.asLong() > settings.maxReplicationBacklogBytes()) {
            return ProbeResult.degraded(
                    latency, detail + ", over the maximum of " + settings.maxReplicationBacklogBytes());
        }
        return ProbeResult.up(latency, detail);
    }

    /** Null when the answer is a SEMP v2 success, else what is wrong with it. */
    private static String problem(Answer answer) {
        if (answer.problem() != null) {
            return "HTTP " + answer.status() + ", " + answer.problem();
        }
        JsonNode meta = answer.body().path("meta");
        String error = text(meta.path("error"), "description");
        if (answer.status() != 200) {
            return "HTTP " + answer.status() + (error == null ? "" : " (" + error + ")");
        }
        if (!meta.path("responseCode").isInt() || !answer.body().path("data").isObject()) {
            return "HTTP 200 but the body is not a SEMP v2 answer (no data object or meta.responseCode)";
        }
        if (meta.path("responseCode").asInt() != 200) {
            return "meta.responseCode " + meta.path("responseCode").asInt() + (error == null ? "" : " (" + error + ")");
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    private String failure(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        String broker = settings.baseUrl().getHost()
                + (settings.baseUrl().getPort() < 0
                        ? ""
                        : ":" + settings.baseUrl().getPort());
        if (cause instanceof HostLookups.LookupTimeoutException) {
            return "SEMP DNS: " + cause.getMessage();
        }
        if (cause instanceof java.net.UnknownHostException) {
            return "SEMP DNS: cannot resolve host " + settings.baseUrl().getHost();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "SEMP connect timeout: no connection to " + broker + " within "
                    + settings.connectTimeout().toMillis() + " ms";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "SEMP read timeout: no answer from " + broker + " within "
                    + settings.deadline().toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            String message = Failures.message(cause);
            return "SEMP cannot connect to " + broker + ": "
                    + (message.equals("ConnectException") ? "connection refused" : message.toLowerCase(Locale.ROOT));
        }
        return "SEMP request to " + broker + " failed: " + Failures.message(cause);
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }
}
