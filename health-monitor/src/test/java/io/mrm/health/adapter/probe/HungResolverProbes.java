package io.mrm.health.adapter.probe;

import io.mrm.health.domain.ProbeResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run by {@link HungResolverIT} in a JVM of its own whose resolver never answers: probes eight HTTP
 * targets whose names need DNS (a dead region's) beside one whose name the hosts file answers
 * ({@code localhost}, the healthy region), with the production HTTP client set-up (two shared executor
 * threads), and prints one line per result: {@code RESULT <round> <target> <status> <detail>}.
 */
public final class HungResolverProbes {

    private HungResolverProbes() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Duration connect = Duration.ofSeconds(1);
        Duration read = Duration.ofSeconds(1);
        try (HttpClients clients = new HttpClients(1, 2);
                HostLookups lookups = new HostLookups()) {
            List<String> names = new ArrayList<>();
            List<HttpProbe> probes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                names.add("dead-" + i);
                probes.add(probe(
                        clients,
                        lookups,
                        "http://app" + i + ".region-a.mrm-test.invalid:" + port + "/health",
                        connect,
                        read));
            }
            names.add("healthy");
            probes.add(probe(clients, lookups, "http://localhost:" + port + "/health", connect, read));
            for (int round = 1; round <= rounds; round++) {
                List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
                probes.forEach(p -> results.add(p.probe().toCompletableFuture()));
                for (int i = 0; i < probes.size(); i++) {
                    ProbeResult result = results.get(i).get(60, TimeUnit.SECONDS);
                    System.out.println(
                            "RESULT " + round + " " + names.get(i) + " " + result.status() + " " + result.detail());
                }
            }
        }
        System.exit(0);
    }

    private static HttpProbe probe(
            HttpClients clients, HostLookups lookups, String url, Duration connect, Duration read) {
        HttpProbe.Settings settings = new HttpProbe.Settings(URI.create(url), StatusRange.DEFAULT, null, connect, read);
        return new HttpProbe(clients.withConnectTimeout(connect), settings, lookups);
    }
}
