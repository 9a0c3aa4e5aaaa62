package io.mrm.hook.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * One SAP Cloud Integration tenant's OData API ({@code <api-url>/api/v1}), the calls the Cloud Integration hook
 * needs. Followed from SAP's published reference: SAP Help Portal, "Integration Content" (Cloud Integration OData
 * API: {@code IntegrationDesigntimeArtifacts}, {@code DeployIntegrationDesigntimeArtifact},
 * {@code IntegrationRuntimeArtifacts} and its {@code ErrorInformation}), the SAP Business Accelerator Hub
 * (api.sap.com) API package "Cloud Integration", and SAP Help "OAuth with Client Credentials Grant for API
 * Clients" / the developers.sap.com tutorial "Set Up Inbound OAuth Client Credentials Grant Authentication for
 * API Clients".
 *
 * <ul>
 *   <li>OAuth 2.0 client credentials against the tenant's token URL; the token is kept until
 *       {@link #TOKEN_MARGIN} before its {@code expires_in}, and a 401 fetches a new one once.
 *   <li>Modifying requests (POST, DELETE) carry an {@code X-CSRF-Token} fetched with {@code X-CSRF-Token: Fetch}
 *       on the service root, and the session cookies that came with it; a 403 answered with
 *       {@code X-CSRF-Token: Required} fetches a new token once.
 *   <li>Bodies are OData v2 JSON ({@code Accept: application/json}): {@code {"d": {...}}}, errors
 *       {@code {"error": {"code": ..., "message": {"lang": ..., "value": ...}}}}.
 * </ul>
 *
 * Failures are {@link ActuatorFailure}s: 408, 429, 5xx and I/O errors retriable, other statuses fatal. Messages
 * never carry the client secret or a token.
 */
public final class CloudIntegrationTenant {

    static final Duration TOKEN_MARGIN = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI apiUrl;
    private final URI tokenUrl;
    private final String clientId;
    private final SecretReference clientSecret;
    private final HttpClient client;
    private final Clock clock;
    private final Duration requestTimeout;

    private String accessToken;
    private Instant tokenValidUntil = Instant.MIN;
    private String csrfToken;

    /** What the runtime says about a deployed artifact. */
    public record RuntimeArtifact(String id, String version, String status) {}

    /**
     * @param name           for messages, e.g. {@code orders/eu10}
     * @param apiUrl         the tenant's API address, e.g. {@code https://x.it-cpi018.cfapps.eu10-003.hana.ondemand.com}
     * @param tokenUrl       the OAuth token URL, e.g. {@code https://x.authentication.eu10.hana.ondemand.com/oauth/token}
     * @param clientId       the OAuth client (of a Process Integration Runtime instance, plan {@code api})
     * @param clientSecret   where its secret lives
     * @param connectTimeout bound on connecting
     * @param requestTimeout bound on one request (the step's deadline bounds it further)
     * @param clock          judges the token's expiry
     */
    public CloudIntegrationTenant(
            String name,
            URI apiUrl,
            URI tokenUrl,
            String clientId,
            SecretReference clientSecret,
            Duration connectTimeout,
            Duration requestTimeout,
            Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
        this.tokenUrl = Objects.requireNonNull(tokenUrl, "tokenUrl");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // the CSRF token is bound to the session the cookies name
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .build();
    }

    public String name() {
        return name;
    }

    /** Obtains a token (or keeps the cached one): proves the client and its secret work. */
    public synchronized void checkToken(Instant deadline) throws ActuatorFailure {
        token(deadline);
    }

    /** The design-time artifact's version ({@code version} may be {@code active}), empty if it does not exist. */
    public Optional<String> designtimeVersion(String id, String version, Instant deadline) throws ActuatorFailure {
        HttpResponse<String> response = send(
                "GET",
                "/api/v1/IntegrationDesigntimeArtifacts(Id=" + quote(id) + ",Version=" + quote(version) + ")",
                deadline);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "read design-time artifact " + id);
        return Optional.of(entity(response, "Version"));
    }

    /** The runtime state of an artifact, empty if it is not deployed. */
    public Optional<RuntimeArtifact> runtimeArtifact(String id, Instant deadline) throws ActuatorFailure {
        HttpResponse<String> response = send("GET", runtimePath(id), deadline);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "read runtime artifact " + id);
        return Optional.of(new RuntimeArtifact(id, entity(response, "Version"), entity(response, "Status")));
    }

    /** Undeploys an artifact; one that is not deployed (404) counts as undeployed. */
    public void undeploy(String id, Instant deadline) throws ActuatorFailure {
        HttpResponse<String> response = send("DELETE", runtimePath(id), deadline);
        if (response.statusCode() == 404) {
            return;
        }
        expect2xx(response, "undeploy " + id);
    }

    /** Starts deploying a design-time artifact; the runtime artifact then goes STARTING → STARTED or ERROR. */
    public void deploy(String id, String version, Instant deadline) throws ActuatorFailure {
        HttpResponse<String> response = send(
                "POST",
                "/api/v1/DeployIntegrationDesigntimeArtifact?Id=" + quote(id) + "&Version=" + quote(version),
                deadline);
        expect2xx(response, "deploy " + id + " version " + version);
    }

    /** Why an artifact is in ERROR, as the runtime reports it. */
    public String errorInformation(String id, Instant deadline) throws ActuatorFailure {
        HttpResponse<String> response = send("GET", runtimePath(id) + "/ErrorInformation/$value", deadline);
        expect(response, 200, "read the error information of " + id);
        return response.body();
    }

    private static String runtimePath(String id) {
        return "/api/v1/IntegrationRuntimeArtifacts(" + quote(id) + ")";
    }

    private synchronized HttpResponse<String> send(String method, String path, Instant deadline)
            throws ActuatorFailure {
        boolean modifying = !method.equals("GET");
        boolean tokenRenewed = false;
        boolean csrfRenewed = false;
        while (true) {
            if (modifying && csrfToken == null) {
                csrfToken = fetchCsrfToken(deadline);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(apiUrl.resolve(path))
                    .timeout(timeout(deadline))
                    .header("Authorization", "Bearer " + token(deadline))
                    .header("Accept", "application/json")
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (modifying) {
                request.header("X-CSRF-Token", csrfToken);
            }
            HttpResponse<String> response = exchange(request.build(), method + " " + path);
            if (response.statusCode() == 401 && !tokenRenewed) {
                // expired or revoked before expires_in said: one new token
                tokenRenewed = true;
                accessToken = null;
                csrfToken = null;
                continue;
            }
            if (modifying
                    && response.statusCode() == 403
                    && "Required"
                            .equalsIgnoreCase(response.headers()
                                    .firstValue("X-CSRF-Token")
                                    .orElse(""))
                    && !csrfRenewed) {
                csrfRenewed = true;
                csrfToken = null;
                continue;
            }
            return response;
        }
    }

    private String fetchCsrfToken(Instant deadline) throws ActuatorFailure {
        HttpRequest request = HttpRequest.newBuilder(apiUrl.resolve("/api/v1/"))
                .timeout(timeout(deadline))
                .header("Authorization", "Bearer " + token(deadline))
                .header("X-CSRF-Token", "Fetch")
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<String> response = exchange(request, "fetch CSRF token");
        expect(response, 200, "fetch a CSRF token");
        return response.headers()
                .firstValue("X-CSRF-Token")
                .orElseThrow(() -> ActuatorFailure.fatal(
                        "CSRF", name + ": the service root sent no X-CSRF-Token header when asked to fetch one"));
    }

    private String token(Instant deadline) throws ActuatorFailure {
        if (accessToken != null && clock.instant().isBefore(tokenValidUntil)) {
            return accessToken;
        }
        String basic = Base64.getEncoder()
                .encodeToString((clientId + ":" + clientSecret.read()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl)
                .timeout(timeout(deadline))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        Instant asked = clock.instant();
        HttpResponse<String> response = exchange(request, "obtain an OAuth token");
        if (response.statusCode() != 200) {
            throw classify(response, "obtain an OAuth token for client " + clientId + " at " + tokenUrl);
        }
        try {
            JsonNode json = JSON.readTree(response.body());
            String token = json.path("access_token").asText("");
            if (token.isEmpty()) {
                throw ActuatorFailure.fatal("OAUTH", name + ": the token response has no access_token");
            }
            long expiresIn = json.path("expires_in").asLong(0);
            accessToken = token;
            tokenValidUntil = asked.plusSeconds(expiresIn).minus(TOKEN_MARGIN);
            return token;
        } catch (IOException e) {
            throw ActuatorFailure.fatal("OAUTH", name + ": the token response is not JSON");
        }
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) throws ActuatorFailure {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ActuatorFailure.retriable("IO", name + ": " + what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActuatorFailure.retriable("INTERRUPTED", name + ": " + what + " was interrupted");
        }
    }

    private Duration timeout(Instant deadline) throws ActuatorFailure {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw ActuatorFailure.retriable("DEADLINE", name + ": the step's deadline " + deadline + " has passed");
        }
        return left.compareTo(requestTimeout) < 0 ? left : requestTimeout;
    }

    private void expect(HttpResponse<String> response, int status, String what) throws ActuatorFailure {
        if (response.statusCode() != status) {
            throw classify(response, what);
        }
    }

    private void expect2xx(HttpResponse<String> response, String what) throws ActuatorFailure {
        if (response.statusCode() / 100 != 2) {
            throw classify(response, what);
        }
    }

    private ActuatorFailure classify(HttpResponse<String> response, String what) {
        int status = response.statusCode();
        boolean retriable = status == 408 || status == 429 || status >= 500;
        String code = "HTTP_" + status;
        String message = HttpHook.clip(response.body());
        try {
            JsonNode error = JSON.readTree(response.body()).path("error");
            if (error.isObject()) {
                code = error.path("code").asText(code);
                message = HttpHook.clip(error.path("message").path("value").asText(message));
            }
        } catch (IOException e) {
            // not an OData error body: quote it as it is
        }
        return ActuatorFailure.of(
                retriable, code, name + ": cannot " + what + ": HTTP " + status + " " + code + ": " + message, null);
    }

    private String entity(HttpResponse<String> response, String field) throws ActuatorFailure {
        try {
            JsonNode value = JSON.readTree(response.body()).path("d").path(field);
            if (!value.isTextual()) {
                throw ActuatorFailure.fatal(
                        "ODATA", name + ": answer has no d." + field + ": " + HttpHook.clip(response.body()));
            }
            return value.asText();
        } catch (IOException e) {
            throw ActuatorFailure.fatal(
                    "ODATA", name + ": answer is not OData JSON: " + HttpHook.clip(response.body()));
        }
    }

    /** An OData string literal: single quotes, a quote inside doubled. */
    static String quote(String value) {
        return URLEncoder.encode("'" + value.replace("'", "''") + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
