package io.mrm.mrmctl.adapter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * Where mrmctl's Kafka clients connect and how: the bootstrap servers, and the client properties of a
 * {@code --command-config} file (as Kafka's own tools take it) — {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*} and the like, so mrmctl reaches a secured cluster. Its {@link #toString()} names the
 * servers only: the properties may hold credentials ({@code sasl.jaas.config}).
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties) {

    /** What mrmctl sets itself (how it reads and writes, not where or as whom): not for the file. */
    static final Set<String> OWN = Set.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG);

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
        return of(bootstrapServers, file, "--command-config", Map.of(), null);
    }

    /**
     * The connection with the client properties of a file (may be null) and of inline settings (may be
     * empty), as a context of mrmctl's contexts file gives them. Inline settings may not hold a secret
     * ({@code sasl.jaas.config}, passwords, private keys: whatever Kafka's clients treat as a password): those
     * go in the file, which only its owner may read. A setting in both is refused, so none silently wins.
     *
     * @param fileLabel   how the file was named, for messages: {@code --command-config} or a context's key
     * @param inlineLabel how the inline settings were named, for messages
     */
    public static KafkaConnection of(
            String bootstrapServers, Path file, String fileLabel, Map<String, String> inline, String inlineLabel) {
        Map<String, String> properties = new TreeMap<>();
        if (file != null) {
            refuseReadableByOthers(file, fileLabel);
            Properties loaded = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                loaded.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(fileLabel + ": cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            for (String name : loaded.stringPropertyNames()) {
                check(fileLabel + " " + file, name);
                properties.put(name, loaded.getProperty(name).trim());
            }
        }
        for (Map.Entry<String, String> e : inline.entrySet()) {
            checkInline(inlineLabel, e.getKey());
            if (properties.containsKey(e.getKey())) {
                throw new IllegalArgumentException(
                        inlineLabel + ": " + e.getKey() + " is set in " + file + " too; " + "set it in one place");
            }
            properties.put(e.getKey(), e.getValue().trim());
        }
        return new KafkaConnection(bootstrapServers, properties);
    }

    /** A client setting given inline (not in an owner-only file): known, not mrmctl's own, and no secret. */
    public static void checkInline(String where, String name) {
        check(where, name);
        if (SECRETS.contains(name)) {
            throw new IllegalArgumentException(where + ": " + name + " holds a secret and is not taken inline; put it "
                    + "in a Kafka client properties file only you can read (chmod 600) and name that file instead");
        }
    }

    /** Whatever Kafka's consumer or producer treats as a password (sasl.jaas.config, ssl.*password, PEM keys...). */
    static final Set<String> SECRETS = secrets();

    private static Set<String> secrets() {
        Set<String> names = new HashSet<>();
        for (ConfigDef def : List.of(ConsumerConfig.configDef(), ProducerConfig.configDef())) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    names.add(name);
                }
            });
        }
        names.add(SaslConfigs.SASL_JAAS_CONFIG);
        return Set.copyOf(names);
    }

    private static void check(String where, String name) {
        if (OWN.contains(name)) {
            throw new IllegalArgumentException(where + ": " + name + " is set by mrmctl"
                    + (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) ? " (use --bootstrap-servers)" : "")
                    + "; leave it out");
        }
        if (!KNOWN.contains(name)) {
            throw new IllegalArgumentException(where + ": " + name + " is not a Kafka client setting");
        }
    }

    private static final Set<String> KNOWN = known();

    private static Set<String> known() {
        Set<String> known = new HashSet<>(ConsumerConfig.configNames());
        known.addAll(ProducerConfig.configNames());
        return Set.copyOf(known);
    }

    /** The clients' base properties: the servers and the file's settings. */
    Properties properties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    private static void refuseReadableByOthers(Path file, String label) {
        String mode = OwnerOnlyFiles.openToOthers(file);
        if (mode != null) {
            throw new IllegalArgumentException(label + " " + file + " is readable by others (mode " + mode
                    + "); it may hold credentials: chmod 600 " + file);
        }
    }

    @Override
    public String toString() {
        return bootstrapServers;
    }
}
