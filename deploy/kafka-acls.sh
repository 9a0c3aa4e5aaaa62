#!/usr/bin/env bash
# MRM's topics and least-privilege ACLs, for a Kafka cluster that Strimzi does not manage (Strimzi:
# k8s/base/kafka-topics and k8s/base/kafka-users). One principal per role; each may read and write
# exactly what docs/security.md, "Who may write what", lists (DescribeConfigs on a topic: the service's start-up
# durability check reads its settings).
#
# GENERATED from kafka-support's io.mrm.kafka.acl.AccessMatrix by AccessFiles: do not edit by hand.
# deploy-check fails when this file and the matrix differ; regenerate with
#   ./mvnw -B -q -pl deploy-check -am install -DskipTests && ./mvnw -B -pl deploy-check test -Dtest=AccessFilesTest -Dmrm.write-access-files=true
#
#   deploy/kafka-acls.sh --bootstrap-server HOST:PORT --command-config admin.properties \
#       [--principal ROLE=User:NAME ...] [--topic-prefix mrm.] [--partitions 6] \
#       [--replication-factor 3] [--min-insync-replicas 2] [--acls-only] [--kafka-bin DIR] [--dry-run]
#
# --command-config holds the client settings of a principal that may create topics and ACLs (Kafka's
# own tools take the same file). Roles: monitor, engine, dns-actuator, hana-sync, aem-sync, hook-actuator, operator, viewer, admin; each role's principal defaults to User:mrm-ROLE, the
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
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
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
declare -A PRINCIPAL=([monitor]=User:mrm-monitor [engine]=User:mrm-engine [dns-actuator]=User:mrm-dns-actuator [hana-sync]=User:mrm-hana-sync [aem-sync]=User:mrm-aem-sync [hook-actuator]=User:mrm-hook-actuator [operator]=User:mrm-operator [viewer]=User:mrm-viewer)

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
      [[ " monitor engine dns-actuator hana-sync aem-sync hook-actuator operator viewer admin " == *" $role "* ]] || die "unknown role '$role' in --principal $2"
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
  run "${KAFKA_BIN}kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" \
    --create --if-not-exists --topic "$name" --partitions "$PARTITIONS" \
    --replication-factor "$REPLICATION_FACTOR" "${config[@]}"
}

# allow ROLE RESOURCE...: allows the role's principal, from any host
allow() {
  local role=$1; shift
  [ -n "${PRINCIPAL[$role]:-}" ] || return 0
  run "${KAFKA_BIN}kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$COMMAND_CONFIG" \
    --add --allow-principal "${PRINCIPAL[$role]}" --allow-host '*' "$@"
}

if [ -z "$ACLS_ONLY" ]; then
# The registry's topics (common-events Topics), with the settings the services would use
topic "${PREFIX}health.observations" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=604800000
topic "${PREFIX}operator.requests" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}decisions" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}topology" cleanup.policy=compact max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=-1
topic "${PREFIX}commands.dns" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}commands.hana" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}commands.aem" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}commands.hook" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}command.acks" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}engine.journal" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=34560000000
topic "${PREFIX}readiness.reports" cleanup.policy=delete max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=604800000
topic "${PREFIX}readiness" cleanup.policy=compact max.message.bytes=1048588 "min.insync.replicas=$MIN_ISR" retention.ms=-1
topic "${PREFIX}dlq" cleanup.policy=delete max.message.bytes=2097152 "min.insync.replicas=$MIN_ISR" retention.ms=2592000000
fi

# monitor: health-monitor
# writes: its observations
allow monitor --topic "${PREFIX}health.observations" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs

