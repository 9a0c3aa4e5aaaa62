package io.mrm.aem.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.events.ack.ActuatorFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * A small Solace SEMP v2 client on the JDK's {@link HttpClient}: one broker, one set of credentials.
 * Every answer is checked to be SEMP v2 ({@code meta.responseCode}); every failure becomes a
 * classified {@link ActuatorFailure} whose message names the operation and broker, never a
 * credential. The client given must not follow redirects (the credentials would go along).
 */
public final class SempV2Client {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI baseUrl;
    private final SempCredentials credentials;
    private final Duration requestTimeout;
    /** Every request ends by then (null: only the request timeout bounds it). */
    private final Instant until;

    public SempV2Client(HttpClient http, URI baseUrl, SempCredentials credentials, Duration requestTimeout) {
        this(http, normalized(baseUrl), credentials, requestTimeout, null);
    }

    private SempV2Client(
            HttpClient http, URI baseUrl, SempCredentials credentials, Duration requestTimeout, Instant until) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.credentials = credentials;
        this.requestTimeout = requestTimeout;
        this.until = until;
    }

    private static URI normalized(URI baseUrl) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    /**
     * The same client with every request bounded to end by {@code until}: its timeout is the request
     * timeout or the time left, whichever is shorter, and with no time left it is not sent. Judged by
     * this machine's clock, as the command deadlines it serves are.
     */
    public SempV2Client until(Instant until) {
        return new SempV2Client(http, baseUrl, credentials, requestTimeout, until);
    }

    /** {@code host:port} of the broker, for messages. */
    public String broker() {
        return baseUrl.getHost() + (baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort());
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** One path segment, URL-encoded ({@code #} becomes {@code %23}, {@code /} becomes {@code %2F}). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query parameter value, URL-encoded. */
    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String pathAndQuery) throws ActuatorFailure {
        return send("GET", pathAndQuery, null);
    }

    public JsonNode patch(String path, JsonNode body) throws ActuatorFailure {
        return send("PATCH", path, body);
    }

    public JsonNode post(String path, JsonNode body) throws ActuatorFailure {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) throws ActuatorFailure {
        return send("DELETE", path, null);
    }

    /** Follows a paging link, only if it points at the same broker (credentials must not travel elsewhere). */
    public JsonNode getAbsolute(String uri) throws ActuatorFailure {
        URI next = URI.create(uri);
        if (!sameOrigin(next)) {
            throw ActuatorFailure.fatal("FOREIGN_PAGING_LINK", "SEMP paging link points away from " + broker());
        }
        String path = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        return send("GET", path, null);
    }

    private boolean sameOrigin(URI other) {
        return baseUrl.getScheme().equalsIgnoreCase(String.valueOf(other.getScheme()))
                && baseUrl.getHost().equalsIgnoreCase(String.valueOf(other.getHost()))
                && effectivePort(baseUrl) == effectivePort(other);
    }

    private static int effectivePort(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private JsonNode send(String method, String pathAndQuery, JsonNode body) throws ActuatorFailure {
        String operation = method + " " + withoutQuery(pathAndQuery);
        String authorization;
        try {
            authorization = credentials.authorization();
        } catch (IllegalStateException e) {
            throw ActuatorFailure.fatal("CREDENTIAL_UNAVAILABLE", operation + ": " + e.getMessage());
        }
        Duration timeout = timeout(operation);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            byte[] bytes;
            try {
                bytes = JSON.writeValueAsBytes(body);
            } catch (IOException e) {
                throw new IllegalStateException("cannot write a SEMP request body", e);
            }
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw SempErrors.transport(operation, broker(), e, timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", operation + " was interrupted");
        }
        return answer(operation, response.statusCode(), response.body());
    }

    private Duration timeout(String operation) throws ActuatorFailure {
        if (until == null) {
            return requestTimeout;
        }
        Duration left = Duration.between(Instant.now(), until);
        if (left.isNegative() || left.isZero()) {
            throw ActuatorFailure.retriable(
                    "NO_TIME_LEFT",
                    operation + " to " + broker() + " not sent: no time left before the step's deadline");
        }
        return left.compareTo(requestTimeout) < 0 ? left : requestTimeout;
    }

    /** The parsed body of a success; the classified error otherwise. */
    static JsonNode answer(String operation, int status, byte[] bytes) throws ActuatorFailure {
        JsonNode body = null;
        try {
            if (bytes != null && bytes.length > 0) {
                body = JSON.readTree(bytes);
            }
        } catch (IOException e) {
            body = null;
        }
        JsonNode meta = body == null ? null : body.path("meta");
        JsonNode error = meta == null ? null : meta.path("error");
        String sempStatus = error != null && error.path("status").isTextual()
                ? error.path("status").asText()
                : null;
        if (status < 200 || status > 299) {
            StringBuilder detail =
                    new StringBuilder(operation).append(": HTTP ").append(status);
            if (error != null && error.isObject()) {
                detail.append(", SEMP error ")
                        .append(error.path("code").asText("?"))
                        .append(' ')
                        .append(sempStatus == null ? "" : sempStatus);
                String description = error.path("description").asText("");
                if (!description.isBlank()) {
                    detail.append(": ").append(abbreviate(description));
                }
            } else if (status == 401) {
                detail.append(" (authentication failed)");
            }
            throw new SempFailure(
                    status,
                    SempErrors.retriable(status, sempStatus),
                    SempErrors.code(status, sempStatus),
                    detail.toString());
        }
        if (body == null || !body.isObject() || !meta.path("responseCode").isInt()) {
            // e.g. a proxy's maintenance page: not the broker speaking
            throw ActuatorFailure.retriable(
                    "NOT_SEMP",
                    operation + ": HTTP " + status + " but the body is not a SEMP v2 answer (no meta.responseCode)");
        }
        int responseCode = meta.path("responseCode").asInt();
        if (responseCode < 200 || responseCode > 299) {
            throw new SempFailure(
                    responseCode,
                    SempErrors.retriable(responseCode, sempStatus),
                    SempErrors.code(responseCode, sempStatus),
                    operation + ": meta.responseCode " + responseCode
                            + (error != null && error.isObject()
                                    ? ", SEMP error " + error.path("code").asText("?") + " " + sempStatus + ": "
                                            + abbreviate(
                                                    error.path("description").asText(""))
                                    : ""));
        }
        return body;
    }

    private static String withoutQuery(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static String abbreviate(String text) {
        return text.length() <= 400 ? text : text.substring(0, 397) + "...";
    }
}
