package io.mrm.chaos.adapter;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MRM deployed as a user deploys it, on one machine: three Kafka brokers, every service of docker-compose.yml in a
 * JVM of its own (two decision-engine instances, three health monitors, the four actuators), the backends on
 * loopback, and a reader of every topic from its beginning. Logs and data under {@code target/chaos/<run>/}.
 */
public final class ChaosDeployment implements AutoCloseable {

    /** The compose services started, in this order, with the engine twice (decision-engine-0 and -1). */
    public static final List<String> MONITORS =
            List.of("health-monitor-region-a", "health-monitor-region-b", "health-monitor-control");

    public static final List<String> ACTUATORS = List.of("dns-actuator", "hana-sync", "aem-sync", "hook-actuator");
    public static final List<String> ENGINES = List.of("decision-engine-0", "decision-engine-1");

    private final Path repository;
    private final Path runDir;
    private final PrintStream out;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private KafkaBrokers brokers;
    private Backends backends;
    private ServiceProcesses services;
    private TopicRecorder recorder;
    private final Map<String, String> vantages = new LinkedHashMap<>();

    private ChaosDeployment(Path repository, Path runDir, PrintStream out) {
        this.repository = repository;
        this.runDir = runDir;
        this.out = out;
    }

    /** Starts everything (bounded by {@code atMost} per stage); stops what started if a stage fails. */
    public static ChaosDeployment start(Path repository, String runName, PrintStream out, Duration atMost)
            throws IOException {
        Path runDir =
                Files.createDirectories(repository.resolve("chaos/target/chaos").resolve(runName));
        ChaosDeployment deployment = new ChaosDeployment(repository, runDir, out);
        try {
            deployment.startAll(repository, atMost);
            return deployment;
        } catch (IOException | RuntimeException e) {
            deployment.close();
            throw e;
        }
    }

    private void startAll(Path repository, Duration atMost) throws IOException {
        Instant t0 = Instant.now();
        String classpath = Files.readString(repository.resolve("chaos/target/kafka-broker.classpath"))
                .trim();
        FreePorts ports = new FreePorts();
        // the engines and the actuators reach the brokers through links of their own, which a scenario can break
        List<String> linked = new ArrayList<>(ENGINES);
        linked.addAll(ACTUATORS);
        brokers = track(KafkaBrokers.start(runDir, classpath, ports, atMost, linked));
        brokers.createMrmTopics(atMost);
        brokers.grantRoles(atMost);
        note("3 Kafka brokers up at " + brokers.bootstrapServers() + ", MRM's topics and roles' ACLs created", t0);
        backends = track(new Backends(runDir, repository));
        note("backends up: PostgreSQL and SEMP fake per region, DNS for mrm.test", t0);
        ComposeFile compose = ComposeFile.read(repository.resolve("docker-compose.yml"));
        MONITORS.forEach(m -> vantages.put(m, compose.environment(m).get("MRM_VANTAGE")));
        BusKeyring keys = new BusKeyring(runDir.resolve("bus-keys"), "chaos", List.copyOf(vantages.values()));
        services = track(new ServiceProcesses(
                repository, runDir, compose, backends, keys, brokers::bootstrapServersOf, brokers.users(), ports));
        for (String engine : ENGINES) {
            services.add("decision-engine", engine);
        }
        for (String actuator : ACTUATORS) {
            services.add(actuator, actuator);
        }
        for (String monitor : MONITORS) {
            services.add(monitor, monitor);
        }
        services.startAll(atMost);
        note(services.services().size() + " services ready (logs in " + runDir + ")", t0);
        // the harness reads the topics as the viewer role: what mrmctl status, audit and replay are allowed; a
        // fetch from a paused broker gives up after 5 s, not the default 30 s, so what it reads is seen late by 5 s
        // at most, whichever broker a scenario pauses
        Map<String, Object> reader = new java.util.HashMap<>(
                brokers.users().clientProperties(io.mrm.kafka.acl.KafkaRole.VIEWER.defaultUser()));
        reader.put("request.timeout.ms", 5_000);
        recorder = track(new TopicRecorder(brokers.bootstrapServers(), reader, TopicNames.defaults(), Topics.ALL));
    }

    private void note(String what, Instant since) {
        out.printf(
                "[chaos +%5.1fs] %s%n", Duration.between(since, Instant.now()).toMillis() / 1000.0, what);
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** The vantage point a monitor speaks for (its MRM_VANTAGE in docker-compose.yml). */
    public String vantageOf(String monitor) {
        String vantage = vantages.get(monitor);
        if (vantage == null) {
            throw new IllegalArgumentException("no monitor " + monitor + "; monitors: " + vantages.keySet());
        }
        return vantage;
    }

    /** The repository the services' jars are built in. */
    public Path repository() {
        return repository;
    }

    public Path runDir() {
        return runDir;
    }

    public KafkaBrokers brokers() {
        return brokers;
    }

    public Backends backends() {
        return backends;
    }

    public ServiceProcesses services() {
        return services;
    }

    public TopicRecorder recorder() {
        return recorder;
    }

    public PrintStream out() {
        return out;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                out.println("warning: closing " + resources.get(i) + " failed: " + e);
            }
        }
        ProcessRegistry.killAll();
    }
}
