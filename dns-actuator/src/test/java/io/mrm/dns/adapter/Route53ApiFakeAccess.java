package io.mrm.dns.adapter;

import io.mrm.dns.adapter.Route53ApiFake.Rrset;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Opens {@link Route53ApiFake} to tests outside this package (the Spring Boot integration test). */
public final class Route53ApiFakeAccess implements AutoCloseable {

    private final Route53ApiFake fake;
    private final String zoneId;

    private Route53ApiFakeAccess(Route53ApiFake fake, String zoneId) {
        this.fake = fake;
        this.zoneId = zoneId;
    }

    /** A fake with one zone holding one CNAME. */
    public static Route53ApiFakeAccess start(String zoneId, String name, String cname) {
        try {
            Route53ApiFake fake = new Route53ApiFake();
            fake.createZone(zoneId, Rrset.of(name, "CNAME", 300, cname));
            return new Route53ApiFakeAccess(fake, zoneId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return fake.endpoint().toString();
    }

    public String cname(String name) {
        Rrset r = fake.get(zoneId, name, "CNAME", null);
        return r == null ? null : r.values().get(0);
    }

    public String txt(String name) {
        Rrset r = fake.get(zoneId, name, "TXT", null);
        return r == null ? null : r.values().get(0);
    }

    @Override
    public void close() {
        fake.close();
    }
}
