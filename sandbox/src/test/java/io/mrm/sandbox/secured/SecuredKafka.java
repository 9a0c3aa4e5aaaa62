package io.mrm.sandbox.secured;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.metadata.UserScramCredentialRecord;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.awaitility.Awaitility;

/**
 * One real Kafka broker (KRaft, combined broker and controller) in this JVM, secured as a production
 * cluster would be: clients connect only over SASL_SSL with SCRAM-SHA-512 (TLS with a test CA made at
 * start), the {@code StandardAuthorizer} refuses whatever no ACL allows
 * ({@code allow.everyone.if.no.acl.found=false}), and the only super users are the test's admin
 * (SCRAM, its credential in the bootstrap metadata, as {@code kafka-storage format --add-scram} puts it) and the
 * broker itself on the controller listener (TLS with its client certificate). Every other principal is a
 * SCRAM user the test creates with {@link #createUser} and allows with {@link #allow}.
 */
final class SecuredKafka implements AutoCloseable {

    static final String ADMIN = "mrm-test-admin";
    private static final Duration PROPAGATION = Duration.ofSeconds(60);

    private final KafkaClusterTestKit cluster;
    private final TestCertificates certificates;
    private final Path dir;
    private final String adminPassword;
    private final Admin admin;

    private SecuredKafka(KafkaClusterTestKit cluster, TestCertificates certificates, Path dir, String adminPassword) {
        this.cluster = cluster;
        this.certificates = certificates;
        this.dir = dir;
        this.adminPassword = adminPassword;
        this.admin = Admin.create(clientProperties(ADMIN, adminPassword));
    }

    static SecuredKafka start() throws Exception {
        Path dir = Files.createTempDirectory("mrm-secured-kafka-");
        TestCertificates certificates = TestCertificates.make(dir, secret());
        String adminPassword = secret();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder(withAdminCredential(
                                new TestKitNodes.Builder().build().bootstrapMetadata(), adminPassword))
                        .setCombined(true)
                        .setNumControllerNodes(1)
                        .setNumBrokerNodes(1)
                        .build())
                // clients: SASL_SSL only; the controller listener: TLS with client certificates
                .setConfigProp("listener.security.protocol.map", "EXTERNAL:SASL_SSL,CONTROLLER:SSL")
                .setConfigProp("listener.name.controller.ssl.client.auth", "required")
                .setConfigProp("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512")
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config", jaas(ADMIN, adminPassword))
                .setConfigProp(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12")
                .setConfigProp(
                        SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG,
                        certificates.brokerKeyStore().toString())
                .setConfigProp(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, certificates.keyStorePassword())
                .setConfigProp(SslConfigs.SSL_KEY_PASSWORD_CONFIG, certificates.keyStorePassword())
                .setConfigProp(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM")
                .setConfigProp(
                        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                        certificates.caCertificate().toString())
                .setConfigProp("authorizer.class.name", StandardAuthorizer.class.getName())
                .setConfigProp("allow.everyone.if.no.acl.found", "false")
                .setConfigProp("super.users", "User:" + ADMIN + ";User:" + certificates.brokerDn())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new SecuredKafka(cluster, certificates, dir, adminPassword);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * The test kit's bootstrap metadata with the admin's SCRAM credential in it, as {@code kafka-storage
     * format --add-scram} writes it: the broker authenticates its own inter-broker connections with it before
     * any Admin call could create a user.
     */
    private static BootstrapMetadata withAdminCredential(BootstrapMetadata base, String adminPassword)
            throws Exception {
        ScramCredential credential = new ScramFormatter(
                        org.apache.kafka.common.security.scram.internals.ScramMechanism.SCRAM_SHA_512)
                .generateCredential(adminPassword, 4096);
        List<ApiMessageAndVersion> records = new ArrayList<>(base.records());
        records.add(new ApiMessageAndVersion(
                new UserScramCredentialRecord()
                        .setName(ADMIN)
                        .setMechanism(ScramMechanism.SCRAM_SHA_512.type())
                        .setSalt(credential.salt())
                        .setStoredKey(credential.storedKey())
                        .setServerKey(credential.serverKey())
                        .setIterations(credential.iterations()),
                (short) 0));
        return BootstrapMetadata.fromRecords(records, "secured-kafka");
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Kafka client settings for a SCRAM user over TLS, trusting the test CA. */
    Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(user, password));
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        props.put(
                SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
                certificates.caCertificate().toString());
        return props;
    }

    /** The reading client's settings for the super user (the test's own view of the topics). */
    Map<String, Object> adminClientProperties() {
        Map<String, Object> props = clientProperties(ADMIN, adminPassword);
        props.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return props;
    }

    /**
     * A service's settings for a SCRAM user, the way the Kubernetes manifests give them
     * (MRM_KAFKA_SECURITY_PROTOCOL, SPRING_KAFKA_PROPERTIES_SASL_*, SPRING_KAFKA_SSL_TRUST_STORE_*).
     */
    Map<String, Object> springProperties(String user, String password) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("spring.kafka.security.protocol", "SASL_SSL");
        props.put("spring.kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        props.put("spring.kafka.properties.sasl.jaas.config", jaas(user, password));
        props.put("spring.kafka.ssl.trust-store-type", "PEM");
        props.put("spring.kafka.ssl.trust-store-location", "file:" + certificates.caCertificate());
        return props;
    }

    /** A {@code --command-config} file for mrmctl (and Kafka's own tools), readable by its owner only. */
    Path commandConfig(String user, String password) throws IOException {
        Map<String, Object> props = clientProperties(user, password);
        props.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        Properties file = new Properties();
        props.forEach((k, v) -> file.setProperty(k, String.valueOf(v)));
        Path path = Files.createFile(
                dir.resolve(user + ".properties"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            file.store(out, "client settings of " + user);
        }
        return path;
    }

    /** The super user's Admin client. */
    Admin admin() {
        return admin;
    }

    /** Creates a SCRAM-SHA-512 user and waits until the broker lets it in. */
    void createUser(String user, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                .all()
                .get();
        Awaitility.await("user " + user + " may log in")
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin as = Admin.create(clientProperties(user, password))) {
                        as.describeCluster().clusterId().get();
                        return true;
                    }
                });
    }

    /** Adds ACLs and waits until the broker's authorizer holds them. */
    void allow(Collection<AclBinding> bindings) throws Exception {
        admin.createAcls(bindings).all().get();
        Awaitility.await("ACLs in force")
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(bindings));
    }

    /** Removes ACLs and waits until the broker's authorizer no longer holds them. */
    void revoke(Collection<AclBinding> bindings) throws Exception {
        admin.deleteAcls(bindings.stream().map(AclBinding::toFilter).toList())
                .all()
                .get();
        Awaitility.await("ACLs removed")
                .atMost(PROPAGATION)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
                        .noneMatch(bindings::contains));
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /** A random password (hex, so that no JAAS or SCRAM argument needs quoting). */
    static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() throws Exception {
        try {
            admin.close(Duration.ofSeconds(5));
        } finally {
            cluster.close();
        }
    }

    @Override
    public String toString() {
        return "secured Kafka at " + bootstrapServers();
    }
}