# engine: decision-engine
# reads: input
allow engine --topic "${PREFIX}health.observations" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# reads: input
allow engine --topic "${PREFIX}operator.requests" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# reads: input
allow engine --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# reads: input
allow engine --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# reads: restores a reset application from what it published; writes: only the engine writes it
allow engine --topic "${PREFIX}topology" --resource-pattern-type literal --operation Read --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}decisions" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}commands.dns" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}commands.hana" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}commands.aem" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}commands.hook" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}engine.journal" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: only the engine writes it
allow engine --topic "${PREFIX}readiness" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: inputs it cannot read or validate
allow engine --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# Kafka Streams' consumer group (its application.id)
allow engine --group "${PREFIX}decision-engine" --resource-pattern-type literal --operation Read
# exactly-once: one transactional id per stream thread, prefixed by the application.id
allow engine --transactional-id "${PREFIX}decision-engine-" --resource-pattern-type prefixed --operation Write --operation Describe
# Kafka Streams' internal topics (the state store's changelog), which it creates and checks itself
allow engine --topic "${PREFIX}decision-engine-" --resource-pattern-type prefixed --operation Read --operation Write --operation Create --operation Describe --operation DescribeConfigs

# dns-actuator: dns-actuator
# reads: its commands
allow dns-actuator --topic "${PREFIX}commands.dns" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# writes: its acknowledgements
allow dns-actuator --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: its readiness checks
allow dns-actuator --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: commands it cannot read or validate
allow dns-actuator --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# its consumer group (mrm.service.name)
allow dns-actuator --group "dns-actuator" --resource-pattern-type literal --operation Read

# hana-sync: hana-sync
# reads: its commands
allow hana-sync --topic "${PREFIX}commands.hana" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# writes: its acknowledgements
allow hana-sync --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: its readiness checks
allow hana-sync --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: commands it cannot read or validate
allow hana-sync --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# its consumer group (mrm.service.name)
allow hana-sync --group "hana-sync" --resource-pattern-type literal --operation Read

# aem-sync: aem-sync
# reads: its commands
allow aem-sync --topic "${PREFIX}commands.aem" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# writes: its acknowledgements
allow aem-sync --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: its readiness checks
allow aem-sync --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: commands it cannot read or validate
allow aem-sync --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# its consumer group (mrm.service.name)
allow aem-sync --group "aem-sync" --resource-pattern-type literal --operation Read

# hook-actuator: hook-actuator
# reads: its commands
allow hook-actuator --topic "${PREFIX}commands.hook" --resource-pattern-type literal --operation Read --operation Describe --operation DescribeConfigs
# writes: its acknowledgements
allow hook-actuator --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: its readiness checks
allow hook-actuator --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# writes: commands it cannot read or validate
allow hook-actuator --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Write --operation Describe --operation DescribeConfigs
# its consumer group (mrm.service.name)
allow hook-actuator --group "hook-actuator" --resource-pattern-type literal --operation Read

# operator: mrmctl
# reads: status, audit, replay
allow operator --topic "${PREFIX}health.observations" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay; writes: signed operator requests
allow operator --topic "${PREFIX}operator.requests" --resource-pattern-type literal --operation Read --operation Write --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}decisions" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}topology" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}commands.dns" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}commands.hana" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}commands.aem" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}commands.hook" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}engine.journal" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}readiness" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow operator --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Read --operation Describe

# viewer: mrmctl
# reads: status, audit, replay
allow viewer --topic "${PREFIX}health.observations" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}operator.requests" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}decisions" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}topology" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}commands.dns" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}commands.hana" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}commands.aem" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}commands.hook" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}engine.journal" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}readiness" --resource-pattern-type literal --operation Read --operation Describe
# reads: status, audit, replay
allow viewer --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Read --operation Describe

# admin: kafka-acls.sh / Strimzi's topic operator
# creates it with the registry's settings
allow admin --topic "${PREFIX}health.observations" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}operator.requests" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}decisions" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}topology" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}commands.dns" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}commands.hana" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}commands.aem" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}commands.hook" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}command.acks" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}engine.journal" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}readiness.reports" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}readiness" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
# creates it with the registry's settings
allow admin --topic "${PREFIX}dlq" --resource-pattern-type literal --operation Create --operation Describe --operation DescribeConfigs
