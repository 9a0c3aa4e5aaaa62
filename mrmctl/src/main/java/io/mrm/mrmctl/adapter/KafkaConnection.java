package io.mrm.mrmctl.adapter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Where mrmctl's Kafka clients connect and how: the bootstrap servers, and the client properties of a
 * {@code --command-config} file (as Kafka's own tools take it) — {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*} and the like, so mrmctl reaches a secured cluster. Its {@link #toString()} names the
 * servers only: the properties may hold credentials ({@code sasl.jaas.config}).
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties) {

    /** What mrmctl sets itself (how it reads and writes, not where or as whom): not for the file. */
    static final Set<String> OWN = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Bootstrap servers only (a plaintext cluster, or one whose settings come from elsewhere). */
    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * The connection with the client properties of {@code file}: each must be a Kafka consumer or producer
     * setting mrmctl does not set itself, and the file must not be readable by others (it may hold a password).
     */
    public static KafkaConnection withCommandConfig(String bootstrapServers, Path file) {
        refuseReadableByOthers(file);
        Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("--command-config: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        Set<String> known = new HashSet<>(ConsumerConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        Map<String, String> properties = new TreeMap<>();
        for (String name : loaded.stringPropertyNames()) {
            if (OWN.contains(name)) {
                throw new IllegalArgumentException("--command-config " + file + ": " + name + " is set by mrmctl"
                        + (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) ? " (use --bootstrap-servers)" : "")
                        + "; leave it out");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("--command-config " + file + ": " + name + " is not a Kafka client "
                        + "setting");
            }
            properties.put(name, loaded.getProperty(name).trim());
        }
        return new KafkaConnection(bootstrapServers, properties);
    }

    /** The clients' base properties: the servers and the file's settings. */
    Properties properties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    private static void refuseReadableByOthers(Path file) {
        String mode = OwnerOnlyFiles.openToOthers(file);
        if (mode != null) {
            throw new IllegalArgumentException("--command-config " + file + " is readable by others (mode " + mode
                    + "); it may hold credentials: chmod 600 " + file);
        }
    }

    @Override
    public String toString() {
        return bootstrapServers;
    }
}
