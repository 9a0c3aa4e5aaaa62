package io.mrm.chaos.adapter;

import io.mrm.events.TopicNames;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.MrmTopics;
import io.mrm.kafka.acl.AccessMatrix;
import io.mrm.kafka.acl.KafkaRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.awaitility.Awaitility;

/**
 * Three Kafka brokers, each a process of its own running Apache Kafka's server ({@code kafka.Kafka}) in KRaft
 * combined mode (broker and controller, three voters), on free loopback ports, with data under the run's folder.
 * Replication 3 and {@code min.insync.replicas} 2 everywhere, the offsets and transaction-state topics included;
 * MRM's topics are created from the registry (kafka-support's {@link MrmTopics}) the way the shipped admin step
 * creates them. Secured as a production cluster is: every listener authenticates, an ACL the access matrix does not
 * grant is a refusal, and each service runs as its role's user ({@link KafkaUsers}).
 */
public final class KafkaBrokers implements AutoCloseable {

    /** Partitions per MRM topic: the shipped default (MRM_PARTITIONS). */
    public static final int PARTITIONS = 6;

    private final List<Broker> brokers = new ArrayList<>();
    private final Map<String, List<TcpLink>> clientLinks = new java.util.LinkedHashMap<>();
    private final KafkaUsers users = KafkaUsers.make();

    /** One broker: its node id, its client port and its process. */
    public record Broker(int nodeId, int port, ManagedProcess process) {}

    private KafkaBrokers() {}

    /**
     * Formats the storage of three brokers with Kafka's own storage tool, starts them and waits (bounded) until
     * all three are in the cluster.
     *
     * @param classpath Kafka's server classpath (target/kafka-broker.classpath)
     */
    public static KafkaBrokers start(Path runDir, String classpath, FreePorts ports, Duration atMost) {
        return start(runDir, classpath, ports, atMost, List.of());
    }

