package io.mrm.hook.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for one SAP Cloud Integration tenant (its OAuth token endpoint and its OData API), following
 * SAP's published reference, not our client's assumptions:
 *
 * <ul>
 *   <li>SAP Help Portal, Cloud Integration, "Integration Content" OData API and the SAP Business Accelerator Hub
 *       (api.sap.com) API package "Cloud Integration": {@code GET
 *       /api/v1/IntegrationDesigntimeArtifacts(Id='..',Version='..')}, {@code POST
 *       /api/v1/DeployIntegrationDesigntimeArtifact?Id='..'&Version='..'} (202, deployment goes on
 *       asynchronously), {@code GET/DELETE /api/v1/IntegrationRuntimeArtifacts('..')} (Status STARTING, STARTED,
 *       ERROR; 404 when not deployed), {@code GET /api/v1/IntegrationRuntimeArtifacts('..')/ErrorInformation/$value}.
 *   <li>OData V2 JSON format (odata.org, "OData Version 2.0 JSON Format"): entities as {@code {"d": {...}}},
 *       errors as {@code {"error": {"code": ..., "message": {"lang": "en", "value": ...}}}}; without
 *       {@code Accept: application/json} the service answers Atom XML, as the real one does.
 *   <li>SAP Help "OAuth with Client Credentials Grant for API Clients" (and the developers.sap.com tutorial "Set Up
 *       Inbound OAuth Client Credentials Grant Authentication for API Clients"): {@code POST /oauth/token} with
 *       HTTP Basic client id/secret and {@code grant_type=client_credentials} →
 *       {@code {"access_token", "token_type": "bearer", "expires_in"}}; API calls without a valid bearer token get
 *       401.
 *   <li>CSRF protection of modifying requests as SAP Gateway / Cloud Integration document it: {@code GET} with
 *       {@code X-CSRF-Token: Fetch} returns a token bound to the session cookie; {@code POST}/{@code DELETE}
 *       without a valid one get 403 with {@code X-CSRF-Token: Required}.
 * </ul>
 *
 * The test scripts how a deployment ends ({@link #scriptDeployment}) and can expire tokens.
 */
public final class CloudIntegrationFake implements AutoCloseable {

    public static final String CLIENT_ID = "sb-mrm-api-client";
    public static final String CLIENT_SECRET = "fake-client-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUNTIME =
            Pattern.compile("/api/v1/IntegrationRuntimeArtifacts\\('((?:[^']|'')+)'\\)(/ErrorInformation/\\$value)?");
    private static final Pattern DESIGNTIME =
            Pattern.compile("/api/v1/IntegrationDesigntimeArtifacts\\(Id='((?:[^']|'')+)',Version='((?:[^']|'')+)'\\)");

    /** A runtime artifact's state; {@code startingPolls} GETs still answer STARTING before {@code ending}. */
    static final class Runtime {
        final String version;
        volatile String status;
        volatile int startingPolls;
        volatile String ending;
        volatile String error;

        Runtime(String version, String status) {
            this.version = version;
            this.status = status;
        }
    }

    record Script(int startingPolls, String ending, String error) {}

    final Map<String, String> designtimeActiveVersion = new ConcurrentHashMap<>();
    final Map<String, Runtime> runtime = new ConcurrentHashMap<>();
    final Map<String, Script> scripts = new ConcurrentHashMap<>();
    /** Every request that changed something, e.g. {@code DEPLOY orders-sync 1.0.3}, {@code UNDEPLOY orders-sync}. */
    public final List<String> changes = new CopyOnWriteArrayList<>();

    public final AtomicInteger tokensIssued = new AtomicInteger();
    final AtomicInteger csrfFetches = new AtomicInteger();
    volatile long expiresInSeconds = 3600;

    private final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> csrfBySession = new ConcurrentHashMap<>();
    private final HttpServer server;

    public CloudIntegrationFake() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/oauth/token", this::token);
        server.createContext("/api/v1", this::api);
        server.start();
    }

    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public URI tokenUrl() {
        return URI.create(apiUrl() + "/oauth/token");
    }

    /** A design-time artifact whose newest ("active") version is {@code version}. */
    public CloudIntegrationFake designtime(String id, String version) {
        designtimeActiveVersion.put(id, version);
        return this;
    }

    /** An artifact already deployed. */
    public CloudIntegrationFake deployed(String id, String version, String status) {
        runtime.put(id, new Runtime(version, status));
        return this;
    }

    /** How the next deployment of {@code id} goes: STARTING for {@code startingPolls} reads, then {@code ending}. */
    public CloudIntegrationFake scriptDeployment(String id, int startingPolls, String ending, String error) {
        scripts.put(id, new Script(startingPolls, ending, error));
        return this;
    }

    /** Every token issued so far stops working (as after its expiry). */
    void expireTokens() {
        validTokens.clear();
    }

    /** Every CSRF token issued so far stops working (as after the session timed out). */
    void expireCsrfTokens() {
        csrfBySession.clear();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String expected = "Basic "
                    + Base64.getEncoder()
                            .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod())
                    || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "{\"error\":\"unauthorized\",\"error_description\":\"Bad credentials\"}");
                return;
            }
            if (!body.contains("grant_type=client_credentials")) {
                send(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
                return;
            }
            String token = UUID.randomUUID().toString();
            validTokens.add(token);
            tokensIssued.incrementAndGet();
            send(
                    exchange,
                    200,
                    "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":" + expiresInSeconds
                            + ",\"scope\":\"it!b1234.WorkspaceArtifactsDeploy it!b1234.MonitoringDataRead\"}");
        }
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !validTokens.contains(auth.substring(7))) {
                send(exchange, 401, "");
                return;
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            if (method.equals("GET")
                    && "Fetch".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("X-CSRF-Token"))) {
                String session = UUID.randomUUID().toString();
                String csrf = UUID.randomUUID().toString();
                csrfBySession.put(session, csrf);
                csrfFetches.incrementAndGet();
                exchange.getResponseHeaders().add("Set-Cookie", "JSESSIONID=" + session + "; Path=/; HttpOnly");
                exchange.getResponseHeaders().set("X-CSRF-Token", csrf);
                if (path.equals("/api/v1/") || path.equals("/api/v1")) {
                    send(exchange, 200, "{\"d\":{\"EntitySets\":[\"IntegrationRuntimeArtifacts\"]}}");
                    return;
                }
            }
            if (!method.equals("GET") && !validCsrf(exchange)) {
                exchange.getResponseHeaders().set("X-CSRF-Token", "Required");
                send(exchange, 403, "CSRF token validation failed");
                return;
            }
            boolean json = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"))
                    .contains("json");
            if (!json && method.equals("GET")) {
                exchange.getResponseHeaders().set("Content-Type", "application/atom+xml");
                byte[] xml = "<?xml version=\"1.0\"?><entry xmlns=\"http://www.w3.org/2005/Atom\"/>"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, xml.length);
                exchange.getResponseBody().write(xml);
                return;
            }
            route(exchange, method, path);
        }
    }

    private boolean validCsrf(HttpExchange exchange) {
        String csrf = exchange.getRequestHeaders().getFirst("X-CSRF-Token");
        String cookies = String.join(";", exchange.getRequestHeaders().getOrDefault("Cookie", List.of()));
        Matcher m = Pattern.compile("JSESSIONID=([^;\\s]+)").matcher(cookies);
        return csrf != null && m.find() && csrf.equals(csrfBySession.get(m.group(1)));
    }

    private void route(HttpExchange exchange, String method, String path) throws IOException {
        Matcher designtime = DESIGNTIME.matcher(path);
        Matcher runtimePath = RUNTIME.matcher(path);
        if (method.equals("GET") && designtime.matches()) {
            String id = unquote(designtime.group(1));
            String version = unquote(designtime.group(2));
            String active = designtimeActiveVersion.get(id);
            if (active == null || (!version.equals("active") && !version.equals(active))) {
                error(exchange, 404, "Not Found", "Integration design time artifact not found");
                return;
            }
            ObjectNode d = JSON.createObjectNode();
            d.putObject("d")
                    .put("Id", id)
                    .put("Version", active)
                    .put("Name", id)
                    .put("PackageId", "mrm");
            send(exchange, 200, d.toString());
        } else if (method.equals("POST") && path.equals("/api/v1/DeployIntegrationDesigntimeArtifact")) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String id = unquote(strip(query.get("Id")));
            String version = unquote(strip(query.get("Version")));
            String active = designtimeActiveVersion.get(id);
            if (active == null || (!version.equals("active") && !version.equals(active))) {
                error(exchange, 404, "Not Found", "Integration design time artifact not found");
                return;
            }
            Script script = scripts.getOrDefault(id, new Script(2, "STARTED", null));
            Runtime deployed = new Runtime(active, "STARTING");
            deployed.startingPolls = script.startingPolls();
            deployed.ending = script.ending();
            deployed.error = script.error();
            runtime.put(id, deployed);
            changes.add("DEPLOY " + id + " " + active);
            send(exchange, 202, UUID.randomUUID().toString());
        } else if (runtimePath.matches() && runtimePath.group(2) == null) {
            String id = unquote(runtimePath.group(1));
            Runtime artifact = runtime.get(id);
            if (artifact == null) {
                error(exchange, 404, "Not Found", "Runtime artifact " + id + " not found");
                return;
            }
            if (method.equals("DELETE")) {
                runtime.remove(id);
                changes.add("UNDEPLOY " + id);
                send(exchange, 202, "");
                return;
            }
            if (artifact.status.equals("STARTING")) {
                if (artifact.startingPolls <= 0 && artifact.ending != null) {
                    artifact.status = artifact.ending;
                } else {
                    artifact.startingPolls--;
                }
            }
            ObjectNode d = JSON.createObjectNode();
            d.putObject("d")
                    .put("Id", id)
                    .put("Version", artifact.version)
                    .put("Name", id)
                    .put("Type", "INTEGRATION_FLOW")
                    .put("DeployedBy", CLIENT_ID)
                    .put("Status", artifact.status);
            send(exchange, 200, d.toString());
        } else if (method.equals("GET") && runtimePath.matches()) {
            Runtime artifact = runtime.get(unquote(runtimePath.group(1)));
            if (artifact == null || artifact.error == null) {
                error(exchange, 404, "Not Found", "No error information");
                return;
            }
            send(exchange, 200, artifact.error);
        } else {
            error(exchange, 404, "Not Found", "Resource not found for the segment '" + path + "'");
        }
    }

    private static String strip(String value) {
        return value == null ? "''" : value;
    }

    private static String unquote(String literal) {
        String value = literal.startsWith("'") && literal.endsWith("'") && literal.length() >= 2
                ? literal.substring(1, literal.length() - 1)
                : literal;
        return value.replace("''", "'");
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new ConcurrentHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    map.put(
                            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return map;
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.putObject("message").put("lang", "en").put("value", message);
        send(exchange, status, body.toString());
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
