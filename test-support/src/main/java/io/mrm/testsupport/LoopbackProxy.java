package io.mrm.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards connections on a fixed loopback port to a target: a broker that can be made unreachable (closed: every
 * connection dropped, new ones refused) and reachable again, or reachable only from some moment on, while its
 * clients keep the address they were given. A broker behind it advertises the proxy's port
 * ({@code advertised.listeners=EXTERNAL://127.0.0.1:<port>}), so that its clients' every connection goes through.
 */
public final class LoopbackProxy implements AutoCloseable {

    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile InetSocketAddress target;
    private volatile ServerSocket server;

    /** A proxy on a free loopback port, closed until {@link #open(InetSocketAddress)}. */
    public LoopbackProxy() {
        this.port = freePort();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, for a client's bootstrap servers. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** Accepts connections from now on and forwards them to {@code to}. */
    public void open(InetSocketAddress to) throws IOException {
        target = to;
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = socket;
        daemon(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Socket upstream = new Socket(target.getAddress(), target.getPort());
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon(() -> pump(client, upstream));
                    daemon(() -> pump(upstream, client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    /** Drops every connection and refuses new ones until opened again. */
    @Override
    public void close() throws IOException {
        ServerSocket socket = server;
        if (socket != null) {
            socket.close();
        }
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /** The {@code host:port} of a bootstrap list's first entry, e.g. an in-process broker's. */
    public static InetSocketAddress addressOf(String bootstrapServers) {
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        return new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)));
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed: the other follows
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "loopback-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
