#!/usr/bin/env bash
# Makes the keys that authenticate commands, acknowledgements and observations on the bus, into the
# overlays' secrets/ folders (git-ignored), where their kustomizations read them:
#
#   overlays/control/secrets/bus-<signer>.key   Ed25519 private key (PKCS#8 PEM) of decision-engine,
#                                               dns-actuator, hana-sync, aem-sync, hook-actuator:
#                                               Secret mrm-bus-key-<signer>
#   overlays/control/secrets/bus-<signer>.pub   its public key: ConfigMap mrm-bus-public-keys
#   overlays/control/secrets/vantage-<site>.secret
#                                               each vantage point's secret (48 random bytes, base64): the
#                                               engine's Secret mrm-vantage-secrets, the control monitor's
#                                               mrm-vantage-secret (vantage-control only)
#   overlays/region-{a,b}/secrets/vantage-region-{a,b}.secret
#                                               a copy of the control site's, for that region's monitor
#
# It keeps every file that is already there (running it again fills in only what is missing) and stops
# on one that is still an example or does not match its pair. To roll a key over, see docs/security.md,
# "Signed commands, acknowledgements and observations".
#
#   k8s/make-bus-keys.sh
set -euo pipefail
umask 077

k8s="$(cd "$(dirname "$0")" && pwd)"
control="$k8s/overlays/control/secrets"
command -v openssl > /dev/null || { echo "make-bus-keys.sh: needs openssl" >&2; exit 1; }

fail() {
  echo "make-bus-keys.sh: $*" >&2
  exit 1
}

not_an_example() {
  if grep -q REPLACE-ME "$1"; then
    fail "$1 is still the example: delete it, and run this again to make it"
  fi
}

mkdir -p "$control"
for signer in decision-engine dns-actuator hana-sync aem-sync hook-actuator; do
  key="$control/bus-$signer.key"
  pub="$control/bus-$signer.pub"
  if [ -e "$key" ]; then
    not_an_example "$key"
    openssl pkey -in "$key" -noout 2> /dev/null || fail "$key is no private key"
  else
    [ ! -e "$pub" ] || fail "$pub is there without its private key $key: delete it, or put the key back"
    openssl genpkey -algorithm ed25519 -out "$key"
    echo "made $key"
  fi
  if [ -e "$pub" ]; then
    not_an_example "$pub"
    openssl pkey -in "$key" -pubout | cmp -s - "$pub" || fail "$pub is not the public key of $key"
  else
    openssl pkey -in "$key" -pubout -out "$pub"
    echo "made $pub"
  fi
done

for site in region-a region-b control; do
  secret="$control/vantage-$site.secret"
  if [ -e "$secret" ]; then
    not_an_example "$secret"
  else
    openssl rand -base64 48 > "$secret"
    echo "made $secret"
  fi
  if [ "$site" != control ]; then
    dir="$k8s/overlays/$site/secrets"
    copy="$dir/vantage-$site.secret"
    mkdir -p "$dir"
    if [ -e "$copy" ]; then
      cmp -s "$secret" "$copy" || fail "$copy differs from $secret: the monitor's and the engine's must be the same"
    else
      cp "$secret" "$copy"
      echo "made $copy"
    fi
  fi
done
