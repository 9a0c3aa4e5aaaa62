#!/usr/bin/env bash
# Runs one module's tests N times while other processes keep every CPU busy, and counts the runs
# that passed. Usage:
#   scripts/under-load.sh RUNS MODULE TESTS        e.g. scripts/under-load.sh 30 hana-sync 'PostgresSwitchoverIT,PostgresRpoZeroIT'
# Build first (./mvnw -B -q install -DskipTests). Each run's log is kept in target/under-load/.
set -euo pipefail
runs=${1:?runs}; module=${2:?module}; tests=${3:?tests}
cd "$(dirname "$0")/.."
logs="$module/target/under-load"; mkdir -p "$logs"
burners=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT
passed=0
for i in $(seq "$runs"); do
  start=$(date +%s)
  if ./mvnw -B -q test -pl "$module" -Dtest="$tests" >"$logs/run-$i.log" 2>&1; then
    passed=$((passed + 1)); verdict=passed
  else
    verdict=FAILED
  fi
  echo "run $i/$runs: $verdict in $(( $(date +%s) - start )) s (log: $logs/run-$i.log)"
done
echo "UNDER LOAD: $passed of $runs runs of $module $tests passed with $(nproc) busy loops beside them"
[ "$passed" -eq "$runs" ]
