package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The harness's TCP link in front of an echo server: up, cut, black-holed and restored. */
class TcpLinkTest {

    private ServerSocket echo;
    private TcpLink link;

    @BeforeEach
    void echoServerBehindALink() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread t = new Thread(() -> {
                        try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // the client went away
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        link = new TcpLink(echo.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        link.close();
        echo.close();
    }

    @Test
    void whatIsSentComesBackWhileTheLinkIsUp() throws IOException {
        try (Socket client = connect()) {
            assertThat(roundTrip(client, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void aCutLinkResetsOpenConnectionsAndRefusesNewOnes() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");

            link.cut();

            // the open connection ends (closed or reset), it does not hang
            assertThatEndedOrReset(open);
            try (Socket late = connect()) {
                assertThatEndedOrReset(late);
            }
        }
    }

    @Test
    void aBlackHoleHoldsEverythingWithoutATrace_AndDeliversItOnceRestored() throws IOException {
        try (Socket open = connect()) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");

            link.blackHole();
            assertThat(link.isUp()).isFalse();
            send(open, "held");
            Socket taken = connect();
            send(taken, "waiting");

            // neither connection is closed or reset, and nothing comes back (only silence can be checked here)
            open.setSoTimeout(300);
            assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            taken.setSoTimeout(300);
            assertThatThrownBy(() -> taken.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);

            link.restore();

            open.setSoTimeout(30_000);
            taken.setSoTimeout(30_000);
            assertThat(read(open, 4)).isEqualTo("held");
            assertThat(read(taken, 7)).isEqualTo("waiting");
            assertThat(roundTrip(open, "after")).isEqualTo("after");
            taken.close();
        }
    }

    @Test
    void cuttingABlackHoleResetsWhatItHeld() throws IOException {
        try (Socket open = connect()) {
            link.blackHole();
            send(open, "held");

            link.cut();

            assertThatEndedOrReset(open);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), link.port());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        send(socket, text);
        return read(socket, text.length());
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String read(Socket socket, int length) throws IOException {
        return new String(socket.getInputStream().readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void assertThatEndedOrReset(Socket socket) {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (IOException reset) {
            assertThat(reset).isNotInstanceOf(SocketTimeoutException.class);
        }
    }
}
