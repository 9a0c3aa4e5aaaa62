package io.mrm.chaos.adapter;

import io.mrm.kafka.acl.KafkaRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SCRAM users of the harness's cluster, with passwords made for the run: {@code admin}, the brokers' own
 * principal and the cluster's only super user (it makes the topics and the ACLs, as the shipped admin step does),
 * and one user per MRM role under the name the shipped ACL script and Strimzi users give it ({@code mrm-engine},
 * {@code mrm-hana-sync}, ...), allowed only what the access matrix grants the role.
 */
public final class KafkaUsers {

    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String ADMIN = "admin";

    /** Every listener authenticates; none is encrypted (loopback only). */
    static final String PROTOCOL = "SASL_PLAINTEXT";

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final Map<String, String> passwords = new LinkedHashMap<>();

    private KafkaUsers() {}

    /** The admin and a user per role (not the admin role: the harness's admin makes the topics). */
    public static KafkaUsers make() {
        KafkaUsers users = new KafkaUsers();
        SecureRandom random = new SecureRandom();
        users.passwords.put(ADMIN, password(random));
        for (KafkaRole role : KafkaRole.values()) {
            if (role != KafkaRole.ADMIN) {
                users.passwords.put(role.defaultUser(), password(random));
            }
        }
        return users;
    }

    private static String password(SecureRandom random) {
        // letters and digits only: kafka-storage's --add-scram takes [name=...,password=...] literally
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka user " + user + "; users: " + passwords.keySet());
        }
        return password;
    }

    /** kafka-storage format's arguments that put every user's SCRAM credential in the cluster's first metadata. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        passwords.forEach((user, password) -> {
            args.add("--add-scram");
            args.add(MECHANISM + "=[name=" + user + ",password=" + password + "]");
        });
        return args;
    }

    /** A JAAS line for a SCRAM client logging in as {@code user}. */
    String scramJaas(String user) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password(user) + "\";";
    }

    /** The controllers' listener: PLAIN (SCRAM credentials live in the metadata the controllers serve). */
    String controllerJaas() {
        String password = password(ADMIN);
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN + "\" password=\""
                + password + "\" user_" + ADMIN + "=\"" + password + "\";";
    }

    /** A Kafka client's settings to log in as {@code user}. */
    public Map<String, Object> clientProperties(String user) {
        return Map.of("security.protocol", PROTOCOL, "sasl.mechanism", MECHANISM, "sasl.jaas.config", scramJaas(user));
    }

    /**
     * What an MRM service running as {@code role} is given, as docs/security.md tells a deployment to: the
     * security protocol and its SASL settings from the environment.
     */
    public Map<String, String> serviceEnvironment(KafkaRole role) {
        return Map.of(
                "MRM_KAFKA_SECURITY_PROTOCOL",
                PROTOCOL,
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                MECHANISM,
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                scramJaas(role.defaultUser()));
    }

    /** Writes {@code user}'s client settings as a properties file readable by the owner only (mrmctl's --command-config). */
    public Path writeClientConfig(Path file, String user) throws IOException {
        StringBuilder text = new StringBuilder();
        clientProperties(user)
                .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
