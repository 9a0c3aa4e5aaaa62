package io.mrm.chaos.adapter;

import io.mrm.testsupport.BusKeyring;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Every MRM service of docker-compose.yml as a JVM of its own, started from its module's exec jar with the
 * environment Compose would give it, changed only where loopback differs: the brokers' addresses, free HTTP ports,
 * the mounted config files copied with the backends' loopback addresses and the secrets' folder, a state folder
 * per instance. Two changes are not addresses, and are on purpose: the profile {@code local} is left out (it means
 * one broker: replication 1 and unsigned bus traffic; here three brokers take the production durability and the bus
 * is signed with keys made per run), and JAVA_TOOL_OPTIONS (the image's JVM options and the trust store of the
 * stack's real Solace brokers; the SEMP fakes speak plain HTTP on loopback) gives way to small heaps.
 */
public final class ServiceProcesses implements AutoCloseable {

    /** One running service instance. */
    public record Service(String name, String module, ManagedProcess process, URI readiness) {}

    private final Path repository;
    private final Path runDir;
    private final ComposeFile compose;
    private final Backends backends;
    private final BusKeyring keys;
    private final java.util.function.UnaryOperator<String> bootstrapServers;
    private final KafkaUsers kafkaUsers;
    private final FreePorts ports;
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ServiceProcesses(
            Path repository,
            Path runDir,
            ComposeFile compose,
            Backends backends,
            BusKeyring keys,
            java.util.function.UnaryOperator<String> bootstrapServers,
            KafkaUsers kafkaUsers,
            FreePorts ports) {
        this.kafkaUsers = kafkaUsers;
        this.repository = repository;
        this.runDir = runDir;
        this.compose = compose;
        this.backends = backends;
        this.keys = keys;
        this.bootstrapServers = bootstrapServers;
        this.ports = ports;
    }

    /**
     * Adds (does not start) an instance of a compose service.
     *
     * @param composeService the service's name in docker-compose.yml
     * @param instance       its MRM_INSTANCE (and its log's name); the compose value for the first instance
     */
    public Service add(String composeService, String instance) throws IOException {
        String module = compose.buildArg(composeService, "SERVICE");
        Map<String, String> env = new LinkedHashMap<>(compose.environment(composeService));
        Map<String, String> mounts = compose.mounts(composeService);
        Path home = Files.createDirectories(runDir.resolve(instance));
        boolean monitor = module.equals("health-monitor");
        env.put("MRM_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers.apply(instance));
        // each service as its role's user, allowed only what the access matrix grants the role
        env.putAll(kafkaUsers.serviceEnvironment(roleOf(module)));
        env.put("MRM_INSTANCE", instance);
        if ("local".equals(env.get("SPRING_PROFILES_ACTIVE"))) {
            env.remove("SPRING_PROFILES_ACTIVE");
        }
        env.remove("JAVA_TOOL_OPTIONS");
        String configDir = env.get("SPRING_CONFIG_ADDITIONAL_LOCATION");
        if (configDir != null) {
            Path copied = Files.createDirectories(home.resolve("etc-mrm"));
            for (Map.Entry<String, String> mount : mounts.entrySet()) {
                if (mount.getKey().startsWith(configDir) && mount.getValue().startsWith("./")) {
                    String text = Files.readString(repository.resolve(mount.getValue()));
                    Files.writeString(
                            copied.resolve(mount.getKey().substring(configDir.length())),
                            toLoopback(text, backends.loopbackAddresses(monitor)));
                }
            }
            env.put("SPRING_CONFIG_ADDITIONAL_LOCATION", "file:" + copied + "/");
        }
        for (Map.Entry<String, String> e : List.copyOf(env.entrySet())) {
            // a named volume's container path (the engine's state): a folder of this instance's own
            if (mounts.containsKey(e.getValue()) && !mounts.get(e.getValue()).startsWith("./")) {
                env.put(
                        e.getKey(),
                        Files.createDirectories(home.resolve("state")).toString());
            }
        }
        int httpPort = ports.next();
        env.put("MRM_HTTP_PORT", Integer.toString(httpPort));
        int readinessPort = httpPort;
        if (monitor) {
            readinessPort = ports.next();
            env.put("MRM_MANAGEMENT_PORT", Integer.toString(readinessPort));
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                execJar(module).toString()));
        command.addAll(keys.args(module, env.get("MRM_VANTAGE")));
        ManagedProcess process = new ManagedProcess(instance, command, env, runDir.resolve(instance + ".log"));
        Service service = new Service(
                instance,
                module,
                process,
                URI.create("http://127.0.0.1:" + readinessPort + "/actuator/health/readiness"));
        services.put(instance, service);
        return service;
    }

    /** The compose file's own text with its hosts and mounted secrets where they are on loopback. */
    String toLoopback(String text, Map<String, String> addresses) {
        String result = text;
        for (Map.Entry<String, String> address : addresses.entrySet()) {
            result = result.replace(address.getKey(), address.getValue());
        }
        return result.replace("/run/secrets/", backends.secrets() + "/");
    }

    /** The Kafka role a module runs as (the role the access matrix says it is used by). */
    static io.mrm.kafka.acl.KafkaRole roleOf(String module) {
        return java.util.Arrays.stream(io.mrm.kafka.acl.KafkaRole.values())
                .filter(role -> role.usedBy().equals(module))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Kafka role is used by " + module));
    }

    private Path execJar(String module) throws IOException {
        Path target = repository.resolve(module).resolve("target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // reported below
        }
        throw new IllegalStateException(
                "no exec jar in " + target + ": build the services first (./mvnw -B install -DskipTests)");
    }

    /** Starts every added service at once and waits (bounded) until each reports ready. */
    public void startAll(Duration atMost) {
        services.values().forEach(s -> s.process().start());
        services.values().forEach(s -> awaitReady(s, atMost));
    }

    /** Waits (bounded) until the service answers its readiness probe with 200. */
    public void awaitReady(Service service, Duration atMost) {
        Awaitility.await(service.name() + " ready")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!service.process().isAlive()) {
                        throw new org.awaitility.core.TerminalFailureException(service.name() + " exited: see "
                                + service.process().log());
                    }
                    return ready(service);
                });
    }

    boolean ready(Service service) {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(service.readiness())
                            .timeout(Duration.ofSeconds(3))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + " (have " + services.keySet() + ")");
        }
        return service;
    }

    public List<Service> services() {
        return List.copyOf(services.values());
    }

    @Override
    public void close() {
        // all at once: a service stopping alone may wait on the others' topics
        List<Thread> stopping = new ArrayList<>();
        for (Service service : services.values()) {
            Thread t = new Thread(service.process()::stop, "stop-" + service.name());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                // the shutdown hook still kills what is left
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
