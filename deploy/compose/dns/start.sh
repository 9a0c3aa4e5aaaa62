#!/bin/sh
# named writes a journal beside a zone that takes dynamic updates, so the zone and the key are
# copied into a folder the server's user owns (the mounted ones are read-only).
set -eu
user=bind
id "$user" > /dev/null 2>&1 || user=named
mkdir -p /var/lib/mrm-dns
cp /etc/mrm-dns/mrm.test.zone /var/lib/mrm-dns/mrm.test.zone
cp /run/secrets/dns_tsig_key /var/lib/mrm-dns/tsig.key
chown -R "$user" /var/lib/mrm-dns
chmod 0600 /var/lib/mrm-dns/tsig.key
exec named -g -u "$user" -c /etc/mrm-dns/named.conf
