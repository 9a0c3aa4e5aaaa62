#!/usr/bin/env sh
# Writes the local stack's secrets into deploy/compose/secrets/ (ignored by git): a PostgreSQL
# password, a Solace admin password, a TSIG key (once as BIND reads it and once as the dns-actuator
# reads it: the base64 secret alone), and the brokers' TLS: a certificate for solace-a and solace-b
# signed by a local CA made for the purpose (its key is thrown away), and that CA in a PKCS#12 trust
# store for aem-sync. Needs openssl, and keytool (a JDK; without one, keytool runs in the
# eclipse-temurin image). Existing files are kept; delete them to rotate.
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
# The brokers' certificate and aem-sync's trust store are made together (delete both to rotate).
if [ ! -s "$dir/solace_tls_server" ] || [ ! -s "$dir/solace_ca_truststore" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=MRM local stack CA" \
    -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=solace" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:solace-a,DNS:solace-b,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$work/ext"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 825 \
    -extfile "$work/ext" -out "$work/server.crt" 2>/dev/null
  # Solace reads one PEM file: the private key, then the certificate
  write solace_tls_server "$(cat "$work/server.key" "$work/server.crt")
"
  # The JVM does not read PEM trust stores; an unprotected PKCS#12 needs no password to read (it holds
  # only the CA's certificate, no key)
  store="-importcert -noprompt -alias mrm-local-ca -storetype PKCS12 -storepass changeit"
  store="$store -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE"
  if command -v keytool >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # one option a word
    keytool $store -file "$work/ca.crt" -keystore "$work/truststore.p12" >"$work/keytool.log" 2>&1 \
      || { cat "$work/keytool.log" >&2; exit 1; }
  else
    # shellcheck disable=SC2086
    docker run --rm -v "$work:/work" eclipse-temurin:17-jre \
      keytool $store -file /work/ca.crt -keystore /work/truststore.p12 >"$work/keytool.log" 2>&1 \
      || { cat "$work/keytool.log" >&2; exit 1; }
  fi
  rm -f "$dir/solace_ca_truststore"
  cp "$work/truststore.p12" "$dir/solace_ca_truststore"
  echo "wrote $dir/solace_ca_truststore"
fi
# Compose mounts these files as they are (outside a swarm); the containers run as other users.
chmod 0644 "$dir"/*
