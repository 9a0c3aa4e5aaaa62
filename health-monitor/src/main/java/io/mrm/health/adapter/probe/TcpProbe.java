package io.mrm.health.adapter.probe;

import io.mrm.events.Require;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Opens a TCP connection to {@code host:port} and closes it again: UP when the connection is
 * accepted within the connect timeout. The connect is asynchronous; a host name (not an IP literal)
 * is looked up on its own lookup ({@link HostLookups}), so neither occupies a ticker thread and a name
 * that hangs delays no other target.
 */
public final class TcpProbe implements Probe {

    /**
     * @param host           a host name or IP address
     * @param port           1-65535
     * @param connectTimeout bound on look-up plus connect
     */
    public record Settings(String host, int port, Duration connectTimeout) {

        public Settings {
            Require.text("host", host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1-65535, was " + port);
            }
            Require.present("connectTimeout", connectTimeout);
            if (connectTimeout.isZero() || connectTimeout.isNegative()) {
                throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
            }
        }

        String endpoint() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final Settings settings;
    private final HostLookups lookups;
    private final LongSupplier nanoTime;

    public TcpProbe(Settings settings, HostLookups lookups) {
        this(settings, lookups, System::nanoTime);
    }

    TcpProbe(Settings settings, HostLookups lookups, LongSupplier nanoTime) {
        this.settings = settings;
        this.lookups = lookups;
        this.nanoTime = nanoTime;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        CompletableFuture<AsynchronousSocketChannel> channel = new CompletableFuture<>();
        // a name is resolved on its own lookup (see HostLookups): one that hangs delays no other target
        CompletableFuture<InetSocketAddress> address = lookups.resolveWithin(settings.host(), settings.connectTimeout())
                .thenApply(found -> new InetSocketAddress(found[0], settings.port()));
        return address.thenCompose(target -> connect(target, channel))
                .handle((connected, error) -> {
                    closeQuietly(connected);
                    return error == null
                            ? ProbeResult.up(elapsed(start), "connected to " + settings.endpoint())
                            : ProbeResult.down(elapsed(start), failure(error));
                })
                .orTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    channel.thenAccept(TcpProbe::closeQuietly);
                    return ProbeResult.down(elapsed(start), failure(error));
                });
    }

    private static CompletableFuture<AsynchronousSocketChannel> connect(
            InetSocketAddress target, CompletableFuture<AsynchronousSocketChannel> opened) {
        CompletableFuture<AsynchronousSocketChannel> connected = new CompletableFuture<>();
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            connected.completeExceptionally(e);
            return connected;
        }
        opened.complete(channel);
        channel.connect(target, channel, new CompletionHandler<Void, AsynchronousSocketChannel>() {
            @Override
            public void completed(Void result, AsynchronousSocketChannel ch) {
                if (!connected.complete(ch)) {
                    closeQuietly(ch); // the probe already timed out
                }
            }

            @Override
            public void failed(Throwable error, AsynchronousSocketChannel ch) {
                closeQuietly(ch);
                connected.completeExceptionally(error);
            }
        });
        return connected;
    }

    private String failure(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        String endpoint = settings.endpoint();
        if (cause instanceof TimeoutException) {
            return "connect timeout: no connection to " + endpoint + " within "
                    + settings.connectTimeout().toMillis() + " ms";
        }
        if (cause instanceof HostLookups.LookupTimeoutException) {
            return "DNS: " + cause.getMessage();
        }
        if (cause instanceof UnknownHostException) {
            return "cannot resolve host " + settings.host();
        }
        if (cause instanceof ConnectException) {
            return "cannot connect to " + endpoint + ": "
                    + Failures.message(cause).toLowerCase(java.util.Locale.ROOT);
        }
        return "cannot connect to " + endpoint + ": " + Failures.message(cause);
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do: the probe's result does not depend on a clean close
            }
        }
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }
}
