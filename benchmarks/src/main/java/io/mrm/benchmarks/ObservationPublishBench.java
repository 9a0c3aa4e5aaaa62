package io.mrm.benchmarks;

import io.mrm.benchmarks.engine.BenchArgs;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.StreamRecordSender;
import io.mrm.testsupport.InProcessKafka;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the health monitor's writes cost through its Spring Cloud Stream output binding against the Kafka template it
 * used before: observations published from several threads (as the probe scheduler's do) through the service's own
 * {@link EventPublisher} to an in-process broker (idempotent, acks=all), each publish waited for at the end.
 * Prints, per mode and round: observations/s, the publish call's latency (the monitor holds the application's lock
 * across it: its numbering relies on the append happening in the call) and CPU per observation (this process, which
 * also runs the broker). Modes alternate, so the machine's load falls on both alike.
 *
 * <p>{@code ./mvnw -B -q -pl benchmarks exec:exec -Dbench.main=io.mrm.benchmarks.ObservationPublishBench
 * -Dbench.args="--records=200000 --threads=4 --rounds=3"}
 */
public final class ObservationPublishBench {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Publisher {}

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args, Map.of("records", "200000", "threads", "4", "rounds", "3"));
        int records = a.integer("records");
        int threads = a.integer("threads");
        int rounds = a.integer("rounds");
        try (InProcessKafka kafka = InProcessKafka.start()) {
            try (ConfigurableApplicationContext binding = start(kafka, true);
                    ConfigurableApplicationContext template = start(kafka, false)) {
                EventPublisher viaBinding = binding.getBean(EventPublisher.class);
                EventPublisher viaTemplate = template.getBean(EventPublisher.class);
                if (binding.getBeansOfType(StreamRecordSender.class).isEmpty()
                        || !template.getBeansOfType(StreamRecordSender.class).isEmpty()) {
                    throw new IllegalStateException("the two publishers are not the two paths compared");
                }
                run("warm-up binding", viaBinding, records / 4, threads);
                run("warm-up template", viaTemplate, records / 4, threads);
                System.out.println(
                        "| round | path | observations/s | publish call p50 / p99 / max (µs) | CPU per observation |");
                System.out.println("|---|---|---|---|---|");
                for (int r = 1; r <= rounds; r++) {
                    System.out.println(run(r + " | output binding", viaBinding, records, threads));
                    System.out.println(run(r + " | Kafka template", viaTemplate, records, threads));
                }
            }
        }
    }

    private static ConfigurableApplicationContext start(InProcessKafka kafka, boolean binding) {
        // as arguments: they win over the imported files, as a service's environment does
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--mrm.service.name=health-monitor",
                "--mrm.service.instance=bench-" + (binding ? "binding" : "template"),
                "--mrm.kafka.topic-prefix=bench.",
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                // the services' setting outside the profile local (which allows one, for topics it has just made)
                "--spring.kafka.producer.properties.max.in.flight.requests.per.connection=5"));
        if (binding) {
            args.add("--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml");
            args.add("--spring.cloud.stream.bindings.events-out-0.destination=bench.health.observations");
        } else {
            args.add("--spring.config.import=classpath:mrm-defaults.yml");
        }
        return new SpringApplicationBuilder(Publisher.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }

    private static String run(String label, EventPublisher publisher, int records, int threads) throws Exception {
        Histogram calls = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        List<CompletableFuture<?>> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                Histogram mine = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                List<CompletableFuture<?>> futures = new ArrayList<>();
                Instant now = Instant.now();
                for (int i = thread; i < records; i += threads) {
                    HealthObservation o = new HealthObservation(
                            "o-" + label.hashCode() + "-" + i,
                            "app-" + (i % 500),
                            now,
                            HealthObservation.SCHEMA_VERSION,
                            i % 2 == 0 ? "region-a" : "region-b",
                            "app",
                            ProbeKind.HTTP,
                            "vantage-1",
                            HealthStatus.UP,
                            2L,
                            null,
                            null,
                            "run-bench",
                            (long) i + 1);
                    long before = System.nanoTime();
                    futures.add(publisher.publish(o, null));
                    mine.recordValue(Math.min(System.nanoTime() - before, TimeUnit.SECONDS.toNanos(10)));
                }
                synchronized (calls) {
                    calls.add(mine);
                }
                sent.addAll(futures);
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (os.getProcessCpuTime() - cpuBefore) / 1e3 / records;
        return String.format(
                "| %s | %,.0f | %.0f / %.0f / %,.0f | %.1f µs |",
                label,
                records / seconds,
                calls.getValueAtPercentile(50) / 1e3,
                calls.getValueAtPercentile(99) / 1e3,
                calls.getMaxValue() / 1e3,
                cpuMicros);
    }
}
