package io.mrm.health.adapter.probe;

import io.mrm.events.Require;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;

/**
 * {@code GET url} (or {@code HEAD}), with configured headers — credentials among them read from their
 * secret references at each probe and never logged: UP when the status is in the expected range and, if asked, the first
 * {@value #BODY_LIMIT} bytes of the body contain a given text. Every failure (refused, timed out,
 * wrong status, TLS, I/O) is a DOWN result with a reason, never an exception.
 *
 * <p>Timeouts: the client's connect timeout bounds the TCP/TLS connect; the whole exchange (connect,
 * request, status, the body bytes we read) must finish within connect timeout + read timeout, after
 * which it is cancelled.
 */
public final class HttpProbe implements Probe {

    /** How much of the body is read and searched. */
    public static final int BODY_LIMIT = 5120;

    private static final String USER_AGENT = "mrm-health-monitor";

    /**
     * @param url            http or https
     * @param expectedStatus status codes that count as UP
     * @param bodyContains   text the first {@value #BODY_LIMIT} bytes of the body must contain, or null
     * @param connectTimeout bound on connecting
     * @param readTimeout    bound on the rest of the exchange
     * @param method         GET or HEAD
     * @param headers        request headers with plain values
     * @param secretHeaders  request headers whose values are credentials, read at every probe and never logged
     * @param redirectTo     a redirect (3xx) counts as UP only when its Location starts with this absolute URL;
     *                       null: every redirect is DOWN (a login page or another region's page is not this one)
     */
    public record Settings(
            URI url,
            StatusRange expectedStatus,
            String bodyContains,
            Duration connectTimeout,
            Duration readTimeout,
            String method,
            Map<String, String> headers,
            Map<String, SecretReference> secretHeaders,
            URI redirectTo) {

        public Settings {
            Require.present("url", url);
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("url must be http or https, was " + url);
            }
            if (url.getHost() == null) {
                throw new IllegalArgumentException("url must name a host, was " + url);
            }
            expectedStatus = expectedStatus == null ? StatusRange.DEFAULT : expectedStatus;
            if (bodyContains != null && bodyContains.isEmpty()) {
                bodyContains = null;
            }
            positive("connectTimeout", connectTimeout);
            positive("readTimeout", readTimeout);
            method = method == null ? "GET" : method.toUpperCase(Locale.ROOT);
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw new IllegalArgumentException("method must be GET or HEAD, was " + method);
            }
            if (method.equals("HEAD") && bodyContains != null) {
                throw new IllegalArgumentException("a HEAD request has no body to search for bodyContains");
            }
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            secretHeaders = secretHeaders == null ? Map.of() : Map.copyOf(secretHeaders);
            if (expectedStatus.includesRedirects()) {
                throw new IllegalArgumentException("expectedStatus " + expectedStatus + " includes redirects (3xx); "
                        + "a redirect counts only to an expected location (redirectTo)");
            }
            if (redirectTo != null && (!redirectTo.isAbsolute() || redirectTo.getHost() == null)) {
                throw new IllegalArgumentException("redirectTo must be an absolute URL, was " + redirectTo);
            }
        }

        /** Without a redirect that counts. */
        public Settings(
                URI url,
                StatusRange expectedStatus,
                String bodyContains,
                Duration connectTimeout,
                Duration readTimeout,
                String method,
                Map<String, String> headers,
                Map<String, SecretReference> secretHeaders) {
            this(url, expectedStatus, bodyContains, connectTimeout, readTimeout, method, headers, secretHeaders, null);
        }

        /** A GET without extra headers. */
        public Settings(
                URI url,
                StatusRange expectedStatus,
                String bodyContains,
                Duration connectTimeout,
                Duration readTimeout) {
            this(url, expectedStatus, bodyContains, connectTimeout, readTimeout, "GET", Map.of(), Map.of(), null);
        }

        private static void positive(String field, Duration value) {
            Require.present(field, value);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(field + " must be positive, was " + value);
            }
        }

        /** The deadline of one whole exchange. */
        public Duration deadline() {
            return connectTimeout.plus(readTimeout);
        }
    }

    private final HttpClient client;
    private final Settings settings;
    private final HttpRequest request;
    private final LongSupplier nanoTime;
    private final HostLookups lookups;

    /** {@code client} must have been built with {@code settings.connectTimeout()} (see {@link HttpClients}). */
    public HttpProbe(HttpClient client, Settings settings) {
        this(client, settings, HostLookups.shared());
    }

    /** With the lookups that resolve the URL's host before the client sees it (see {@link HostLookups}). */
    public HttpProbe(HttpClient client, Settings settings, HostLookups lookups) {
        this(client, settings, System::nanoTime, lookups);
    }

    HttpProbe(HttpClient client, Settings settings, LongSupplier nanoTime) {
        this(client, settings, nanoTime, HostLookups.shared());
    }

    HttpProbe(HttpClient client, Settings settings, LongSupplier nanoTime, HostLookups lookups) {
        this.client = client;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.lookups = lookups;
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url())
                .method(settings.method(), HttpRequest.BodyPublishers.noBody())
                .timeout(settings.deadline())
                .header("User-Agent", USER_AGENT);
        settings.headers().forEach(builder::header);
        this.request = builder.build();
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        HttpRequest withSecrets;
        try {
            withSecrets = withSecrets();
        } catch (IllegalStateException e) {
            // a secret header's credential cannot be read: its message names the reference, not a value
            return CompletableFuture.completedFuture(ProbeResult.down(elapsed(start), e.getMessage()));
        }
        // the host is resolved here, on its own lookup, before the client (which would resolve it on the
        // executor every probe shares) sees it: a name that hangs fails only its own targets
        java.util.concurrent.atomic.AtomicReference<CompletableFuture<HttpResponse<byte[]>>> sent =
                new java.util.concurrent.atomic.AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> exchange = lookups.resolveWithin(
                        settings.url().getHost(), settings.connectTimeout())
                .thenCompose(addresses -> {
                    CompletableFuture<HttpResponse<byte[]>> response =
                            client.sendAsync(withSecrets, info -> new FirstBytes(BODY_LIMIT));
                    sent.set(response);
                    return response;
                });
        return exchange.handle((response, error) -> error == null
                        ? judge(response, elapsed(start))
                        : ProbeResult.down(elapsed(start), failure(error)))
                // The request timeout stops waiting for the status line; this also bounds the body.
                .orTimeout(settings.deadline().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    exchange.cancel(true);
                    CompletableFuture<HttpResponse<byte[]>> inner = sent.get();
                    if (inner != null) {
                        inner.cancel(true);
                    }
                    return ProbeResult.down(elapsed(start), failure(error));
                });
    }

    /** The request, with the secret headers' current values (read now, so rotation needs no restart). */
    private HttpRequest withSecrets() {
        if (settings.secretHeaders().isEmpty()) {
            return request;
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
        settings.secretHeaders().forEach((name, secret) -> builder.header(name, secret.read()));
        return builder.build();
    }

    private ProbeResult judge(HttpResponse<byte[]> response, Duration latency) {
        int status = response.statusCode();
        if (status >= 300 && status <= 399) {
            return redirect(response, status, latency);
        }
        if (!settings.expectedStatus().contains(status)) {
            return ProbeResult.down(latency, "HTTP " + status + ", expected " + settings.expectedStatus());
        }
        String wanted = settings.bodyContains();
        if (wanted == null) {
            return ProbeResult.up(latency, "HTTP " + status);
        }
        String head = new String(response.body(), StandardCharsets.UTF_8);
        if (!head.contains(wanted)) {
            return ProbeResult.down(
                    latency,
                    "HTTP " + status + " but the first " + BODY_LIMIT
                            + " bytes of the body do not contain the expected text");
        }
        return ProbeResult.up(latency, "HTTP " + status + ", body contains the expected text");
    }

    /** A redirect is UP only to the expected location: a login page or another region's page is not this one. */
    private ProbeResult redirect(HttpResponse<byte[]> response, int status, Duration latency) {
        String location = response.headers().firstValue("Location").orElse(null);
        URI target = null;
        if (location != null) {
            try {
                target = settings.url().resolve(location.trim());
            } catch (IllegalArgumentException e) {
                return ProbeResult.down(latency, "HTTP " + status + " with an unreadable Location");
            }
        }
        String where = target == null ? "no Location" : "to " + clip(target.toString());
        if (settings.redirectTo() == null) {
            return ProbeResult.down(
                    latency,
                    "HTTP " + status + " redirect " + where + " (a redirect counts as UP only with redirect-to)");
        }
        if (target == null
                || !target.toString().startsWith(settings.redirectTo().toString())) {
            return ProbeResult.down(
                    latency, "HTTP " + status + " redirect " + where + ", expected to " + settings.redirectTo());
        }
        return ProbeResult.up(latency, "HTTP " + status + " redirect to the expected location");
    }

    private static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** A short reason for operators; names the kind of failure first. */
    private String failure(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof HostLookups.LookupTimeoutException) {
            return "DNS: " + cause.getMessage();
        }
        if (cause instanceof java.net.UnknownHostException) {
            return "DNS: cannot resolve host " + settings.url().getHost();
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timeout: no connection within "
                    + settings.connectTimeout().toMillis() + " ms";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "read timeout: no complete response within "
                    + settings.deadline().toMillis()
                    + " ms (connect-timeout " + settings.connectTimeout().toMillis() + " ms + read-timeout "
                    + settings.readTimeout().toMillis() + " ms)";
        }
        if (cause instanceof ConnectException) {
            // the JDK client reports a refused connection as a ConnectException without any message
            String message = firstMessage(cause);
            return "cannot connect: " + (message == null ? "connection refused" : message);
        }
        if (cause instanceof SSLException) {
            return "TLS failure: " + message(cause);
        }
        if (cause instanceof IOException) {
            return "I/O error: " + message(cause);
        }
        return "probe error: " + message(cause);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The JDK client often throws a message-less exception around the informative one. */
    private static String message(Throwable error) {
        String message = firstMessage(error);
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String firstMessage(Throwable error) {
        for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return null;
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }
}
