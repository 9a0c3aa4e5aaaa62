package io.mrm.kafka.acl;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on Kafka, one role at a time — the single source of the shipped Strimzi users
 * ({@code k8s/base/kafka-users}), of {@code deploy/kafka-acls.sh} and of the ACLs the secured-bus test
 * gives its broker. Nothing is granted that the role's code does not use:
 * <ul>
 *   <li>every service reads or writes the registry's topics named here, and reads their settings
 *       ({@code DescribeConfigs}) for its start-up durability check; mrmctl reads without that check;</li>
 *   <li>a consumer group is granted only to the service whose listeners use it (its {@code mrm.service.name});
 *       mrmctl assigns partitions itself and has none;</li>
 *   <li>the engine, a Kafka Streams application whose {@code application.id} is the topic prefix followed by
 *       {@code decision-engine}, also gets its group, its exactly-once transactional ids and its internal
 *       topics (state changelog; repartition topics would share the prefix), all prefixed by that id;</li>
 *   <li>idempotent producers need no cluster permission: since Kafka 3.0 a principal allowed to write any
 *       topic may get a producer id (brokers before 3.0 also want {@code IdempotentWrite} on the cluster).</li>
 * </ul>
 * Writes are each topic's one writer: observations the monitors, operator requests the operators,
 * acknowledgements the actuators, decisions, topology, commands and journal only the engine, dead letters
 * every consumer that may have to dead-letter a record (the engine and the actuators).
 */
public final class AccessMatrix {

    /** The services' consumer groups: each listens in the group named by its {@code mrm.service.name}. */
    public static final String DNS_ACTUATOR_GROUP = "dns-actuator";

    public static final String HANA_SYNC_GROUP = "hana-sync";
    public static final String AEM_SYNC_GROUP = "aem-sync";
    public static final String HOOK_ACTUATOR_GROUP = "hook-actuator";
    /** The engine's {@code mrm.service.name}; its Streams {@code application.id} is the topic prefix and this. */
    public static final String ENGINE_SERVICE = "decision-engine";

