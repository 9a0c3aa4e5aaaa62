package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.mrm.aem.AemSyncApplication;
import io.mrm.board.StatusBoardApplication;
import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.health.HealthMonitorApplication;
import io.mrm.hook.HookActuatorApplication;
import io.mrm.kafka.acl.AccessFiles;
import io.mrm.kafka.acl.AccessMatrix;
import io.mrm.kafka.acl.KafkaRole;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped access files are the access matrix's ({@code io.mrm.kafka.acl.AccessMatrix}): the Strimzi
 * users, {@code deploy/kafka-acls.sh} and the table in docs/security.md, byte for byte and read back as ACLs; and
 * every workload connects as its own role's user. With {@code -Dmrm.write-access-files=true} the first
 * test writes the files instead of comparing them.
 */
class AccessFilesTest {

    /** The Kafka role each service runs as. */
    static final Map<String, KafkaRole> SERVICE_ROLES = Map.of(
            HealthMonitorApplication.SERVICE, KafkaRole.MONITOR,
            DecisionEngineApplication.SERVICE, KafkaRole.ENGINE,
            DnsActuatorApplication.SERVICE, KafkaRole.DNS_ACTUATOR,
            HanaSyncApplication.SERVICE, KafkaRole.HANA_SYNC,
            AemSyncApplication.SERVICE, KafkaRole.AEM_SYNC,
            HookActuatorApplication.SERVICE, KafkaRole.HOOK_ACTUATOR,
            // read-only: it assigns partitions itself and writes nothing
            StatusBoardApplication.SERVICE, KafkaRole.VIEWER);

    static final String JAAS = "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG";

    @TempDir
    Path work;

    @Test
    void theShippedFilesAreTheMatrixs() throws IOException {
        if (Boolean.getBoolean("mrm.write-access-files")) {
            AccessFiles.write(Repo.ROOT);
        }
        AccessFiles.render()
                .forEach((path, expected) -> assertThat(Repo.read(Repo.ROOT.resolve(path)))
                        .as(path + " differs from io.mrm.kafka.acl.AccessMatrix; regenerate: " + AccessFiles.REGENERATE)
                        .isEqualTo(expected));
        assertThat(Files.isExecutable(Repo.ROOT.resolve(AccessFiles.ACL_SCRIPT)))
                .as(AccessFiles.ACL_SCRIPT + " is executable")
                .isTrue();
    }

