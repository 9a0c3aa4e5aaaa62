package io.mrm.kafka.acl;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.MrmTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The files shipped from {@link AccessMatrix}: the Strimzi {@code KafkaUser}s and the ACL script for
 * clusters Strimzi does not manage, and the table in docs/security.md. deploy-check fails when a shipped file
 * differs from what this renders; {@link #main} writes them.
 */
public final class AccessFiles {

    /** Where each generated file lives in the repository. */
    public static final String STRIMZI_USERS = "k8s/base/kafka-users/users.yaml";

    public static final String ACL_SCRIPT = "deploy/kafka-acls.sh";
    /** The Strimzi {@code Kafka} resource the users belong to (as the shipped KafkaTopics). */
    public static final String STRIMZI_CLUSTER = "mrm-kafka";
    /** How to regenerate, for the files' headers and the test's failure message. */
    public static final String REGENERATE = "./mvnw -B -q -pl deploy-check -am install -DskipTests && "
            + "./mvnw -B -pl deploy-check test -Dtest=AccessFilesTest -Dmrm.write-access-files=true";

    /** A topic prefix no deployment uses, replaced by the script's {@code ${PREFIX}}. */
    private static final String PREFIX_MARK = "__MRM_TOPIC_PREFIX__";

    private AccessFiles() {}

    /** Writes every generated file under the repository root {@code args[0]} (default: the working folder). */
    public static void main(String[] args) throws IOException {
        write(Path.of(args.length > 0 ? args[0] : "."));
    }

    public static void write(Path root) throws IOException {
        for (Map.Entry<String, String> file : render().entrySet()) {
            Path path = root.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
            if (file.getKey().endsWith(".sh")) {
                path.toFile().setExecutable(true, false);
            }
        }
    }

    /** Every generated file, by its path in the repository. */
    public static Map<String, String> render() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(STRIMZI_USERS, strimziUsers(AccessMatrix.of(TopicNames.defaults())));
        files.put(ACL_SCRIPT, aclScript());
        return files;
    }

    /** The roles that connect to Kafka as themselves; the admin step is Strimzi's topic operator there. */
    static List<KafkaRole> strimziRoles() {
        return Arrays.stream(KafkaRole.values())
                .filter(r -> r != KafkaRole.ADMIN)
                .toList();
    }

    /** One Strimzi {@code KafkaUser} (SCRAM-SHA-512, simple authorization) per role but admin. */
    public static String strimziUsers(AccessMatrix matrix) {
        StringBuilder out = new StringBuilder();
        out.append("""
                # GENERATED from kafka-support's io.mrm.kafka.acl.AccessMatrix by AccessFiles: do not edit by hand.
                # deploy-check fails when this file and the matrix differ; regenerate with
                #   %s
                # One Kafka user per role, each allowed exactly what that role's code uses (docs/security.md, "Who may
                # write what"). Strimzi's User Operator gives each a SCRAM-SHA-512 password in a Secret of the user's name
                # (keys password and sasl.jaas.config), from which the service's Deployment reads
                # SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG. DescribeConfigs on a topic: the service's start-up
                # durability check reads its settings. The Kafka resource (strimzi.io/cluster) needs
                # authorization type simple, and its User Operator must watch this namespace. The topics are the
                # topic operator's (../kafka-topics): no service creates one.
                """.formatted(REGENERATE));
        for (KafkaRole role : strimziRoles()) {
            out.append("---\n");
            out.append("# ")
                    .append(role.id())
                    .append(": ")
                    .append(role.usedBy())
                    .append('\n');
            out.append("""
                    apiVersion: kafka.strimzi.io/v1beta2
                    kind: KafkaUser
                    metadata:
                      name: %s
                      labels:
                        strimzi.io/cluster: %s
                    spec:
                      authentication:
                        type: scram-sha-512
                      authorization:
                        type: simple
                        acls:
                    """.formatted(role.defaultUser(), STRIMZI_CLUSTER));
            for (AccessMatrix.Grant g : matrix.grants(role)) {
                out.append("      # ").append(g.why()).append('\n');
                out.append("      - resource:\n");
                out.append("          type: ")
                        .append(strimziType(g.resourceType()))
                        .append('\n');
                out.append("          name: ").append(g.name()).append('\n');
                out.append("          patternType: ")
                        .append(g.patternType() == PatternType.PREFIXED ? "prefix" : "literal")
                        .append('\n');
                out.append("        operations: [")
                        .append(g.operations().stream()
                                .map(AccessFiles::operationName)
                                .collect(Collectors.joining(", ")))
                        .append("]\n");
            }
        }
        return out.toString();
    }

    private static String strimziType(ResourceType type) {
        return switch (type) {
            case TOPIC -> "topic";
            case GROUP -> "group";
            case TRANSACTIONAL_ID -> "transactionalId";
            case CLUSTER -> "cluster";
            default -> throw new IllegalArgumentException("no Strimzi ACL resource for " + type);
        };
    }

    private static String aclOption(ResourceType type) {
        return switch (type) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            case CLUSTER -> "--cluster";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + type);
        };
    }

    /** Kafka's own spelling of an operation, as kafka-acls.sh and Strimzi take it: DESCRIBE_CONFIGS → DescribeConfigs. */
    public static String operationName(AclOperation operation) {
        return Arrays.stream(operation.name().split("_"))
                .map(w -> w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining());
    }

    /** deploy/kafka-acls.sh: the registry's topics and every role's ACLs, for any topic prefix. */
    public static String aclScript() {
        AccessMatrix matrix = AccessMatrix.of(new TopicNames(PREFIX_MARK));
        StringBuilder topics = new StringBuilder();
        MrmKafkaProperties defaults = MrmKafkaProperties.defaults(PREFIX_MARK, 6);
        for (NewTopic topic : MrmTopics.newTopics(matrix.names(), defaults)) {
            topics.append("topic ").append(shellWord(topic.name()));
            new TreeMap<>(topic.configs())
                    .forEach((key, value) -> topics.append(' ')
                            .append(
                                    key.equals(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                                            ? "\"" + key + "=$MIN_ISR\""
                                            : key + "=" + value));
            topics.append('\n');
        }
        StringBuilder acls = new StringBuilder();
        for (KafkaRole role : KafkaRole.values()) {
            acls.append("\n# ")
                    .append(role.id())
                    .append(": ")
                    .append(role.usedBy())
                    .append('\n');
            for (AccessMatrix.Grant g : matrix.grants(role)) {
                acls.append("# ").append(g.why()).append('\n');
                acls.append("allow ").append(role.id()).append(' ').append(aclOption(g.resourceType()));
                if (g.resourceType() != ResourceType.CLUSTER) {
                    acls.append(' ').append(shellWord(g.name()));
                }
                acls.append(" --resource-pattern-type ")
                        .append(g.patternType().name().toLowerCase(Locale.ROOT));
                g.operations().forEach(op -> acls.append(" --operation ").append(operationName(op)));
                acls.append('\n');
            }
        }
        String principals = Arrays.stream(KafkaRole.values())
                .filter(r -> r != KafkaRole.ADMIN)
                .map(r -> "[" + r.id() + "]=User:" + r.defaultUser())
                .collect(Collectors.joining(" "));
        return SCRIPT.replace("@REGENERATE@", REGENERATE)
                .replace("@PRINCIPALS@", principals)
                .replace(
                        "@ROLES@",
                        Arrays.stream(KafkaRole.values()).map(KafkaRole::id).collect(Collectors.joining(", ")))
                .replace(
                        "@ROLE_WORDS@",
                        Arrays.stream(KafkaRole.values()).map(KafkaRole::id).collect(Collectors.joining(" ")))
                .replace("@TOPICS@", topics.toString())
                .replace("@ACLS@", acls.toString());
    }

    /** A name in double quotes, with the deployment's prefix as {@code ${PREFIX}}. */
    private static String shellWord(String name) {
        if (!name.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("unexpected character in " + name);
        }
        return "\"" + name.replace(PREFIX_MARK, "${PREFIX}") + "\"";
    }

    /**
     * The table in docs/security.md, "Who may write what": each registry topic, and what each role may do with it
     * (R read, W write, RW both, C create; — nothing).
     */
    public static String readmeTable(AccessMatrix matrix) {
        StringBuilder out = new StringBuilder("| topic |");
        for (KafkaRole role : KafkaRole.values()) {
            out.append(' ').append(role.id()).append(" |");
        }
        out.append("\n|---|");
        out.append("---|".repeat(KafkaRole.values().length)).append('\n');
        for (Topic<?> topic : Topics.ALL) {
            out.append("| `").append(matrix.names().of(topic)).append("` |");
            for (KafkaRole role : KafkaRole.values()) {
                AccessMatrix.TopicAccess access = matrix.access(role, topic);
                out.append(' ')
                        .append(
                                access == null
                                        ? "—"
                                        : switch (access) {
                                            case READ -> "R";
                                            case WRITE -> "**W**";
                                            case READ_WRITE -> "R **W**";
                                            case CREATE -> "C";
                                        })
                        .append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static final String SCRIPT = """
            #!/usr/bin/env bash
            # MRM's topics and least-privilege ACLs, for a Kafka cluster that Strimzi does not manage (Strimzi:
            # k8s/base/kafka-topics and k8s/base/kafka-users). One principal per role; each may read and write
            # exactly what docs/security.md, "Who may write what", lists (DescribeConfigs on a topic: the service's start-up
            # durability check reads its settings).
            #
            # GENERATED from kafka-support's io.mrm.kafka.acl.AccessMatrix by AccessFiles: do not edit by hand.
            # deploy-check fails when this file and the matrix differ; regenerate with
            #   @REGENERATE@
            #
            #   deploy/kafka-acls.sh --bootstrap-server HOST:PORT --command-config admin.properties \\
            #       [--principal ROLE=User:NAME ...] [--topic-prefix mrm.] [--partitions 6] \\
            #       [--replication-factor 3] [--min-insync-replicas 2] [--acls-only] [--kafka-bin DIR] [--dry-run]
            #
            # --command-config holds the client settings of a principal that may create topics and ACLs (Kafka's
            # own tools take the same file). Roles: @ROLES@; each role's principal defaults to User:mrm-ROLE, the
            # admin role's ACLs (a narrower principal for creating the topics later) are added only when
            # --principal admin=... names one. Running it again adds only what is missing. It needs Kafka's
            # kafka-topics.sh and kafka-acls.sh (on PATH or in --kafka-bin), and brokers with an authorizer and
            # allow.everyone.if.no.acl.found=false (without that, ACLs restrict nobody).
            #
            # Managed Kafka:
            # - Amazon MSK: with SASL/SCRAM (users are Secrets Manager secrets associated with the cluster) or mTLS,
            #   Kafka ACLs apply: run this script, and set allow.everyone.if.no.acl.found=false in the cluster's
            #   configuration (MSK's default is true). With IAM access control, Kafka ACLs have no effect on IAM
            #   identities: the same matrix must be written as one IAM policy per role (kafka-cluster:Connect,
            #   ReadData/WriteData and DescribeTopic on the topic ARNs, AlterGroup/DescribeGroup on the group,
            #   DescribeTransactionalId/AlterTransactionalId for the engine), and the clients need MSK's IAM
            #   login module, which MRM's images do not bring.
            # - Confluent Cloud: one service account per role, authenticating with its own API key (SASL/PLAIN:
            #   set SPRING_KAFKA_PROPERTIES_SASL_MECHANISM=PLAIN); give each the grants below with
            #   `confluent kafka acl create --allow --service-account sa-... --operations ... --topic|--consumer-group|
            #   --transactional-id NAME [--prefix]`. Topics: `confluent kafka topic create` with the settings below.
            # - Azure Event Hubs (Kafka endpoint): there are no Kafka ACLs. Access is a SAS policy (Send, Listen,
            #   Manage) or a Microsoft Entra role (Azure Event Hubs Data Sender / Data Receiver / Data Owner) on the
            #   namespace or on one event hub (= topic): "who may write which topic" can be kept, read and write
            #   per topic can, but not per consumer group or transactional id, and not DescribeConfigs. Event hubs
            #   are created through Azure (portal, CLI, ARM/Bicep), not with kafka-topics.sh; check the tier's support
            #   for Kafka transactions before running the engine (exactly-once) there.
            set -euo pipefail

            usage() {
              sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \\{0,1\\}//'
              exit "${1:-2}"
            }
            die() { echo "kafka-acls.sh: $*" >&2; exit 2; }

            BOOTSTRAP=
            COMMAND_CONFIG=
            PREFIX=mrm.
            PARTITIONS=6
            REPLICATION_FACTOR=3
            MIN_ISR=2
            KAFKA_BIN=
            DRY_RUN=
            ACLS_ONLY=
            declare -A PRINCIPAL=(@PRINCIPALS@)

            while [ $# -gt 0 ]; do
              case "$1" in
                --bootstrap-server) BOOTSTRAP=${2:?}; shift 2 ;;
                --command-config) COMMAND_CONFIG=${2:?}; shift 2 ;;
                --topic-prefix) PREFIX=${2?}; shift 2 ;;
                --partitions) PARTITIONS=${2:?}; shift 2 ;;
                --replication-factor) REPLICATION_FACTOR=${2:?}; shift 2 ;;
                --min-insync-replicas) MIN_ISR=${2:?}; shift 2 ;;
                --principal)
                  role=${2%%=*}
                  [[ " @ROLE_WORDS@ " == *" $role "* ]] || die "unknown role '$role' in --principal $2"
                  [[ "$2" == *=User:?* ]] || die "--principal $2: give ROLE=User:NAME"
                  PRINCIPAL[$role]=${2#*=}; shift 2 ;;
                --kafka-bin) KAFKA_BIN=${2:?}/; shift 2 ;;
                --acls-only) ACLS_ONLY=1; shift ;;
                --dry-run) DRY_RUN=1; shift ;;
                -h|--help) usage 0 ;;
                *) die "unknown option $1 (--help)" ;;
              esac
            done
            [ -n "$BOOTSTRAP" ] || die "--bootstrap-server is required"
            [ -n "$COMMAND_CONFIG" ] || die "--command-config is required"
            [ -n "$DRY_RUN" ] || [ -r "$COMMAND_CONFIG" ] || die "cannot read $COMMAND_CONFIG"
            [[ "$PREFIX" =~ ^[A-Za-z0-9._-]{0,100}$ ]] || die "--topic-prefix '$PREFIX': at most 100 of [A-Za-z0-9._-]"
            for n in "$PARTITIONS" "$REPLICATION_FACTOR" "$MIN_ISR"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "not a count: $n"; done

            run() {
              if [ -n "$DRY_RUN" ]; then printf '%q ' "$@"; echo; else "$@"; fi
            }

            # topic NAME CONFIG...: creates the topic unless it exists (an existing one is left as it is)
            topic() {
              local name=$1 config=(); shift
              for c in "$@"; do config+=(--config "$c"); done
              run "${KAFKA_BIN}kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" \\
                --create --if-not-exists --topic "$name" --partitions "$PARTITIONS" \\
                --replication-factor "$REPLICATION_FACTOR" "${config[@]}"
            }

            # allow ROLE RESOURCE...: allows the role's principal, from any host
            allow() {
              local role=$1; shift
              [ -n "${PRINCIPAL[$role]:-}" ] || return 0
              run "${KAFKA_BIN}kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" \\
                --add --allow-principal "${PRINCIPAL[$role]}" --allow-host '*' "$@"
            }

            if [ -z "$ACLS_ONLY" ]; then
            # The registry's topics (common-events Topics), with the settings the services would use
            @TOPICS@fi
            @ACLS@""";
}
