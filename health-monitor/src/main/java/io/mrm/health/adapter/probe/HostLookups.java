package io.mrm.health.adapter.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Host-name lookups for the probes, isolated per host name. The system resolver blocks, and when a dead
 * region takes its DNS zone with it, lookups of its names hang until the resolver gives up (seconds per
 * try). Done on a shared executor — the JDK HTTP client resolves on its client's executor — a few such
 * names stall every other probe. Here each name has at most one lookup in flight, on a thread of its own
 * (threads are made on demand and retire when idle), and every probe that needs that name waits on that
 * one lookup, bounded by its own connect timeout: a name that hangs costs its own targets their result
 * and nothing else.
 *
 * <p>Answers are cached by the JVM ({@code networkaddress.cache.ttl}, 30 s by default), so the HTTP
 * client's own lookup right after a successful one here is a cache hit and never blocks its executor.
 * A name resolved less than {@link #fresh} ago is answered at once, without a thread: at thousands of
 * probes a second the hand-over per probe would cost more than the probe. {@code fresh} is half the JVM's
 * positive TTL (at most 5 s), so the JVM still holds the answer when the client asks; with caching off
 * ({@code ttl=0}) every probe looks up.
 */
public final class HostLookups implements AutoCloseable {

    /** Resolves one name (the system resolver; replaceable in tests). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Resolver resolver;
    private final ExecutorService threads;
    private final Map<String, CompletableFuture<InetAddress[]>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Resolved> resolved = new ConcurrentHashMap<>();
    private final long freshNanos;
    private final java.util.function.LongSupplier nanoTime;

    /** A name's last answer and when it came. */
    private record Resolved(InetAddress[] addresses, long atNanos) {}

    public HostLookups() {
        this(InetAddress::getAllByName);
    }

    public HostLookups(Resolver resolver) {
        this(resolver, fresh(), System::nanoTime);
    }

    HostLookups(Resolver resolver, java.time.Duration fresh, java.util.function.LongSupplier nanoTime) {
        this.resolver = resolver;
        this.freshNanos = fresh.toNanos();
        this.nanoTime = nanoTime;
        AtomicInteger n = new AtomicInteger();
        // no queue: a lookup never waits behind another one; one thread per name being looked up
        this.threads = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "host-lookup-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * The addresses of {@code host}: an IP literal at once, a name by the lookup already in flight for it
     * or a new one. The future is the lookup's; a caller bounds its own wait (and must not cancel it).
     */
    public CompletableFuture<InetAddress[]> resolve(String host) {
        if (isIpLiteral(host)) {
            try {
                return CompletableFuture.completedFuture(InetAddress.getAllByName(host)); // parses, no lookup
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        Resolved last = resolved.get(host);
        if (last != null && nanoTime.getAsLong() - last.atNanos() < freshNanos) {
            return CompletableFuture.completedFuture(last.addresses());
        }
        CompletableFuture<InetAddress[]> created = new CompletableFuture<>();
        CompletableFuture<InetAddress[]> existing = inFlight.putIfAbsent(host, created);
        if (existing != null) {
            return existing;
        }
        try {
            threads.execute(() -> {
                // out of the in-flight map before anyone is told: a caller woken by the answer and asking
                // again must not be handed the finished lookup instead of a fresh one
                try {
                    InetAddress[] addresses = resolver.resolve(host);
                    resolved.put(host, new Resolved(addresses, nanoTime.getAsLong()));
                    inFlight.remove(host, created);
                    created.complete(addresses);
                } catch (Throwable e) {
                    inFlight.remove(host, created);
                    created.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(host, created);
            created.completeExceptionally(e);
        }
        return created;
    }

    /**
     * Like {@link #resolve}, but this caller waits at most {@code bound}: after it, the future fails with a
     * {@link LookupTimeoutException} (the lookup itself goes on for whoever else waits on it).
     */
    public CompletableFuture<InetAddress[]> resolveWithin(String host, java.time.Duration bound) {
        return resolve(host)
                .copy()
                .orTimeout(Math.max(1, bound.toMillis()), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(error -> {
                    Throwable cause =
                            error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                    ? error.getCause()
                                    : error;
                    return CompletableFuture.failedFuture(
                            cause instanceof java.util.concurrent.TimeoutException
                                    ? new LookupTimeoutException(host, bound)
                                    : cause);
                });
    }

    /** The resolver gave no answer for a name within a probe's bound (a dead region's DNS, typically). */
    public static final class LookupTimeoutException extends java.io.IOException {
        public LookupTimeoutException(String host, java.time.Duration bound) {
            super("DNS lookup of " + host + " got no answer within " + bound.toMillis() + " ms");
        }
    }

    /** A JVM-wide instance, for probes built without one of their own. */
    public static HostLookups shared() {
        return Shared.INSTANCE;
    }

    private static final class Shared {
        static final HostLookups INSTANCE = new HostLookups();
    }

    /** Half the JVM's positive lookup cache TTL, at most 5 s; zero when the JVM does not cache. */
    static java.time.Duration fresh() {
        String ttl = java.security.Security.getProperty("networkaddress.cache.ttl");
        long seconds;
        try {
            seconds = ttl == null ? 30 : Long.parseLong(ttl.trim());
        } catch (NumberFormatException e) {
            seconds = 30;
        }
        if (seconds < 0) {
            return java.time.Duration.ofSeconds(5); // cached forever
        }
        return java.time.Duration.ofMillis(Math.min(5_000, seconds * 500));
    }

    /** Lookups in flight now (names whose resolution has not ended). */
    public int inFlight() {
        return inFlight.size();
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
