package io.mrm.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.probe.HttpClients;
import io.mrm.health.adapter.probe.HttpProbe;
import io.mrm.health.adapter.probe.ProbeScheduler;
import io.mrm.health.adapter.probe.StatusRange;
import io.mrm.health.adapter.publish.ObservationIds;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ObservationRule;
import io.mrm.health.domain.ObservationSink;
import io.mrm.health.domain.ProbeTarget;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The health monitor's scale benchmark: one {@link ProbeScheduler} with many HTTP targets (10,000 by
 * default) at a 1 s interval, against JDK {@link HttpServer}s on loopback ({@link LoopbackHttpServers}, in a
 * child JVM by default so that heap and GC figures are the monitor's; both share the machine's cores). It measures
 * schedule slip — when a probe actually starts minus when it was planned to — with HdrHistogram, plus
 * probes completed per second and heap in use. Observations go through the real observation rule and
 * are encoded with the real CloudEvents codec, then dropped (no broker).
 *
 * <p>Bounded: warm-up, then measurement, then it stops its servers and exits by itself; a watchdog
 * ends the JVM if anything hangs. Loopback only.
 *
 * <pre>
 * mvn -B -q install -pl health-monitor,benchmarks -am -DskipTests
 * mvn -B -q -pl benchmarks exec:exec                      # 10,000 targets, 1 s, 60 s warm-up, 90 s measured
 * mvn -B -q -pl benchmarks exec:exec -Dbench.args="--targets=2000 --warmup=10s --measure=20s"
 * </pre>
 * Options: {@code --targets=N --interval=1s --servers=N --warmup=60s --measure=90s --ticker-threads=2
 * --http-clients=2 --http-executor-threads=2 (0: the JDK's default cached pool) --server-threads=0 (handlers on
 * the dispatcher thread) --max-idle-connections=0 (unbounded) --servers-in-same-jvm=false --report-every=10s
 * --region-a-hangs=false (every region-a target points at a server that accepts connections and never
 * answers, as a dead region's hung backends do: region-b's targets must all stay UP)}.
 */
public final class SchedulerSlipBenchmark {

