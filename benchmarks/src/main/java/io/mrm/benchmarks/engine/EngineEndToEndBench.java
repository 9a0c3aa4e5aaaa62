package io.mrm.benchmarks.engine;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The decision engine end to end on the in-process broker (one machine: broker, engine, load
 * generator and measuring consumers share its cores). A producer publishes observations for N
 * applications × 2 regions × 3 vantage points as fast as the engine absorbs them; the engine's
 * journal (one record per consumed input, committed with its outputs) counts what it processed.
 * Meanwhile, every few hundred milliseconds one application's primary goes down: the latency is
 * from sending the observation that crosses the threshold to reading the first DNS command.
 */
public final class EngineEndToEndBench {

    private EngineEndToEndBench() {}

    public static void main(String[] args) throws Exception {
        run(args);
        System.exit(0);
    }

    public static void run(String[] args) throws Exception {
        BenchArgs options = new BenchArgs(
                args,
                Map.of(
                        "apps",
                        "1000",
                        "warmup",
                        "60s",
                        "measure",
                        "60s",
                        "commit-interval",
                        "100ms",
                        "partitions",
                        "6",
                        "outage-every",
                        "250ms",
                        "rate",
                        "0",
                        "stream-threads",
                        "1",
                        "bus-auth",
                        "required"));
        System.out.printf("engine-e2e: %s%n", options);
        int apps = options.integer("apps");
        TopicNames names = new TopicNames("bench.");
        try (InProcessKafka kafka = InProcessKafka.start()) {
            List<String> engineArgs = new ArrayList<>(List.of(
                    "--spring.config.name=" + DecisionEngineApplication.SERVICE,
                    "--spring.profiles.active=local", // one in-process broker: replication 1
                    "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--mrm.kafka.topic-prefix=bench.",
                    "--mrm.kafka.partitions=" + options.integer("partitions"),
                    "--server.port=0",
                    "--spring.main.banner-mode=off",
                    "--mrm.decision.commit-interval="
                            + options.duration("commit-interval").toMillis() + "ms",
                    "--mrm.decision.state-dir=" + Files.createTempDirectory("bench-engine"),
                    "--spring.kafka.streams.properties[producer.max.in.flight.requests.per.connection]=1",
                    "--spring.kafka.streams.properties[num.stream.threads]=" + options.integer("stream-threads")));
            boolean busAuth = options.text("bus-auth").equals("required");
            io.mrm.testsupport.BusKeyring keys = busAuth
                    ? new io.mrm.testsupport.BusKeyring(
                            Files.createTempDirectory("bench-bus-keys"),
                            "bench",
                            List.of("vantage-0", "vantage-1", "vantage-2"))
                    : null;
            if (busAuth) {
                // as deployed: the engine checks every observation's HMAC and signs its commands
                engineArgs.addAll(keys.args(DecisionEngineApplication.SERVICE, null));
            }
            for (int i = 0; i < apps; i++) {
                String p = "--mrm.decision.applications[" + i + "].";
                engineArgs.addAll(List.of(
                        p + "id=app-" + i,
                        p + "primary-region=region-a",
                        p + "standby-region=region-b",
                        p + "vantages=vantage-0,vantage-1,vantage-2",
                        p + "quorum=2",
                        p + "failure-threshold=2",
                        p + "plan=DNS_ROUTE"));
            }
            ConfigurableApplicationContext engine = MrmApplication.builder(
                            DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                    .run(engineArgs.toArray(String[]::new));
            try {
                awaitLeaders(kafka.bootstrapServers(), names);
                measure(kafka.bootstrapServers(), names, apps, options, keys);
            } finally {
                engine.close();
            }
        }
    }

    private static void measure(
            String bootstrap, TopicNames names, int apps, BenchArgs options, io.mrm.testsupport.BusKeyring keys)
            throws Exception {
        // with bus authentication the load generator is the three monitors: it authenticates each observation
        EventCodec codec = keys == null
                ? new EventCodec(names, URI.create("/bench/load"))
                : new EventCodec(
                        names, URI.create("/bench/load"), keys.speakingFor("vantage-0", "vantage-1", "vantage-2"));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong journaled = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        Map<String, Long> outageSentAt = new ConcurrentHashMap<>();
        Histogram latency = new Histogram(60_000_000_000L, 3);
        AtomicBoolean recording = new AtomicBoolean(false);

        Thread journalReader =
                reader(bootstrap, names.of(Topics.ENGINE_JOURNAL), running, record -> journaled.incrementAndGet());
        Thread commandReader = reader(bootstrap, names.of(Topics.DNS_COMMANDS), running, record -> {
            String app = new String(record.key(), StandardCharsets.UTF_8);
            Long at = outageSentAt.remove(app);
            if (at != null && recording.get()) {
                latency.recordValue(System.nanoTime() - at);
            }
        });

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.BUFFER_MEMORY_CONFIG,
                        64L * 1024 * 1024),
                new StringSerializer(),
                new ByteArraySerializer())) {
            long warmupEnd = System.nanoTime() + options.duration("warmup").toNanos();
            long measureEnd = warmupEnd + options.duration("measure").toNanos();
            long outageEvery = options.duration("outage-every").toNanos();
            long nextOutage = System.nanoTime() + outageEvery;
            int nextOutageApp = 0;
            long journaledAtStart = -1;
            long sentAtStart = 0;
            long measureStart = 0;
            long engineCpuAtStart = 0;
            long processCpuAtStart = 0;
            int round = 0;
            int rate = options.integer("rate");
            long roundNanos = rate <= 0 ? 0 : (long) (apps * 6L * 1e9 / rate);
            long nextRound = System.nanoTime();
            while (System.nanoTime() < measureEnd) {
                if (journaledAtStart < 0 && System.nanoTime() >= warmupEnd) {
                    journaledAtStart = journaled.get();
                    sentAtStart = sent.get();
                    measureStart = System.nanoTime();
                    engineCpuAtStart = engineThreadsCpuNanos();
                    processCpuAtStart = processCpuNanos();
                    recording.set(true);
                }
                // Either paced at a fixed rate, or as fast as the engine absorbs (at most ~2 rounds of backlog).
                if (rate > 0 ? System.nanoTime() < nextRound : sent.get() - journaled.get() > apps * 12L) {
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    continue;
                }
                long roundStart = nextRound;
                nextRound += roundNanos;
                Instant now = Instant.now();
                round++;
                for (int i = 0; i < apps; i++) {
                    // At a fixed rate the round is spread evenly, as monitors spread probes with jitter:
                    // a burst of a whole round would make the latency measure queueing behind it.
                    long due = roundStart + roundNanos * i / apps;
                    while (rate > 0 && System.nanoTime() < due) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    }
                    for (String region : List.of("region-a", "region-b")) {
                        for (int v = 0; v < 3; v++) {
                            producer.send(codec.toRecord(new HealthObservation(
                                    "o-" + round + "-" + i + region + v,
                                    "app-" + i,
                                    now,
                                    1,
                                    region,
                                    "app",
                                    ProbeKind.HTTP,
                                    "vantage-" + v,
                                    HealthStatus.UP,
                                    2L,
                                    null)));
                            sent.incrementAndGet();
                        }
                    }
                    if (System.nanoTime() >= nextOutage && nextOutageApp < apps) {
                        nextOutage += outageEvery;
                        String app = "app-" + nextOutageApp++;
                        Instant t = Instant.now();
                        for (int k = 0; k < 2; k++) {
                            for (int v = 0; v < 3; v++) {
                                producer.send(codec.toRecord(new HealthObservation(
                                        "d-" + app + k + v,
                                        app,
                                        t,
                                        1,
                                        "region-a",
                                        "app",
                                        ProbeKind.HTTP,
                                        "vantage-" + v,
                                        HealthStatus.DOWN,
                                        2L,
                                        null)));
                                sent.incrementAndGet();
                            }
                        }
                        producer.flush();
                        outageSentAt.put(app, System.nanoTime());
                    }
                }
            }
            double seconds = (System.nanoTime() - measureStart) / 1e9;
            long processed = journaled.get() - journaledAtStart;
            System.out.printf(
                    "engine-e2e: %,d observations published, %,d processed by the engine in %.1f s = "
                            + "%,.0f observations/s sustained (%d applications x 2 regions x 3 vantage points; "
                            + "offered rate %s)%n",
                    sent.get() - sentAtStart,
                    processed,
                    seconds,
                    processed / seconds,
                    apps,
                    rate > 0 ? rate + "/s" : "as fast as absorbed");
            // CPU per observation is steadier than throughput when other work shares the cores.
            System.out.printf(
                    "engine-e2e: CPU per observation: %.1f us in the engine's stream threads, %.1f us in "
                            + "the whole process (broker, load generator and readers included)%n",
                    (engineThreadsCpuNanos() - engineCpuAtStart) / 1e3 / processed,
                    (processCpuNanos() - processCpuAtStart) / 1e3 / processed);
            System.out.printf(
                    "engine-e2e: crossing observation -> first DNS command: n=%d p50=%.1f ms p99=%.1f ms "
                            + "max=%.1f ms%n",
                    latency.getTotalCount(),
                    latency.getValueAtPercentile(50) / 1e6,
                    latency.getValueAtPercentile(99) / 1e6,
                    latency.getMaxValue() / 1e6);
        } finally {
            running.set(false);
            journalReader.join(5000);
            commandReader.join(5000);
        }
    }

    private static long engineThreadsCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("StreamThread")) {
                total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return total;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Producing before the new topics have leaders makes idempotent producers retry into sequence errors. */
    private static void awaitLeaders(String bootstrap, TopicNames names) throws Exception {
        List<String> topics = Topics.ALL.stream().map(names::of).toList();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    boolean ready = admin.describeTopics(topics).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                    if (ready) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // topics not created yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics have no leaders after 60 s");
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
            }
        }
    }

    private static Thread reader(
            String bootstrap,
            String topic,
            AtomicBoolean running,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        Thread thread = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                            Map.of(
                                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    bootstrap,
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "bench-" + topic,
                                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                    "read_committed",
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest"),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())) {
                        consumer.subscribe(List.of(topic));
                        while (running.get()) {
                            consumer.poll(Duration.ofMillis(50)).forEach(onRecord);
                        }
                    }
                },
                "bench-reader-" + topic);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
