#!/usr/bin/env bash
# Builds MRM (first run: a few minutes, downloads dependencies) and runs the local sandbox:
# an in-process Kafka broker, two simulated regions and every MRM service in one JVM.
#   ./sandbox.sh                 scripted outage of region A, prints the timeline, exits 0 on a switch
#   ./sandbox.sh --interactive   keeps running; break and mend regions yourself
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -q -B -DskipTests install
exec java -jar sandbox/target/sandbox-0.1.0-SNAPSHOT-exec.jar "$@"
