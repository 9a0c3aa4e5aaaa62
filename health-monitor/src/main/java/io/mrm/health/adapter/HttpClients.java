package io.mrm.health.adapter;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares {@link HttpClient}s between probes. The JDK client fixes the connect timeout per client and
 * each client owns a selector thread, so probes share one client per distinct connect timeout rather
 * than one each (thousands of targets, a handful of clients).
 */
public final class HttpClients {

    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    public HttpClient withConnectTimeout(Duration connectTimeout) {
        return clients.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build());
    }
}
