package io.mrm.decision.adapter;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts decision-engine instances against a real in-process broker, and publishes inputs to them. */
final class EngineHarness implements AutoCloseable {

    final InProcessKafka kafka = InProcessKafka.start();
    final TopicNames names;
    private final EventCodec codec;
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> policy;

    EngineHarness(String prefix, List<String> policy) {
        this.names = new TopicNames(prefix);
        this.codec = new EventCodec(names, URI.create("/test"));
        this.policy = policy;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /** A new engine instance with its own state directory (so it must restore from the changelog). */
    ConfigurableApplicationContext startEngine(String instance) throws Exception {
        return startEngine(instance, List.of());
    }

    /** As {@link #startEngine(String)}, with more command-line settings (e.g. {@code --mrm.bus-auth.*}). */
    ConfigurableApplicationContext startEngine(String instance, List<String> moreArgs) throws Exception {
        Path stateDir = Files.createTempDirectory("engine-" + instance);
        List<String> args = engineArgs(instance, stateDir, "20ms");
        args.addAll(moreArgs);
        return MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .run(args.toArray(String[]::new));
    }

    /**
     * An engine instance in a JVM of its own, so that a test can kill it outright (SIGKILL: no
     * shutdown hook, no transaction abort, no leave-group). Its output goes to {@code log}.
     */
    Process startEngineProcess(
            String instance,
            Path stateDir,
            String commitInterval,
            boolean commitOnOutput,
            Path log,
            List<String> moreArgs)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                DecisionEngineApplication.class.getName()));
        command.addAll(engineArgs(instance, stateDir, commitInterval));
        command.add("--mrm.decision.commit-on-output=" + commitOnOutput);
        command.addAll(moreArgs);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private List<String> engineArgs(String instance, Path stateDir, String commitInterval) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.name=" + DecisionEngineApplication.SERVICE,
                "--spring.profiles.active=local", // one in-process broker: replication 1
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--mrm.kafka.topic-prefix=" + names.prefix(),
                "--mrm.kafka.partitions=2",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--mrm.service.instance=" + instance,
                "--mrm.decision.commit-interval=" + commitInterval,
                "--mrm.decision.tick-interval=100ms",
                // these tests are about crashes and replay; signed requests have tests of their own
                "--mrm.decision.request-signatures.required=false",
                "--mrm.decision.state-dir=" + stateDir));
        policy.forEach(p -> args.add("--mrm.decision.applications[0]." + p));
        return args;
    }

    /** Both vantage points report {@code status} for orders' app in {@code region}, twice: a quorum's threshold. */
    void report(String region, HealthStatus status) {
        for (int i = 0; i < 2; i++) {
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                publish(new HealthObservation(
                        UUID.randomUUID().toString(),
                        "orders",
                        Instant.now(),
                        1,
                        region,
                        "app",
                        ProbeKind.HTTP,
                        vantage,
                        status,
                        2L,
                        null));
            }
        }
    }

    void publish(MrmEvent event) {
        try {
            producer.send(codec.toRecord(event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final List<AutoCloseable> closeables = new ArrayList<>();

    <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        producer.close();
        kafka.close();
    }
}
