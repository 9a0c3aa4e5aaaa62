package io.mrm.health.adapter.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TCP server that accepts connections and never answers a byte: a broker that hangs after
 * the connect. With an {@link SSLContext} it completes the TLS handshake first (if the client goes
 * through with it) and then stays silent. It counts connections, and how many were open at once.
 */
final class SilentLoopbackServer implements AutoCloseable {

    private final ServerSocket server;
    private final SSLContext tls;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger handshakes = new AtomicInteger();

    SilentLoopbackServer(SSLContext tls) throws IOException {
        this.tls = tls;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("silent-accept", this::acceptLoop).start();
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    int maxOpenAtOnce() {
        return maxOpen.get();
    }

    int handshakes() {
        return handshakes.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                sockets.add(socket);
                daemon("silent-conn", () -> hold(socket)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads and discards until the client hangs up; answers nothing. */
    private void hold(Socket plain) {
        try {
            Socket socket = plain;
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
                secure.setUseClientMode(false);
                sockets.add(secure);
                secure.startHandshake();
                handshakes.incrementAndGet();
                socket = secure;
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // never answer
            }
        } catch (IOException e) {
            // the client gave up (or refused our certificate)
        } finally {
            open.decrementAndGet();
            try {
                plain.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