    public static void main(String[] args) throws Exception {
        // as HealthMonitorApplication does (see HttpClients): before anything touches CompletableFuture
        if (System.getProperty(HttpClients.COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(HttpClients.COMMON_POOL_PARALLELISM, "2");
        }
        Map<String, String> options = parse(args);
        int targets = Integer.parseInt(options.getOrDefault("targets", "10000"));
        Duration interval =
                Duration.parse("PT" + options.getOrDefault("interval", "1s").toUpperCase(Locale.ROOT));
        int servers = Integer.parseInt(options.getOrDefault("servers", "8"));
        Duration warmup =
                Duration.parse("PT" + options.getOrDefault("warmup", "60s").toUpperCase(Locale.ROOT));
        Duration measure =
                Duration.parse("PT" + options.getOrDefault("measure", "90s").toUpperCase(Locale.ROOT));
        Duration reportEvery = Duration.parse(
                "PT" + options.getOrDefault("report-every", "10s").toUpperCase(Locale.ROOT));
        int tickerThreads = Integer.parseInt(options.getOrDefault("ticker-threads", "2"));
        int httpClients = Integer.parseInt(options.getOrDefault("http-clients", "2"));
        int httpThreads = Integer.parseInt(options.getOrDefault("http-executor-threads", "2"));
        int serverThreads = Integer.parseInt(options.getOrDefault("server-threads", "0"));
        int maxIdle = Integer.parseInt(options.getOrDefault("max-idle-connections", "0"));
        boolean regionAHangs = Boolean.parseBoolean(options.getOrDefault("region-a-hangs", "false"));
        List<java.net.ServerSocket> hung = new ArrayList<>();
        if (regionAHangs) {
            for (int i = 0; i < servers; i++) {
                hung.add(silentServer());
            }
        }
        startWatchdog(warmup.plus(measure).plusSeconds(60));

        System.out.printf(
                "scheduler slip benchmark: %d HTTP targets every %d ms on %d loopback JDK HttpServers "
                        + "(%s, " + (maxIdle > 0 ? "max " + maxIdle + " idle connections per client, " : "")
                        + "keep-alive " + System.getProperty("jdk.httpclient.keepalive.timeout", "30") + " s, "
                        + (Boolean.parseBoolean(options.getOrDefault("servers-in-same-jvm", "false"))
                                ? "in this JVM"
                                : "in a child JVM")
                        + "), %d ticker threads, %d HTTP clients, %s; warm-up %ds, measured %ds; %d CPUs, "
                        + "max heap %d MiB, common-pool parallelism %d, Java %s%n",
                targets,
                interval.toMillis(),
                servers,
                serverThreads == 0 ? "handlers on the dispatcher thread" : serverThreads + " handler threads",
                tickerThreads,
                httpClients,
                httpThreads == 0 ? "JDK default HTTP executor" : httpThreads + " HTTP executor threads",
                warmup.toSeconds(),
                measure.toSeconds(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
                System.getProperty("java.version"));

        boolean sameJvm = Boolean.parseBoolean(options.getOrDefault("servers-in-same-jvm", "false"));
        List<Integer> ports = new ArrayList<>();
        List<HttpServer> inProcess = new ArrayList<>();
        Process child = null;
        if (sameJvm) {
            inProcess.addAll(LoopbackHttpServers.start(servers, serverThreads));
            inProcess.forEach(server -> ports.add(server.getAddress().getPort()));
        } else {
            child = new ProcessBuilder(
                            ProcessHandle.current().info().command().orElse("java"),
                            "-Xmx512m",
                            "-XX:+UseG1GC",
                            "-cp",
                            System.getProperty("java.class.path"),
                            LoopbackHttpServers.class.getName(),
                            "--servers=" + servers,
                            "--handler-threads=" + serverThreads,
                            "--seconds=" + warmup.plus(measure).plusSeconds(60).toSeconds())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String line = new java.io.BufferedReader(
                            new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            if (line == null || !line.startsWith("PORTS ")) {
                throw new IllegalStateException("the HTTP server process did not start: " + line);
            }
            for (String port : line.substring(6).split(",")) {
                ports.add(Integer.parseInt(port));
            }
        }

        HttpClients clients = new HttpClients(httpClients, httpThreads, maxIdle);
        Duration timeout = Duration.ofSeconds(2);
        List<MonitoredTarget> monitored = new ArrayList<>(targets);
        for (int i = 0; i < targets; i++) {
            int port = regionAHangs && i % 2 == 0 ? hung.get(i % servers).getLocalPort() : ports.get(i % servers);
            URI url = URI.create("http://127.0.0.1:" + port + "/health/" + i);
            HttpProbe.Settings settings = new HttpProbe.Settings(url, StatusRange.DEFAULT, "\"UP\"", timeout, timeout);
            ProbeTarget target = new ProbeTarget(
                    "app-" + (i / 2),
                    i % 2 == 0 ? "region-a" : "region-b",
                    "app",
                    ProbeKind.HTTP,
                    interval,
                    settings.deadline().plusSeconds(1));
            monitored.add(new MonitoredTarget(target, new HttpProbe(clients.withConnectTimeout(timeout), settings)));
        }

        EventCodec codec = new EventCodec(TopicNames.defaults(), URI.create("/mrm/benchmark"));
        LongAdder up = new LongAdder();
        LongAdder notUp = new LongAdder();
        LongAdder regionBNotUp = new LongAdder();
        LongAdder encodedBytes = new LongAdder();
        Map<String, String> lastFailure = new java.util.concurrent.ConcurrentHashMap<>();
        ObservationSink sink = observation -> {
            encodedBytes.add(codec.toRecord(observation).value().length);
            if (observation.status() == HealthStatus.UP) {
                up.increment();
            } else {
                notUp.increment();
                if (observation.region().equals("region-b")) {
                    regionBNotUp.increment();
                }
                lastFailure.put("last", observation.detail() == null ? "" : observation.detail());
            }
            return CompletableFuture.completedFuture(null);
        };
        ObservationRule rule = new ObservationRule("bench", Clock.systemUTC(), ObservationIds::next);
        ProbeScheduler scheduler = new ProbeScheduler(
                monitored, rule, sink, new SplittableRandom(42), tickerThreads, 10_000, Duration.ofSeconds(5));
        // slip in microseconds, up to 1 hour, 3 significant digits
        Recorder slips = new Recorder(TimeUnit.HOURS.toMicros(1), 3);
        AtomicLong ticks = new AtomicLong();
        scheduler.onTickSlip(slipNanos -> {
            ticks.incrementAndGet();
            slips.recordValue(Math.max(0, slipNanos / 1000));
        });

        long t0 = System.nanoTime();
        scheduler.start();
        Histogram measured = null;
        long measureStartNanos = 0;
        long upAtMeasureStart = 0;
        long notUpAtMeasureStart = 0;
        long skippedAtMeasureStart = 0;
        long ticksAtMeasureStart = 0;
        long gcCountAtStart = 0;
        long gcTimeAtStart = 0;
        long peakHeap = 0;
        long cpuAtStart = 0;
        long childCpuAtStart = 0;
        Histogram interval10s = null;
        long lastReport = t0;
        long lastUp = 0;
        long lastNotUp = 0;
        long end = t0 + warmup.plus(measure).toNanos();
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            long sleep = Math.min(reportEvery.toNanos() - (now - lastReport), end - now);
            if (sleep > 0) {
                TimeUnit.NANOSECONDS.sleep(sleep);
            }
            now = System.nanoTime();
            interval10s = slips.getIntervalHistogram(interval10s);
            boolean warming = now - t0 < warmup.toNanos();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            double seconds = (now - lastReport) / 1e9;
            long u = up.sum();
            long d = notUp.sum();
            System.out.printf(
                    "%6.1fs %s probes/s %7.0f (not UP %5.0f/s)  slip p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms"
                            + "  heap used %4d MiB  skipped %d  dropped %d%n",
                    (now - t0) / 1e9,
                    warming ? "warm-up " : "measured",
                    (u + d - lastUp - lastNotUp) / seconds,
                    (d - lastNotUp) / seconds,
                    ms(interval10s.getValueAtPercentile(50)),
                    ms(interval10s.getValueAtPercentile(99)),
                    ms(interval10s.getMaxValue()),
                    heap >> 20,
                    scheduler.skippedTicks(),
                    scheduler.droppedObservations());
            lastReport = now;
            lastUp = u;
            lastNotUp = d;
            if (!warming) {
                if (measured == null) {
                    // the first measured report closes the warm-up: start counting from here
                    measured = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
                    measureStartNanos = now;
                    upAtMeasureStart = u;
                    notUpAtMeasureStart = d;
                    skippedAtMeasureStart = scheduler.skippedTicks();
                    ticksAtMeasureStart = ticks.get();
                    gcCountAtStart = gcCount();
                    gcTimeAtStart = gcTime();
                    cpuAtStart = processCpuNanos();
                    childCpuAtStart = cpuNanos(child);
                } else {
                    measured.add(interval10s);
                    peakHeap = Math.max(peakHeap, heap);
                }
            }
        }
        long measureEnd = System.nanoTime();
        long monitorCpu = processCpuNanos() - cpuAtStart;
        long serverCpu = child == null ? 0 : cpuNanos(child) - childCpuAtStart;
        scheduler.stop();
        double measuredSeconds = (measureEnd - measureStartNanos) / 1e9;
        long probes = up.sum() + notUp.sum() - upAtMeasureStart - notUpAtMeasureStart;
        System.gc();
        MemoryUsage heapAfterGc = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.println();
        if (measured == null || measured.getTotalCount() == 0) {
            System.out.println("RESULT: no measurement (measure period shorter than --report-every?)");
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "RESULT targets=%d interval=%dms measured=%.0fs ticks=%d%n",
                    targets,
                    interval.toMillis(),
                    measuredSeconds,
                    ticks.get() - ticksAtMeasureStart);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT schedule slip: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, " + "max %.2f ms%n",
                    ms(measured.getValueAtPercentile(50)),
                    ms(measured.getValueAtPercentile(90)),
                    ms(measured.getValueAtPercentile(99)),
                    ms(measured.getValueAtPercentile(99.9)),
                    ms(measured.getMaxValue()));
            System.out.printf(
                    Locale.ROOT,
                    "RESULT probes completed: %.0f/s (expected %.0f/s), not UP: %d, ticks skipped "
                            + "(probe still in flight): %d%n",
                    probes / measuredSeconds,
                    targets * 1000.0 / interval.toMillis(),
                    notUp.sum() - notUpAtMeasureStart,
                    scheduler.skippedTicks() - skippedAtMeasureStart);
            System.out.printf(
                    Locale.ROOT,
                    "RESULT heap: peak used %d MiB (sampled), %d MiB live after full GC, max %d MiB;"
                            + " GC %d collections, %d ms while measured; %d threads; %.0f encoded bytes/observation%n",
                    peakHeap >> 20,
                    heapAfterGc.getUsed() >> 20,
                    heapAfterGc.getMax() >> 20,
                    gcCount() - gcCountAtStart,
                    gcTime() - gcTimeAtStart,
                    Thread.activeCount(),
                    (double) encodedBytes.sum() / Math.max(1, up.sum() + notUp.sum()));
            System.out.printf(
                    Locale.ROOT,
                    "RESULT CPU while measured: monitor JVM %.0f%% of one core (%.0f us/probe)%s;"
                            + " the machine has %d%n",
                    monitorCpu / 1e7 / measuredSeconds,
                    monitorCpu / 1e3 / Math.max(1, probes),
                    child == null
                            ? " incl. the HTTP servers"
                            : String.format(
                                    Locale.ROOT,
                                    ", HTTP server JVM %.0f%% (%.0f us/request)",
                                    serverCpu / 1e7 / measuredSeconds,
                                    serverCpu / 1e3 / Math.max(1, probes)),
                    Runtime.getRuntime().availableProcessors());
            if (regionAHangs) {
                System.out.printf(
                        Locale.ROOT,
                        "RESULT region-a's servers hang: region-b targets not UP (whole run): %d%n",
                        regionBNotUp.sum());
            }
            if (lastFailure.containsKey("last")) {
                System.out.println("RESULT last non-UP detail (warm-up included): " + lastFailure.get("last"));
            }
            boolean pass = measured.getValueAtPercentile(99) < 100_000;
            System.out.println("RESULT target p99 slip < 100 ms: " + (pass ? "met" : "MISSED"));
        }
        inProcess.forEach(server -> server.stop(0));
        if (child != null) {
            child.destroy();
            child.waitFor(5, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long cpuNanos(Process process) {
        return process == null
                ? 0
                : process.toHandle()
                        .info()
                        .totalCpuDuration()
                        .map(Duration::toNanos)
                        .orElse(0L);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }

    private static long gcTime() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum();
    }

    private static void startWatchdog(Duration bound) {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(bound.toNanos());
                        System.err.println("benchmark overran its bound of " + bound.toSeconds() + " s: exiting");
                        Runtime.getRuntime().halt(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "benchmark-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** A server that accepts every connection and never answers (a hung backend); connections are kept open. */
    private static java.net.ServerSocket silentServer() throws java.io.IOException {
        java.net.ServerSocket server = new java.net.ServerSocket(0, 10_000, java.net.InetAddress.getLoopbackAddress());
        List<java.net.Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread accept = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            held.add(server.accept());
                        } catch (java.io.IOException e) {
                            return;
                        }
                    }
                },
                "hung-backend");
        accept.setDaemon(true);
        accept.start();
        return server;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return options;
    }
}
