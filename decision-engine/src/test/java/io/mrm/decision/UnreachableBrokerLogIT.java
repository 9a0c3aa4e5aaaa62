package io.mrm.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.LogEventCounter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An engine whose broker goes away logs a bounded number of lines, as the monitor does (its UnreachableBrokerLogIT):
 * the engine's clients are Kafka Streams' own (consumers, producers, an admin client), which the monitor's
 * measurement does not cover. The service starts as shipped (its defaults, the profile local, one application)
 * against a real broker, which is then stopped, and every log event it writes in the next 20 seconds is counted.
 */
class UnreachableBrokerLogIT {

    static final Duration WINDOW = Duration.ofSeconds(20);
    /** Start-up, the clients' configuration dumps and one warning per client and backoff: well under this. */
    static final int MAX_EVENTS = 300;

    @Test
    void aBrokerThatGoesAwayDoesNotFloodTheEnginesLog() throws Exception {
        LogEventCounter counter = new LogEventCounter();
        AtomicReference<ConfigurableApplicationContext> context = new AtomicReference<>();
        SpringApplicationBuilder app = MrmApplication.builder(
                        DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .web(WebApplicationType.NONE)
                // Spring Boot sets logging up before this event: the counter joins what it set up
                .listeners((ApplicationListener<ApplicationPreparedEvent>) event -> {
                    counter.attach();
                    context.set(event.getApplicationContext());
                });
        String stateDir = Files.createTempDirectory("engine-flood").toString();
        InProcessKafka kafka = InProcessKafka.start();
        boolean kafkaClosed = false;
        try {
            // the engine refuses to start without Kafka (it reads the cluster id): it starts, then Kafka goes
            ConfigurableApplicationContext running = app.run(
                    "--spring.profiles.active=local",
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--mrm.kafka.topic-prefix=floodit.",
                    "--mrm.kafka.partitions=1",
                    "--mrm.decision.state-dir=" + stateDir,
                    "--mrm.decision.request-signatures.required=false",
                    "--mrm.decision.applications[0].id=orders",
                    "--mrm.decision.applications[0].primary-region=eu10",
                    "--mrm.decision.applications[0].standby-region=us10",
                    "--mrm.decision.applications[0].vantages=vantage-1,vantage-2",
                    "--mrm.decision.applications[0].quorum=2",
                    "--mrm.decision.applications[0].plan=DNS_ROUTE,DNS_VERIFY");
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
