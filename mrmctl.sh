#!/usr/bin/env bash
# Runs mrmctl, the operators' command-line tool; builds its jar on first use (or after `rm -r mrmctl/target`).
# (Named mrmctl.sh because ./mrmctl is the module's folder.)
#   ./mrmctl.sh --help
#   MRM_KAFKA_BOOTSTRAP_SERVERS=localhost:9092 MRM_OPERATOR=alice ./mrmctl.sh status
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
jar="$root/mrmctl/target/mrmctl-0.1.0-SNAPSHOT-exec.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && ./mvnw -q -B -pl mrmctl -am -DskipTests package >&2)
fi
exec java -jar "$jar" "$@"
