package io.mrm.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * The services that write to the bus, by their {@code mrm.service.name}. The topic registry names each topic's
 * writers with these, and a service's {@link io.mrm.events.codec.EventCodec} refuses to encode an event for a
 * topic its service does not write.
 */
public enum MrmService {
    HEALTH_MONITOR("health-monitor"),
    DECISION_ENGINE("decision-engine"),
    DNS_ACTUATOR("dns-actuator"),
    HANA_SYNC("hana-sync"),
    AEM_SYNC("aem-sync"),
    HOOK_ACTUATOR("hook-actuator"),
    MRMCTL("mrmctl");

    private final String serviceName;

    MrmService(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The service's {@code mrm.service.name}, e.g. {@code dns-actuator}. */
    public String serviceName() {
        return serviceName;
    }

    /** The service of that {@code mrm.service.name}; empty for any other name (a test harness's own). */
    public static Optional<MrmService> forName(String serviceName) {
        return Arrays.stream(values())
                .filter(s -> s.serviceName.equals(serviceName))
                .findFirst();
    }

    @Override
    public String toString() {
        return serviceName;
    }
}
