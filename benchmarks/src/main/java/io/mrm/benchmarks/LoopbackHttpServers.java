package io.mrm.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The benchmark's simulated regions: JDK {@link HttpServer}s on loopback answering
 * {@code 200 {"status":"UP"}} on {@code /health/...}. Run by {@link SchedulerSlipBenchmark} in a JVM
 * of its own (so the monitor's heap and GC figures are the monitor's), it prints one line
 * {@code PORTS p1,p2,...} and serves until its parent closes its standard input or {@code --seconds}
 * pass, whichever comes first: it never outlives the benchmark.
 */
public final class LoopbackHttpServers {

    private static final byte[] BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int servers = 8;
        int handlerThreads = 0;
        long seconds = 600;
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            if (arg.startsWith("--servers=")) {
                servers = Integer.parseInt(value);
            } else if (arg.startsWith("--handler-threads=")) {
                handlerThreads = Integer.parseInt(value);
            } else if (arg.startsWith("--seconds=")) {
                seconds = Long.parseLong(value);
            } else {
                throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        List<HttpServer> started = start(servers, handlerThreads);
        System.out.println("PORTS "
                + started.stream()
                        .map(s -> Integer.toString(s.getAddress().getPort()))
                        .collect(Collectors.joining(",")));
        System.out.flush();
        Thread stdinWatch = new Thread(
                () -> {
                    try {
                        while (System.in.read() >= 0) {
                            // the parent never writes; end of input means it is gone
                        }
                    } catch (IOException e) {
                        // same: the parent is gone
                    }
                    System.exit(0);
                },
                "parent-watch");
        stdinWatch.setDaemon(true);
        stdinWatch.start();
        TimeUnit.SECONDS.sleep(seconds);
        System.exit(0);
    }

    /** Starts {@code count} servers; handlers run on each server's dispatcher thread unless {@code handlerThreads > 0}. */
    static List<HttpServer> start(int count, int handlerThreads) throws IOException {
        ExecutorService handlers = handlerThreads == 0 ? null : Executors.newFixedThreadPool(handlerThreads);
        List<HttpServer> servers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            server.createContext("/health", exchange -> {
                try (exchange) {
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, BODY.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(BODY);
                    }
                }
            });
            server.setExecutor(handlers);
            server.start();
            servers.add(server);
        }
        return servers;
    }
}
