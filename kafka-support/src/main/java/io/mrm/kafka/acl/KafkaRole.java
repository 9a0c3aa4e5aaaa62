package io.mrm.kafka.acl;

/**
 * The Kafka principals of an MRM deployment: one per role, so that what each may read and write is
 * exactly what {@link AccessMatrix} grants it. A deployment may name its principals as it likes
 * ({@code User:<anything>}); {@link #defaultUser()} is the name the shipped Strimzi users and the ACL
 * script use.
 */
public enum KafkaRole {

    /** health-monitor, one or more per vantage point: writes observations. */
    MONITOR("monitor", "health-monitor"),
    /** decision-engine (Kafka Streams, exactly-once): reads the inputs, writes decisions, topology, commands, journal. */
    ENGINE("engine", "decision-engine"),
    /** dns-actuator: reads DNS commands, writes acknowledgements. */
    DNS_ACTUATOR("dns-actuator", "dns-actuator"),
    /** hana-sync: reads data commands, writes acknowledgements. */
    HANA_SYNC("hana-sync", "hana-sync"),
    /** aem-sync: reads events commands, writes acknowledgements. */
    AEM_SYNC("aem-sync", "aem-sync"),
    /** hook-actuator: reads hook commands, writes acknowledgements. */
    HOOK_ACTUATOR("hook-actuator", "hook-actuator"),
    /** mrmctl as an operator: reads every topic, writes operator requests. */
    OPERATOR("operator", "mrmctl"),
    /** mrmctl read-only (status, audit, replay): reads every topic, writes nothing. */
    VIEWER("viewer", "mrmctl"),
    /** The admin step that creates the topics (the services do not, outside the profile local). */
    ADMIN("admin", "kafka-acls.sh / Strimzi's topic operator");

    private final String id;
    private final String usedBy;

    KafkaRole(String id, String usedBy) {
        this.id = id;
        this.usedBy = usedBy;
    }

    /** The role's name, e.g. {@code dns-actuator}. */
    public String id() {
        return id;
    }

    /** What runs as this role. */
    public String usedBy() {
        return usedBy;
    }

    /** The user name the shipped Strimzi {@code KafkaUser}s and the ACL script give it: {@code mrm-<id>}. */
    public String defaultUser() {
        return "mrm-" + id;
    }

    /** The role named {@code id}, e.g. {@code hana-sync}. */
    public static KafkaRole byId(String id) {
        for (KafkaRole role : values()) {
            if (role.id.equals(id)) {
                return role;
            }
        }
        throw new IllegalArgumentException("no Kafka role '" + id + "'; roles: "
                + java.util.Arrays.stream(values()).map(KafkaRole::id).toList());
    }
}
