package io.mrm.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.LogEventCounter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An actuator whose broker goes away logs a bounded number of lines, as the monitor does (its UnreachableBrokerLogIT):
 * an actuator's clients are its command listener's consumer and the producer of its acknowledgements, which the
 * monitor's measurement does not cover. The service starts as shipped (its defaults, the profile local) against a
 * real broker, which is then stopped, and every log event it writes in the next 20 seconds is counted.
 */
class UnreachableBrokerLogIT {

    static final Duration WINDOW = Duration.ofSeconds(20);
    /** Start-up, the clients' configuration dumps and one warning per client and backoff: well under this. */
    static final int MAX_EVENTS = 300;

    @Test
    void aBrokerThatGoesAwayDoesNotFloodTheActuatorsLog() throws Exception {
        LogEventCounter counter = new LogEventCounter();
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        SpringApplicationBuilder app = MrmApplication.builder(
                        HookActuatorApplication.class, HookActuatorApplication.SERVICE)
                .web(WebApplicationType.NONE)
                // Spring Boot sets logging up before this event: the counter joins what it set up
                .listeners((ApplicationListener<ApplicationPreparedEvent>) event -> {
                    counter.attach();
                    context.set(event.getApplicationContext());
                });
        InProcessKafka kafka = InProcessKafka.start();
        boolean kafkaClosed = false;
        try {
            // it starts as it would in production, then Kafka goes
            ConfigurableApplicationContext running = app.run(
                    "--spring.profiles.active=local",
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--mrm.kafka.topic-prefix=floodit.",
                    "--mrm.kafka.partitions=1",
                    "--mrm.bus-auth.mode=off",
                    "--mrm.readiness.interval=120s",
                    "--mrm.readiness.timeout=100s");
            assertThat(running.isActive()).isTrue();
            kafka.close();
            kafkaClosed = true;
            counter.reset();

            counter.assertAtMostDuring(MAX_EVENTS, WINDOW);
        } finally {
            counter.close();
            ConfigurableApplicationContext made = context.get();
            if (made != null && made.isActive()) {
                made.close();
            }
            if (!kafkaClosed) {
                kafka.close();
            }
        }
    }
}
