package io.mrm.mrmctl;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.events.TopicNames;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/** The real decision engine for mrmctl's integration tests, on the given broker and topic prefix. */
final class TestEngine {

    private TestEngine() {}

    /**
     * @param decision the engine's {@code mrm.decision.*} settings without that prefix, e.g.
     *                 {@code applications[0].id=orders}; quick commits and ticks are already set
     */
    static ConfigurableApplicationContext start(
            InProcessKafka kafka, TopicNames names, String instance, List<String> decision) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.name=" + DecisionEngineApplication.SERVICE,
                "--spring.profiles.active=local", // one in-process broker: replication 1
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--mrm.kafka.topic-prefix=" + names.prefix(),
                "--mrm.kafka.partitions=2",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--mrm.service.instance=" + instance,
                "--mrm.decision.commit-interval=20ms",
                "--mrm.decision.tick-interval=100ms",
                "--mrm.decision.state-dir=" + Files.createTempDirectory("mrmctl-" + instance)));
        decision.forEach(setting -> args.add("--mrm.decision." + setting));
        return MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .run(args.toArray(String[]::new));
    }
}