    /**
     * As {@link #start(Path, String, FreePorts, Duration)}, and each of {@code linkedClients} (a service instance)
     * reaches the brokers through links of its own: every broker gets a listener for the client, advertised at the
     * port of a {@link TcpLink} of the harness in front of it, so that everything the client's Kafka clients learn
     * from the cluster's metadata leads through its links, and the harness can cut or black-hole that client alone.
     */
    public static KafkaBrokers start(
            Path runDir, String classpath, FreePorts ports, Duration atMost, List<String> linkedClients) {
        KafkaBrokers cluster = new KafkaBrokers();
        try {
            Path logback = runDir.resolve("kafka-logback.xml");
            Files.writeString(logback, LOGBACK, StandardCharsets.UTF_8);
            int[] clientPorts = {ports.next(), ports.next(), ports.next()};
            int[] controllerPorts = {ports.next(), ports.next(), ports.next()};
            String voters = java.util.stream.IntStream.range(0, 3)
                    .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
                    .collect(Collectors.joining(","));
            String clusterId = Uuid.randomUuid().toString();
            List<Process> formats = new ArrayList<>();
            List<Path> configs = new ArrayList<>();
            List<Map<String, int[]>> linkedListeners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Map<String, int[]> listeners = new java.util.LinkedHashMap<>();
                for (String client : linkedClients) {
                    int listenerPort = ports.next();
                    // its own port from FreePorts too: the brokers have not bound theirs yet
                    TcpLink link = new TcpLink(ports.next(), listenerPort);
                    cluster.clientLinks
                            .computeIfAbsent(client, c -> new ArrayList<>())
                            .add(link);
                    listeners.put(listenerName(client), new int[] {listenerPort, link.port()});
                }
                linkedListeners.add(listeners);
            }
            for (int i = 0; i < 3; i++) {
                int nodeId = i + 1;
                Path dir = Files.createDirectories(runDir.resolve("kafka-" + nodeId));
                Path config = dir.resolve("server.properties");
                Files.writeString(
                        config,
                        serverProperties(
                                nodeId,
                                clientPorts[i],
                                controllerPorts[i],
                                voters,
                                dir,
                                linkedListeners.get(i),
                                cluster.users));
                // it holds the admin's password
                Files.setPosixFilePermissions(
                        config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                configs.add(config);
                List<String> format = new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
                format.addAll(cluster.users.formatArguments());
                formats.add(new ProcessBuilder(javaCommand(
                                classpath, logback, "kafka.tools.StorageTool", format.toArray(String[]::new)))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(
                                runDir.resolve("kafka-" + nodeId + ".log").toFile()))
                        .start());
            }
            for (Process format : formats) {
                if (!format.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
                    throw new IllegalStateException(
                            "formatting a broker's storage failed: see kafka-*.log in " + runDir);
                }
            }
            for (int i = 0; i < 3; i++) {
                int nodeId = i + 1;
                ManagedProcess process = new ManagedProcess(
                        "kafka-" + nodeId,
                        javaCommand(
                                classpath,
                                logback,
                                "kafka.Kafka",
                                configs.get(i).toString()),
                        Map.of(),
                        runDir.resolve("kafka-" + nodeId + ".log"));
                cluster.brokers.add(new Broker(nodeId, clientPorts[i], process));
                process.start();
            }
            cluster.awaitBrokers(3, atMost);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            cluster.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private static List<String> javaCommand(String classpath, Path logback, String main, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + logback,
                "-cp",
                classpath,
                main));
        command.addAll(List.of(args));
        return command;
    }

    /** The broker listener a linked client is served on, e.g. {@code DECISION_ENGINE_0}. */
    static String listenerName(String client) {
        return client.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * Every listener authenticates (SASL: SCRAM for clients and brokers, PLAIN for the controllers), and the
     * authorizer allows nobody anything an ACL does not grant; {@code admin}, the brokers' own principal, is the
     * only super user.
     *
     * @param linked the linked clients' listeners: name to {listener port, advertised port (its link's)}
     */
    static String serverProperties(
            int nodeId,
            int port,
            int controllerPort,
            String voters,
            Path dir,
            Map<String, int[]> linked,
            KafkaUsers users) {
        StringBuilder listeners =
                new StringBuilder("INTERNAL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        StringBuilder advertised = new StringBuilder("INTERNAL://127.0.0.1:" + port);
        StringBuilder protocols =
                new StringBuilder("INTERNAL:" + KafkaUsers.PROTOCOL + ",CONTROLLER:" + KafkaUsers.PROTOCOL);
        List<String> jaas = new ArrayList<>();
        jaas.add("listener.name.internal.scram-sha-512.sasl.jaas.config=" + users.scramJaas(KafkaUsers.ADMIN));
        linked.forEach((name, listenerAndLink) -> {
            listeners.append(',').append(name).append("://127.0.0.1:").append(listenerAndLink[0]);
            advertised.append(',').append(name).append("://127.0.0.1:").append(listenerAndLink[1]);
            protocols.append(',').append(name).append(":").append(KafkaUsers.PROTOCOL);
            jaas.add("listener.name." + name.toLowerCase(java.util.Locale.ROOT)
                    + ".scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                    + " required;");
        });
        return String.join(
                        "\n",
                        "node.id=" + nodeId,
                        "process.roles=broker,controller",
                        "listeners=" + listeners,
                        "advertised.listeners=" + advertised,
                        "listener.security.protocol.map=" + protocols,
                        "inter.broker.listener.name=INTERNAL",
                        "controller.listener.names=CONTROLLER",
                        "controller.quorum.voters=" + voters,
                        "sasl.enabled.mechanisms=" + KafkaUsers.MECHANISM,
                        "sasl.mechanism.inter.broker.protocol=" + KafkaUsers.MECHANISM,
                        "sasl.mechanism.controller.protocol=PLAIN",
                        "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                        "listener.name.controller.plain.sasl.jaas.config=" + users.controllerJaas(),
                        String.join("\n", jaas),
                        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        "allow.everyone.if.no.acl.found=false",
                        "super.users=User:" + KafkaUsers.ADMIN,
                        "log.dirs=" + dir.resolve("data"),
                        "num.partitions=" + PARTITIONS,
                        "default.replication.factor=3",
                        "min.insync.replicas=2",
                        "offsets.topic.replication.factor=3",
                        "transaction.state.log.replication.factor=3",
                        "transaction.state.log.min.isr=2",
                        "auto.create.topics.enable=false",
                        "group.initial.rebalance.delay.ms=0",
                        // a killed broker's partitions move after this, not Kafka's default 18 s
                        "broker.session.timeout.ms=6000",
                        "broker.heartbeat.interval.ms=1000")
                + "\n";
    }

    /** Creates MRM's topics from the registry with replication 3 and min.insync.replicas 2. */
    public void createMrmTopics(Duration atMost) {
        MrmKafkaProperties production = MrmKafkaProperties.defaults("mrm.", PARTITIONS);
        List<org.apache.kafka.clients.admin.NewTopic> topics =
                List.of(MrmTopics.newTopics(TopicNames.defaults(), production));
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating MRM's topics failed", e);
        }
        // created is not yet known everywhere: a broker may still answer "unknown topic" for a moment
        List<String> names = topics.stream()
                .map(org.apache.kafka.clients.admin.NewTopic::name)
                .toList();
        Awaitility.await("MRM's topics led and fully replicated")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = admin()) {
                        return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                                .flatMap(d -> d.partitions().stream())
                                .allMatch(KafkaBrokers::fullyReplicated);
                    }
                });
    }

    /** Waits (bounded) until {@code count} brokers are registered with the controllers. */
    public void awaitBrokers(int count, Duration atMost) {
        Awaitility.await(count + " brokers in the cluster")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    for (Broker b : brokers) {
                        if (!b.process().isAlive()) {
                            throw new org.awaitility.core.TerminalFailureException(
                                    b.process().name() + " exited: see "
                                            + b.process().log());
                        }
                    }
                    try (Admin admin = admin()) {
                        return admin.describeCluster()
                                        .nodes()
                                        .get(5, TimeUnit.SECONDS)
                                        .size()
                                == count;
                    }
                });
    }

    /**
     * Grants each of MRM's roles, as its user ({@code mrm-<role>}), exactly what the access matrix allows it: the
     * ACLs the shipped {@code deploy/kafka-acls.sh} and Strimzi users are generated from.
     */
    public void grantRoles(Duration atMost) {
        AccessMatrix matrix = AccessMatrix.of(TopicNames.defaults());
        List<AclBinding> bindings = new ArrayList<>();
        for (KafkaRole role : KafkaRole.values()) {
            if (role != KafkaRole.ADMIN) {
                bindings.addAll(matrix.bindings(role, "User:" + role.defaultUser()));
            }
        }
        try (Admin admin = admin()) {
            admin.createAcls(bindings).all().get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating the roles' ACLs failed", e);
        }
        // committed by the controllers is not yet applied by every broker's authorizer (a loaded machine showed a
        // refusal after the controllers' log had the ACLs everywhere): ask each broker itself, as a role's user,
        // until it answers. The ACLs were made in one request, which the controllers apply as one batch.
        String topic = TopicNames.defaults().of(io.mrm.events.Topics.OBSERVATIONS);
        for (Broker broker : brokers) {
            Awaitility.await("the roles' ACLs applied by kafka-" + broker.nodeId())
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> authorizedOn(broker, KafkaRole.MONITOR.defaultUser(), topic)
                            && authorizedOn(broker, KafkaRole.VIEWER.defaultUser(), topic));
        }
    }

    /** Whether {@code broker} itself (the first one a fresh client asks) lets {@code user} describe {@code topic}. */
    private boolean authorizedOn(Broker broker, String user, String topic) {
        Properties props = new Properties();
        props.putAll(users.clientProperties(user));
        props.put(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + broker.port());
        props.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                props,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            return !producer.partitionsFor(topic).isEmpty();
        }
    }

    /** The run's Kafka users and their passwords. */
    public KafkaUsers users() {
        return users;
    }

    /** The node leading the controllers' quorum now (the active controller; every broker here is a voter). */
    public int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum()
                    .quorumInfo()
                    .get(10, TimeUnit.SECONDS)
                    .leaderId();
        } catch (Exception e) {
            throw new IllegalStateException("reading the active controller failed", e);
        }
    }

    /** The node coordinating consumer group {@code group} now (its offsets, its rebalances). */
    public int coordinatorOf(String group) {
        try (Admin admin = admin()) {
            return admin.describeConsumerGroups(List.of(group))
                    .all()
                    .get(10, TimeUnit.SECONDS)
                    .get(group)
                    .coordinator()
                    .id();
        } catch (Exception e) {
            throw new IllegalStateException("reading the coordinator of " + group + " failed", e);
        }
    }

    /** Waits (bounded) until every replica of partition {@code partition} of {@code topic} is in sync again. */
    public void awaitInSync(String topic, int partition, Duration atMost) {
        Awaitility.await(topic + "-" + partition + " fully in sync")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = admin()) {
                        TopicPartitionInfo info = admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(10, TimeUnit.SECONDS)
                                .get(topic)
                                .partitions()
                                .get(partition);
                        return fullyReplicated(info);
                    }
                });
    }

    /** Led, and every one of the three replicas in sync. */
    private static boolean fullyReplicated(TopicPartitionInfo partition) {
        return partition.leader() != null && partition.isr().size() == 3;
    }

    /** The node leading partition {@code partition} of {@code topic} now. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(10, TimeUnit.SECONDS)
                    .get(topic);
            TopicPartitionInfo info = description.partitions().get(partition);
            if (info.leader() == null) {
                throw new IllegalStateException(topic + "-" + partition + " has no leader now");
            }
            return info.leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("reading the leader of " + topic + "-" + partition + " failed", e);
        }
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(users.clientProperties(KafkaUsers.ADMIN));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(props);
    }

    public String bootstrapServers() {
        return brokers.stream().map(b -> "127.0.0.1:" + b.port()).collect(Collectors.joining(","));
    }

    /**
     * The bootstrap servers {@code client} is to use: its own links if it is a linked client, the brokers' own
     * listeners otherwise.
     */
    public String bootstrapServersOf(String client) {
        List<TcpLink> links = clientLinks.get(client);
        return links == null
                ? bootstrapServers()
                : links.stream().map(l -> "127.0.0.1:" + l.port()).collect(Collectors.joining(","));
    }

    /** The links between a linked client and the three brokers. */
    public List<TcpLink> linksOf(String client) {
        List<TcpLink> links = clientLinks.get(client);
        if (links == null) {
            throw new IllegalArgumentException(
                    client + " does not reach the brokers through links; linked: " + clientLinks.keySet());
        }
        return List.copyOf(links);
    }

    public List<Broker> brokers() {
        return List.copyOf(brokers);
    }

    public Broker broker(int nodeId) {
        return brokers.stream()
                .filter(b -> b.nodeId() == nodeId)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no broker " + nodeId));
    }

    @Override
    public void close() {
        brokers.forEach(b -> b.process().stop());
        clientLinks.values().stream().flatMap(List::stream).forEach(link -> {
            try {
                link.close();
            } catch (IOException e) {
                // closing a loopback relay: nothing to do
            }
        });
    }

    private static final String LOGBACK = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <logger name="kafka.request.logger" level="WARN"/>
              <logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
              <root level="INFO"><appender-ref ref="OUT"/></root>
            </configuration>
            """;
}
