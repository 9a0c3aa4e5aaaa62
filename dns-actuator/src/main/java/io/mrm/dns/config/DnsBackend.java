package io.mrm.dns.config;

import io.mrm.dns.domain.DnsReadinessProbe;
import io.mrm.dns.domain.DnsRouter;

/** One DNS backend as configured: the router that switches and the probe that checks, read-only, that it could. */
record DnsBackend<R extends DnsRouter>(R router, DnsReadinessProbe probe) {}
