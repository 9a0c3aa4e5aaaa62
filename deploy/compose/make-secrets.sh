#!/usr/bin/env sh
# Writes the local stack's secrets into deploy/compose/secrets/ (ignored by git): a PostgreSQL
# password, a Solace admin password and a TSIG key, once as BIND reads it and once as the
# dns-actuator reads it (the base64 secret alone). Existing files are kept; delete them to rotate.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
random() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
write() { [ -s "$dir/$1" ] || { printf '%s' "$2" > "$dir/$1"; echo "wrote $dir/$1"; }; }

write postgres_password "$(random 24 | tr -d '/+=')"
write solace_admin_password "$(random 24 | tr -d '/+=')"
write dns_tsig_secret "$(random 32)"
write dns_tsig_key "key \"mrm-dns\" { algorithm hmac-sha256; secret \"$(cat "$dir/dns_tsig_secret")\"; };
"
# Compose mounts these files as they are (outside a swarm); the containers run as other users.
chmod 0644 "$dir"/*
