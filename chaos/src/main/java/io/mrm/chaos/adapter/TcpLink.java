package io.mrm.chaos.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a backend: what goes through it sees the backend while the link is up, and
 * a refused or reset connection once it is cut. The health monitors reach each region's database through one, so
 * the harness can take a region away from the monitors' view while the actuators still reach it; the engines and
 * the actuators reach each broker through links of their own.
 *
 * <p>A link can also be black-holed, the way a partitioned network usually fails: nothing is refused or reset,
 * connections stay open and new ones are taken, but no byte gets through in either direction, so each side learns of
 * it only from its own timeouts. Once restored, what was held goes through (as TCP's retransmissions would deliver
 * it), unless a side gave up on the connection meanwhile.
 */
public final class TcpLink implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile boolean blackHoled;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();

    public TcpLink(int targetPort) throws IOException {
        this(0, targetPort);
    }

    /**
     * @param listenPort the port it listens on (0: any free one); a port handed out by {@link FreePorts}, when other
     *                   processes are about to bind ports handed out from there too
     */
    public TcpLink(int listenPort, int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 50);
        Thread acceptor = new Thread(this::accept, "tcp-link-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** New connections are reset at once and open ones are reset (RST, as a rejecting firewall would). */
    public void cut() {
        synchronized (this) {
            up = false;
            blackHoled = false;
            notifyAll();
        }
        for (Socket socket : open) {
            reset(socket);
        }
        open.clear();
    }

    /** The bytes it has passed on, both directions, since it was made: shows a client really goes through it. */
    public long bytesForwarded() {
        return forwarded.get();
    }

    /** Nothing gets through any more, and nobody is told: open connections hang, new ones are taken and hang. */
    public synchronized void blackHole() {
        blackHoled = true;
    }

    /** Up again: new connections reach the backend, and what a black hole held goes through. */
    public synchronized void restore() {
        up = true;
        blackHoled = false;
        notifyAll();
    }

    public boolean isUp() {
        return up && !blackHoled;
    }

    /** Blocks while the link is black-holed; false once it is cut or closed (the caller drops the connection). */
    private synchronized boolean awaitPassable() throws InterruptedException {
        while (blackHoled && up && !closed) {
            wait();
        }
        return up && !closed;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (!up) {
                    reset(client);
                    continue;
                }
                if (blackHoled) {
                    // taken, but the backend is reached only once the link is restored (if the client still waits)
                    open.add(client);
                    Thread held = new Thread(() -> connectWhenPassable(client), "tcp-link-held");
                    held.setDaemon(true);
                    held.start();
                    continue;
                }
                try {
                    connect(client);
                } catch (IOException unreachable) {
                    // the backend is down (a killed broker): the client is refused at once, not left waiting
                    reset(client);
                }
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void connect(Socket client) throws IOException {
        Socket backend = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        open.add(client);
        open.add(backend);
        pump(client, backend);
        pump(backend, client);
    }

    private void connectWhenPassable(Socket client) {
        try {
            if (awaitPassable() && !client.isClosed()) {
                connect(client);
                return;
            }
        } catch (IOException e) {
            // the backend refused: the client sees its connection reset
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reset(client);
        open.remove(client);
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[8192];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            if (!awaitPassable()) {
                                break;
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                            forwarded.addAndGet(n);
                        }
                        // a side's goodbye is held too: the other learns of it once the link is restored
                        awaitPassable();
                    } catch (IOException e) {
                        // the other side closed, or the link was cut
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        closeQuietly(from);
                        closeQuietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "tcp-link-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes with an RST rather than a FIN: the peer sees "connection reset", not an orderly goodbye. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            closed = true;
        }
        cut();
        server.close();
    }
}