    @Test
    void theStrimziUsersAllowExactlyTheMatrix() {
        Manifests control = Manifests.render("control", work);
        AccessMatrix matrix = AccessMatrix.of(TopicNames.defaults());
        Map<String, KafkaUser> users = new TreeMap<>();
        control.all(KafkaUser.class).forEach(u -> users.put(u.getMetadata().getName(), u));
        Set<String> expectedUsers = new TreeSet<>();
        for (KafkaRole role : KafkaRole.values()) {
            if (role != KafkaRole.ADMIN) { // under Strimzi the topic operator makes the topics
                expectedUsers.add(role.defaultUser());
            }
        }
        assertThat(users.keySet()).isEqualTo(expectedUsers);
        for (KafkaRole role : KafkaRole.values()) {
            KafkaUser user = users.get(role.defaultUser());
            if (user == null) {
                continue;
            }
            assertThat(user.getSpec().getAuthentication())
                    .as(role.id())
                    .isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            assertThat(user.getMetadata().getLabels())
                    .as(role.id())
                    .containsEntry("strimzi.io/cluster", AccessFiles.STRIMZI_CLUSTER);
            String principal = "User:" + role.defaultUser();
            Set<AclBinding> allowed = new HashSet<>();
            for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
                allowed.addAll(bindings(rule, principal));
            }
            assertThat(allowed).as(role.id()).isEqualTo(Set.copyOf(matrix.bindings(role, principal)));
        }
        for (String region : List.of("region-a", "region-b")) {
            assertThat(Manifests.render(region, work).all(KafkaUser.class))
                    .as(region + " declares no users")
                    .isEmpty();
        }
    }

    @Test
    void theScriptCreatesTheRegistrysTopicsAndAllowsExactlyTheMatrix() throws Exception {
        // another prefix than the default, and every role named (the admin's ACLs only when named)
        TopicNames names = new TopicNames("blue.");
        List<String> command = new ArrayList<>(List.of(
                "bash",
                AccessFiles.ACL_SCRIPT,
                "--dry-run",
                "--bootstrap-server",
                "kafka-1:9093",
                "--command-config",
                "admin.properties",
                "--topic-prefix",
                "blue.",
                "--min-insync-replicas",
                "2"));
        for (KafkaRole role : KafkaRole.values()) {
            command.addAll(List.of("--principal", role.id() + "=User:blue-" + role.id()));
        }
        Process process = new ProcessBuilder(command)
                .directory(Repo.ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        Set<String> topics = new TreeSet<>();
        Set<AclBinding> allowed = new HashSet<>();
        for (String line : output.lines().toList()) {
            List<String> words = List.of(line.trim().split(" "));
            assertThat(words)
                    .as(line)
                    .contains("--bootstrap-server", "kafka-1:9093", "--command-config", "admin.properties");
            if (words.get(0).equals("kafka-topics.sh")) {
                assertThat(words).as(line).contains("--create", "--if-not-exists", "min.insync.replicas=2");
                topics.add(after(words, "--topic"));
            } else {
                assertThat(words.get(0)).isEqualTo("kafka-acls.sh");
                allowed.addAll(scriptBindings(words));
            }
        }
        assertThat(topics)
                .isEqualTo(new TreeSet<>(Topics.ALL.stream().map(names::of).toList()));
        Set<AclBinding> expected = new HashSet<>();
        AccessMatrix matrix = AccessMatrix.of(names);
        for (KafkaRole role : KafkaRole.values()) {
            expected.addAll(matrix.bindings(role, "User:blue-" + role.id()));
        }
        assertThat(allowed).isEqualTo(expected);
    }

    @Test
    void theScriptAddsNoAdminAclsUnlessAnAdminPrincipalIsNamed() throws Exception {
        Process process = new ProcessBuilder(
                        "bash",
                        AccessFiles.ACL_SCRIPT,
                        "--dry-run",
                        "--acls-only",
                        "--bootstrap-server",
                        "kafka-1:9093",
                        "--command-config",
                        "admin.properties")
                .directory(Repo.ROOT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .doesNotContain("kafka-topics.sh")
                .doesNotContain("mrm-admin")
                .contains("--allow-principal User:mrm-engine");
    }

    @Test
    void everyWorkloadConnectsAsItsOwnRolesUser() {
        for (String overlay : Manifests.OVERLAYS) {
            Manifests m = Manifests.render(overlay, work);
            for (KubernetesManifestsTest.Workload w : KubernetesManifestsTest.workloads(m)) {
                Container c = w.template().getSpec().getContainers().get(0);
                KafkaRole role = SERVICE_ROLES.get(c.getName());
                assertThat(role)
                        .as(overlay + " " + w.name() + " has a Kafka role")
                        .isNotNull();
                List<EnvVar> jaas = c.getEnv().stream()
                        .filter(e -> e.getName().equals(JAAS))
                        .toList();
                assertThat(jaas).as(overlay + " " + w.name() + " " + JAAS).hasSize(1);
                var ref = jaas.get(0).getValueFrom().getSecretKeyRef();
                assertThat(ref.getName())
                        .as(overlay + " " + w.name() + ": the Secret of its own Kafka user")
                        .isEqualTo(role.defaultUser());
                assertThat(ref.getKey()).isEqualTo("sasl.jaas.config");
                for (EnvFromSource from : c.getEnvFrom()) {
                    if (from.getSecretRef() != null) {
                        Secret secret =
                                m.named(Secret.class, from.getSecretRef().getName());
                        assertThat(secret.getData())
                                .as(overlay + " " + w.name() + ": no other Kafka credential")
                                .doesNotContainKey(JAAS);
                    }
                }
            }
        }
    }

    @Test
    void theMatrixNamesTheServicesOwnConsumerGroups() {
        // each service listens in the group named by its mrm.service.name, set in its own yml
        assertThat(Map.of(
                        AccessMatrix.DNS_ACTUATOR_GROUP,
                        DnsActuatorApplication.SERVICE,
                        AccessMatrix.HANA_SYNC_GROUP,
                        HanaSyncApplication.SERVICE,
                        AccessMatrix.AEM_SYNC_GROUP,
                        AemSyncApplication.SERVICE,
                        AccessMatrix.HOOK_ACTUATOR_GROUP,
                        HookActuatorApplication.SERVICE,
                        AccessMatrix.ENGINE_SERVICE,
                        DecisionEngineApplication.SERVICE))
                .allSatisfy((group, service) -> {
                    assertThat(group).isEqualTo(service);
                    assertThat(Repo.read(Repo.ROOT.resolve(service).resolve("src/main/resources/" + service + ".yml")))
                            .contains("  service:\n    name: " + service + "\n");
                });
    }

    @Test
    void theSecurityDocShowsTheMatrixsTable() {
        assertThat(Repo.read(Repo.ROOT.resolve("docs/security.md")))
                .as("docs/security.md's table under \"Who may write what\"; expected:\n"
                        + AccessFiles.readmeTable(AccessMatrix.of(TopicNames.defaults())))
                .contains(AccessFiles.readmeTable(AccessMatrix.of(TopicNames.defaults())));
    }

    private static List<AclBinding> bindings(AclRule rule, String principal) {
        ResourceType type;
        String name;
        PatternType pattern = PatternType.LITERAL;
        if (rule.getResource() instanceof AclRuleTopicResource t) {
            type = ResourceType.TOPIC;
            name = t.getName();
            pattern = t.getPatternType() == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
        } else if (rule.getResource() instanceof AclRuleGroupResource g) {
            type = ResourceType.GROUP;
            name = g.getName();
            pattern = g.getPatternType() == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
        } else if (rule.getResource() instanceof AclRuleTransactionalIdResource t) {
            type = ResourceType.TRANSACTIONAL_ID;
            name = t.getName();
            pattern = t.getPatternType() == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
        } else if (rule.getResource() instanceof AclRuleClusterResource) {
            type = ResourceType.CLUSTER;
            name = "kafka-cluster";
        } else {
            throw new IllegalArgumentException("resource " + rule.getResource());
        }
        assertThat(rule.getOperation()).as("the deprecated single operation").isNull();
        ResourcePattern resource = new ResourcePattern(type, name, pattern);
        String host = rule.getHost() == null ? "*" : rule.getHost();
        return rule.getOperations().stream()
                .map(op -> new AclBinding(
                        resource,
                        new AccessControlEntry(principal, host, kafkaOperation(op.toValue()), AclPermissionType.ALLOW)))
                .toList();
    }

    /** One kafka-acls.sh command line, as --dry-run prints it, as ACL bindings. */
    private static List<AclBinding> scriptBindings(List<String> words) {
        assertThat(words).contains("--add").contains("--allow-host");
        assertThat(after(words, "--allow-host")).isIn("\\*", "*");
        String principal = after(words, "--allow-principal");
        PatternType pattern =
                PatternType.fromString(after(words, "--resource-pattern-type").toUpperCase());
        ResourcePattern resource;
        if (words.contains("--topic")) {
            resource = new ResourcePattern(ResourceType.TOPIC, after(words, "--topic"), pattern);
        } else if (words.contains("--group")) {
            resource = new ResourcePattern(ResourceType.GROUP, after(words, "--group"), pattern);
        } else if (words.contains("--transactional-id")) {
            resource = new ResourcePattern(ResourceType.TRANSACTIONAL_ID, after(words, "--transactional-id"), pattern);
        } else {
            assertThat(words).contains("--cluster");
            resource = new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", pattern);
        }
        List<AclBinding> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("--operation")) {
                out.add(new AclBinding(
                        resource,
                        new AccessControlEntry(
                                principal, "*", kafkaOperation(words.get(i + 1)), AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** Kafka's operation from the spelling kafka-acls.sh and Strimzi use (DescribeConfigs). */
    private static AclOperation kafkaOperation(String name) {
        for (AclOperation op : AclOperation.values()) {
            if (AccessFiles.operationName(op).equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("operation " + name);
    }

    private static String after(List<String> words, String option) {
        int at = words.indexOf(option);
        assertThat(at).as(option + " in " + words).isNotNegative();
        return words.get(at + 1);
    }
}
