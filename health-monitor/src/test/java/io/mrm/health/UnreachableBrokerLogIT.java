package io.mrm.health;

import static org.awaitility.Awaitility.await;

import io.mrm.testsupport.LogEventCounter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A monitor whose broker cannot be reached logs a bounded number of lines: Kafka's clients used to
 * re-bootstrap in a loop and write tens of thousands of lines in the first 20 seconds. The service
 * starts as shipped (its defaults, the profile local, one target) against a port nothing listens on,
 * and every log event it writes in 20 seconds is counted.
 */
class UnreachableBrokerLogIT {

    static final Duration WINDOW = Duration.ofSeconds(20);
    /** Start-up, the clients' configuration dumps and one warning per client and backoff: well under this. */
    static final int MAX_EVENTS = 300;

    @Test
    void anUnreachableBrokerDoesNotFloodTheLog() throws Exception {
        int closedPort = closedPort();
        LogEventCounter counter = new LogEventCounter();
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        SpringApplication app = new SpringApplication(HealthMonitorApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        // Spring Boot sets logging up before this event: the counter joins what it set up
        app.addListeners((ApplicationListener<ApplicationPreparedEvent>) event -> {
            counter.attach();
            context.set(event.getApplicationContext());
        });
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<ConfigurableApplicationContext> started = starter.submit(() -> app.run(
                    "--spring.config.name=health-monitor",
                    "--spring.profiles.active=local",
                    "--spring.kafka.bootstrap-servers=127.0.0.1:" + closedPort,
                    "--mrm.kafka.topic-prefix=floodit.",
                    "--mrm.health.interval=200ms",
                    "--mrm.health.targets[0].application-id=orders",
                    "--mrm.health.targets[0].region=eu10",
                    "--mrm.health.targets[0].type=tcp",
                    "--mrm.health.targets[0].tcp.host=127.0.0.1",
                    "--mrm.health.targets[0].tcp.port=" + closedPort));
            await("the service's logging set up").atMost(Duration.ofSeconds(60)).until(() -> context.get() != null);

            counter.assertAtMostDuring(MAX_EVENTS, WINDOW);

            // start-up waits for the topics until the admin client gives up; then the service runs on
            ConfigurableApplicationContext running = started.get(120, TimeUnit.SECONDS);
            running.close();
        } finally {
            counter.close();
            starter.shutdownNow();
            ConfigurableApplicationContext made = context.get();
            if (made != null && made.isActive()) {
                made.close();
            }
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
