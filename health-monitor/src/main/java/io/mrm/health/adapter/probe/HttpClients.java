package io.mrm.health.adapter.probe;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shares {@link HttpClient}s between probes. The JDK client fixes the connect timeout per client and
 * each client owns a selector thread, so probes share a few clients per distinct connect timeout rather
 * than one each (thousands of targets, a handful of clients): {@code clientsPerTimeout} of them, handed
 * out in turn, so the selector work spreads over that many threads.
 *
 * <p>By default the JDK gives each client a cached thread pool for its asynchronous work, which under a
 * burst of thousands of exchanges grows to hundreds of threads; with {@code executorThreads > 0} all
 * clients share one fixed pool of that size instead (the work on it never blocks).
 *
 * <p>JDK 17's connection pool keeps idle HTTP/1.1 connections for 1,200 s and hands them out in turn,
 * so every connection a burst opened stays (none idles long enough to expire), and each check-out and
 * return walks a list of all of them: at thousands of connections that walk dominated the probes' CPU
 * (see the scale benchmark). Unless the JVM was started with them, this class therefore sets
 * {@value #KEEPALIVE_PROPERTY} (30 s, the default of later JDKs) and, if asked,
 * {@value #POOL_SIZE_PROPERTY} before the first client is built. They are JVM-wide and read once.
 *
 * <p>On a machine with two CPUs the common fork-join pool has a parallelism of one, and then
 * {@code CompletableFuture} runs "async" work on a new thread per task — and JDK 17's
 * {@code HttpClient.sendAsync} hands every response over that way. One thread started per probe cost
 * more than the rest of the probe; {@code HealthMonitorApplication} therefore sets
 * {@value #COMMON_POOL_PARALLELISM} to 2 before anything starts (it has to be set that early, or with
 * {@code -D} on the command line), and this class warns if it is still below 2.
 */
public final class HttpClients implements AutoCloseable {

    static final String KEEPALIVE_PROPERTY = "jdk.httpclient.keepalive.timeout";
    static final String POOL_SIZE_PROPERTY = "jdk.httpclient.connectionPoolSize";
    public static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    private static final java.util.concurrent.atomic.AtomicBoolean WARNED =
            new java.util.concurrent.atomic.AtomicBoolean();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpClients.class);

    private final int clientsPerTimeout;
    private final ExecutorService executor;
    private final Map<Duration, List<HttpClient>> clients = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    /** One client per connect timeout, the JDK's default executor. */
    public HttpClients() {
        this(1, 0);
    }

    /**
     * @param clientsPerTimeout clients (selector threads) per distinct connect timeout, at least 1
     * @param executorThreads   threads of the executor all clients share; 0 for the JDK default
     */
    public HttpClients(int clientsPerTimeout, int executorThreads) {
        this(clientsPerTimeout, executorThreads, 0);
    }

    /**
     * @param clientsPerTimeout  clients (selector threads) per distinct connect timeout, at least 1
     * @param executorThreads    threads of the executor all clients share; 0 for the JDK default
     * @param maxIdleConnections idle connections each client keeps (JVM-wide JDK setting); 0 leaves it unbounded
     */
    public HttpClients(int clientsPerTimeout, int executorThreads, int maxIdleConnections) {
        defaultProperty(KEEPALIVE_PROPERTY, "30");
        if (maxIdleConnections > 0) {
            defaultProperty(POOL_SIZE_PROPERTY, Integer.toString(maxIdleConnections));
        }
        if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() < 2 && WARNED.compareAndSet(false, true)) {
            log.warn(
                    "the common fork-join pool has parallelism {}: the JDK HTTP client will start a thread for every "
                            + "response; start the JVM with -D{}=2",
                    java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(),
                    COMMON_POOL_PARALLELISM);
        }
        if (clientsPerTimeout < 1 || executorThreads < 0) {
            throw new IllegalArgumentException("clientsPerTimeout must be >= 1 and executorThreads >= 0, were "
                    + clientsPerTimeout + " and " + executorThreads);
        }
        this.clientsPerTimeout = clientsPerTimeout;
        AtomicInteger n = new AtomicInteger();
        this.executor = executorThreads == 0
                ? null
                : Executors.newFixedThreadPool(executorThreads, runnable -> {
                    Thread thread = new Thread(runnable, "probe-http-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    public HttpClient withConnectTimeout(Duration connectTimeout) {
        List<HttpClient> forTimeout = clients.computeIfAbsent(connectTimeout, timeout -> {
            List<HttpClient> built = new ArrayList<>(clientsPerTimeout);
            for (int i = 0; i < clientsPerTimeout; i++) {
                HttpClient.Builder builder = HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1);
                if (executor != null) {
                    builder.executor(executor);
                }
                built.add(builder.build());
            }
            return List.copyOf(built);
        });
        return forTimeout.get(Math.floorMod(next.getAndIncrement(), forTimeout.size()));
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