    /** What one role may do on one resource (a topic, a group, a transactional id), and why. */
    public record Grant(
            KafkaRole role,
            ResourceType resourceType,
            String name,
            PatternType patternType,
            Set<AclOperation> operations,
            String why) {

        public Grant {
            operations = Collections.unmodifiableSet(EnumSet.copyOf(operations));
        }

        /** The grant as Kafka ACL bindings for {@code principal} (e.g. {@code User:mrm-monitor}), from any host. */
        public List<AclBinding> bindings(String principal) {
            ResourcePattern pattern = new ResourcePattern(resourceType, name, patternType);
            return operations.stream()
                    .map(op -> new AclBinding(
                            pattern, new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)))
                    .toList();
        }
    }

    /** A role's access to one registry topic, for the table in docs/security.md. */
    public enum TopicAccess {
        READ,
        WRITE,
        READ_WRITE,
        CREATE
    }

    private final TopicNames names;
    private final List<Grant> grants;

    private AccessMatrix(TopicNames names, List<Grant> grants) {
        this.names = names;
        this.grants = List.copyOf(grants);
    }

    /** The matrix for a deployment whose topics carry {@code names}' prefix. */
    public static AccessMatrix of(TopicNames names) {
        Builder b = new Builder(names);
        // health-monitor: its observations, nothing else (it consumes nothing)
        b.write(KafkaRole.MONITOR, Topics.OBSERVATIONS, "its observations");
        b.durabilityCheck(KafkaRole.MONITOR);

        // decision-engine: the three co-partitioned inputs, its own topology read back into a global store,
        // and every output of the decision core
        b.read(KafkaRole.ENGINE, Topics.OBSERVATIONS, "input");
        b.read(KafkaRole.ENGINE, Topics.OPERATOR_REQUESTS, "input");
        b.read(KafkaRole.ENGINE, Topics.COMMAND_ACKS, "input");
        b.read(KafkaRole.ENGINE, Topics.READINESS_REPORTS, "input");
        b.read(KafkaRole.ENGINE, Topics.TOPOLOGY, "restores a reset application from what it published");
        for (Topic<?> output : List.of(
                Topics.DECISIONS,
                Topics.TOPOLOGY,
                Topics.DNS_COMMANDS,
                Topics.DATA_COMMANDS,
                Topics.EVENTS_COMMANDS,
                Topics.HOOK_COMMANDS,
                Topics.ENGINE_JOURNAL,
                Topics.READINESS)) {
            b.write(KafkaRole.ENGINE, output, "only the engine writes it");
        }
        b.write(KafkaRole.ENGINE, Topics.DEAD_LETTERS, "inputs it cannot read or validate");
        b.durabilityCheck(KafkaRole.ENGINE);
        String applicationId = engineApplicationId(names);
        b.grant(
                KafkaRole.ENGINE,
                ResourceType.GROUP,
                applicationId,
                PatternType.LITERAL,
                EnumSet.of(AclOperation.READ),
                "Kafka Streams' consumer group (its application.id)");
        b.grant(
                KafkaRole.ENGINE,
                ResourceType.TRANSACTIONAL_ID,
                applicationId + "-",
                PatternType.PREFIXED,
                EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE),
                "exactly-once: one transactional id per stream thread, prefixed by the application.id");
        b.grant(
                KafkaRole.ENGINE,
                ResourceType.TOPIC,
                applicationId + "-",
                PatternType.PREFIXED,
                EnumSet.of(
                        AclOperation.CREATE,
                        AclOperation.READ,
                        AclOperation.WRITE,
                        AclOperation.DESCRIBE,
                        AclOperation.DESCRIBE_CONFIGS),
                "Kafka Streams' internal topics (the state store's changelog), which it creates and checks itself");

        // the actuators: their command topic in their own group; acknowledgements; dead letters
        actuator(b, KafkaRole.DNS_ACTUATOR, Topics.DNS_COMMANDS, DNS_ACTUATOR_GROUP);
        actuator(b, KafkaRole.HANA_SYNC, Topics.DATA_COMMANDS, HANA_SYNC_GROUP);
        actuator(b, KafkaRole.AEM_SYNC, Topics.EVENTS_COMMANDS, AEM_SYNC_GROUP);
        actuator(b, KafkaRole.HOOK_ACTUATOR, Topics.HOOK_COMMANDS, HOOK_ACTUATOR_GROUP);

        // mrmctl: status, audit and replay read every topic (assigned partitions, no group); an operator also
        // sends requests. Records it cannot read are the engine's to dead-letter, not mrmctl's.
        for (Topic<?> topic : Topics.ALL) {
            b.read(KafkaRole.OPERATOR, topic, "status, audit, replay");
            b.read(KafkaRole.VIEWER, topic, "status, audit, replay");
        }
        b.write(KafkaRole.OPERATOR, Topics.OPERATOR_REQUESTS, "signed operator requests");

        // the admin step: creates the registry's topics (never alters them: adding partitions to a running
        // deployment strands the engine's state, see docs/architecture.md, "The event contract")
        for (Topic<?> topic : Topics.ALL) {
            b.grant(
                    KafkaRole.ADMIN,
                    ResourceType.TOPIC,
                    names.of(topic),
                    PatternType.LITERAL,
                    EnumSet.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS),
                    "creates it with the registry's settings");
        }
        return new AccessMatrix(names, b.build());
    }

    private static void actuator(Builder b, KafkaRole role, Topic<?> commands, String group) {
        b.read(role, commands, "its commands");
        b.write(role, Topics.COMMAND_ACKS, "its acknowledgements");
        b.write(role, Topics.READINESS_REPORTS, "its readiness checks");
        b.write(role, Topics.DEAD_LETTERS, "commands it cannot read or validate");
        b.durabilityCheck(role);
        b.grant(
                role,
                ResourceType.GROUP,
                group,
                PatternType.LITERAL,
                EnumSet.of(AclOperation.READ),
                "its consumer group (mrm.service.name)");
    }

    /** The engine's Kafka Streams {@code application.id}: the topic prefix followed by its service name. */
    public static String engineApplicationId(TopicNames names) {
        return names.prefix() + ENGINE_SERVICE;
    }

    public TopicNames names() {
        return names;
    }

    public List<Grant> grants() {
        return grants;
    }

    public List<Grant> grants(KafkaRole role) {
        return grants.stream().filter(g -> g.role() == role).toList();
    }

    /** Every ACL binding of {@code role} for {@code principal} (e.g. {@code User:mrm-engine}). */
    public List<AclBinding> bindings(KafkaRole role, String principal) {
        return grants(role).stream()
                .flatMap(g -> g.bindings(principal).stream())
                .toList();
    }

    /** The registry topics {@code role} may write. */
    public Set<Topic<?>> writes(KafkaRole role) {
        return topicsWith(role, AclOperation.WRITE);
    }

    /** The registry topics {@code role} may read. */
    public Set<Topic<?>> reads(KafkaRole role) {
        return topicsWith(role, AclOperation.READ);
    }

    /** What {@code role} may do with {@code topic}, or null when nothing. */
    public TopicAccess access(KafkaRole role, Topic<?> topic) {
        boolean read = reads(role).contains(topic);
        boolean write = writes(role).contains(topic);
        if (read || write) {
            return read && write ? TopicAccess.READ_WRITE : read ? TopicAccess.READ : TopicAccess.WRITE;
        }
        return topicsWith(role, AclOperation.CREATE).contains(topic) ? TopicAccess.CREATE : null;
    }

    private Set<Topic<?>> topicsWith(KafkaRole role, AclOperation operation) {
        Set<Topic<?>> out = new LinkedHashSet<>();
        for (Grant g : grants(role)) {
            if (g.resourceType() == ResourceType.TOPIC
                    && g.patternType() == PatternType.LITERAL
                    && g.operations().contains(operation)) {
                Topic<?> topic = names.topicNamed(g.name());
                if (topic != null) {
                    out.add(topic);
                }
            }
        }
        return out;
    }

    /** Collects grants, one per (role, resource): operations and reasons given twice are merged. */
    private static final class Builder {
        private record Key(KafkaRole role, ResourceType type, String name, PatternType pattern) {}

        private final TopicNames names;
        private final Map<Key, Set<AclOperation>> operations = new LinkedHashMap<>();
        private final Map<Key, Set<String>> reasons = new LinkedHashMap<>();

        Builder(TopicNames names) {
            this.names = names;
        }

        void read(KafkaRole role, Topic<?> topic, String why) {
            grant(
                    role,
                    ResourceType.TOPIC,
                    names.of(topic),
                    PatternType.LITERAL,
                    EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE),
                    "reads: " + why);
        }

        void write(KafkaRole role, Topic<?> topic, String why) {
            grant(
                    role,
                    ResourceType.TOPIC,
                    names.of(topic),
                    PatternType.LITERAL,
                    EnumSet.of(AclOperation.WRITE, AclOperation.DESCRIBE),
                    "writes: " + why);
        }

        /** A service reads the settings of the registry topics it uses at start-up (ExistingTopicsDurabilityCheck). */
        void durabilityCheck(KafkaRole role) {
            for (Key key : List.copyOf(operations.keySet())) {
                if (key.role() == role && key.type() == ResourceType.TOPIC && key.pattern() == PatternType.LITERAL) {
                    operations.get(key).add(AclOperation.DESCRIBE_CONFIGS);
                }
            }
        }

        void grant(
                KafkaRole role,
                ResourceType type,
                String name,
                PatternType pattern,
                Set<AclOperation> ops,
                String why) {
            Key key = new Key(role, type, name, pattern);
            operations
                    .computeIfAbsent(key, k -> EnumSet.noneOf(AclOperation.class))
                    .addAll(ops);
            reasons.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(why);
        }

        List<Grant> build() {
            List<Grant> out = new ArrayList<>();
            operations.forEach((key, ops) -> out.add(new Grant(
                    key.role(), key.type(), key.name(), key.pattern(), ops, String.join("; ", reasons.get(key)))));
            return out;
        }
    }
}
