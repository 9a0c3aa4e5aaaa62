#!/usr/bin/env bash
# Runs the whole test suite (README's test command) while other processes keep every CPU busy, the way
# a shared CI machine or a laptop in a video call does. Every test must pass like this: none may need
# an idle machine. Usage: scripts/verify-saturated.sh [extra Maven arguments]
# The busy loops run at normal priority, as long as the build, and are stopped when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
burners=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & burners+=($!); done
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT
echo "verify-saturated: ${#burners[@]} busy loop(s) beside the build on $(nproc) CPU(s)"
start=$(date +%s)
status=0
./mvnw -B verify "$@" || status=$?
echo "verify-saturated: exit $status after $(( $(date +%s) - start )) s with every CPU saturated"
exit "$status"
