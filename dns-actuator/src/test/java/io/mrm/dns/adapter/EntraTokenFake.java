package io.mrm.dns.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A local fake of the Microsoft Entra token endpoint for the OAuth 2.0 client credentials grant with a
 * shared secret, as the Microsoft identity platform documents it ("Microsoft identity platform and the
 * OAuth 2.0 client credentials flow", https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
 * "First case: Access token request with a shared secret", "Successful response", "Error response"):
 * {@code POST /{tenant}/oauth2/v2.0/token} with a form body ({@code client_id}, {@code scope},
 * {@code client_secret}, {@code grant_type=client_credentials}) answers {@code token_type}, {@code expires_in}
 * and {@code access_token}, or 400/401 with {@code error} and {@code error_description}. Over https only, as
 * the client library insists. One tenant, one client, one secret; every token it issued is remembered.
 */
final class EntraTokenFake implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final String tenant;
    private final String clientId;
    private final String secret;
    private final List<String> issued = new CopyOnWriteArrayList<>();
    private final List<String> scopes = new CopyOnWriteArrayList<>();

    EntraTokenFake(SSLContext tls, String tenant, String clientId, String secret) throws IOException {
        this.tenant = tenant;
        this.clientId = clientId;
        this.secret = secret;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The authority host, e.g. {@code https://127.0.0.1:40123/}. */
    String authorityHost() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    List<String> issuedTokens() {
        return List.copyOf(issued);
    }

    /** The {@code scope} of each token request, in order. */
    List<String> requestedScopes() {
        return List.copyOf(scopes);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("POST") || !path.equals("/" + tenant + "/oauth2/v2.0/token")) {
                error(
                        exchange,
                        404,
                        "invalid_request",
                        "no such endpoint: " + exchange.getRequestMethod() + " " + path);
                return;
            }
            Map<String, String> form =
                    form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (!"client_credentials".equals(form.get("grant_type")) || form.get("scope") == null) {
                error(exchange, 400, "invalid_request", "grant_type=client_credentials and scope are required");
                return;
            }
            if (!clientId.equals(form.get("client_id")) || !secret.equals(form.get("client_secret"))) {
                error(exchange, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
                return;
            }
            scopes.add(form.get("scope"));
            String token = "fake-entra-" + UUID.randomUUID();
            issued.add(token);
            ObjectNode body = JSON.createObjectNode()
                    .put("token_type", "Bearer")
                    .put("expires_in", 3599)
                    .put("ext_expires_in", 3599)
                    .put("access_token", token);
            respond(exchange, 200, body);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void error(HttpExchange exchange, int status, String error, String description) throws IOException {
        respond(exchange, status, JSON.createObjectNode().put("error", error).put("error_description", description));
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
