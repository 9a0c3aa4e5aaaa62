package io.mrm.events.auth;

import io.mrm.events.decision.Actuator;
import java.util.Arrays;
import java.util.Optional;

/**
 * The services whose records on the bus carry an Ed25519 signature: the engine signs its commands,
 * each actuator signs its acknowledgements. Who a service is comes from its service name, never
 * from a setting that could claim another role.
 */
public enum BusSigner {
    ENGINE("decision-engine"),
    DNS_ACTUATOR("dns-actuator"),
    HANA_SYNC("hana-sync"),
    AEM_SYNC("aem-sync"),
    HOOK_ACTUATOR("hook-actuator");

    private final String serviceName;

    BusSigner(String serviceName) {
        this.serviceName = serviceName;
    }

    /** The service name ({@code mrm.service.name}) of the signer, also how settings name it. */
    public String serviceName() {
        return serviceName;
    }

    public static BusSigner forActuator(Actuator actuator) {
        return switch (actuator) {
            case DNS -> DNS_ACTUATOR;
            case HANA -> HANA_SYNC;
            case AEM -> AEM_SYNC;
            case HOOK -> HOOK_ACTUATOR;
        };
    }

    public static Optional<BusSigner> forService(String serviceName) {
        return Arrays.stream(values())
                .filter(s -> s.serviceName.equals(serviceName))
                .findFirst();
    }

    /** Reads a signer by its service name, e.g. {@code decision-engine}. */
    public static BusSigner named(String serviceName) {
        return forService(serviceName)
                .orElseThrow(() -> new IllegalArgumentException("signer must be one of "
                        + Arrays.stream(values()).map(BusSigner::serviceName).toList() + ", was '" + serviceName
                        + "'"));
    }
}
