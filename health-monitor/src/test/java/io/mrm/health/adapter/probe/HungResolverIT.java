package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a dead region takes its DNS zone with it, lookups of its names hang until the resolver gives up.
 * Here the resolver never answers: a JVM runs in a private mount namespace whose {@code /etc/resolv.conf}
 * names a loopback "name server" that swallows every query (the real system resolver, glibc's, retrying
 * as configured). Eight targets whose names need DNS hang; one target whose name the hosts file answers
 * (the healthy region) must stay UP in every round, and the hung ones must say it was DNS.
 *
 * <p>Needs root (to bind port 53 and to mount in the namespace), as the CI machine runs; without it the
 * test fails and says why rather than skipping.
 */
class HungResolverIT {

    static final String BLACK_HOLE = "127.0.0.153";

    @Test
    void aNameThatNeverResolvesOnlyTurnsItsOwnTargetsDown(@TempDir Path dir) throws Exception {
        assertThat(new ProcessBuilder("id", "-u").start().inputReader().readLine())
                .as("this test needs root (port 53, mount namespace)")
                .isEqualTo("0");
        HttpServer healthy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        healthy.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        healthy.start();
        try (DatagramSocket blackHole = new DatagramSocket(new InetSocketAddress(BLACK_HOLE, 53))) {
            Thread swallow = new Thread(
                    () -> {
                        byte[] buffer = new byte[512];
                        while (!blackHole.isClosed()) {
                            try {
                                blackHole.receive(new DatagramPacket(buffer, buffer.length)); // and never answer
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "dns-black-hole");
            swallow.setDaemon(true);
            swallow.start();
            Path resolvConf = Files.writeString(
                    dir.resolve("resolv.conf"), "nameserver " + BLACK_HOLE + "\noptions timeout:5 attempts:2\n");
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String inner = "mount --bind '" + resolvConf + "' /etc/resolv.conf && exec '" + java + "' -cp '"
                    + System.getProperty("java.class.path")
                    + "' -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 "
                    + HungResolverProbes.class.getName() + " "
                    + healthy.getAddress().getPort() + " 3";
            Process child = new ProcessBuilder("unshare", "--mount", "sh", "-c", inner)
                    .redirectErrorStream(true)
                    .start();
            List<String> lines = child.inputReader().lines().toList();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();

            List<String> results =
                    lines.stream().filter(l -> l.startsWith("RESULT ")).toList();
            assertThat(results).as(String.join("\n", lines)).hasSize(27);
            assertThat(results.stream().filter(l -> l.contains(" healthy ")))
                    .as(String.join("\n", results))
                    .hasSize(3)
                    .allSatisfy(l -> assertThat(l).contains(" healthy UP "));
            assertThat(results.stream().filter(l -> l.contains(" dead-")))
                    .hasSize(24)
                    .allSatisfy(l -> assertThat(l).contains(" DOWN DNS: "));
        } finally {
            healthy.stop(0);
        }
    }
}
