package io.mrm.architecture;

import java.util.Arrays;
import java.util.List;

/**
 * The service modules and the packages their main code lives in. A service is deployed on its own, so its code
 * must not reach into another service's packages: what two services share belongs in a library module
 * (common-events, kafka-support, decision-core, audit). The sandbox, the benchmarks, the simulation and deploy-check
 * are not services: they compose services (or test them) on purpose and have no rule of this kind.
 *
 * <p>decision-engine shares its root package with decision-core: the engine is {@code io.mrm.decision} itself
 * (the application class) with its {@code adapter} and {@code config} packages; decision-core is
 * {@code io.mrm.decision.domain} and {@code io.mrm.decision.policy}.
 */
public enum ServiceModule {
    HEALTH_MONITOR("health-monitor", "io.mrm.health.."),
    DECISION_ENGINE("decision-engine", "io.mrm.decision", "io.mrm.decision.adapter..", "io.mrm.decision.config.."),
    DNS_ACTUATOR("dns-actuator", "io.mrm.dns.."),
    HANA_SYNC("hana-sync", "io.mrm.hana.."),
    AEM_SYNC("aem-sync", "io.mrm.aem.."),
    HOOK_ACTUATOR("hook-actuator", "io.mrm.hook.."),
    MRMCTL("mrmctl", "io.mrm.mrmctl.."),
    STATUS_BOARD("status-board", "io.mrm.board..");

    private final String artifactId;
    private final List<String> packages;

    ServiceModule(String artifactId, String... packages) {
        this.artifactId = artifactId;
        this.packages = List.of(packages);
    }

    public String artifactId() {
        return artifactId;
    }

    /** ArchUnit package identifiers of this service's code. */
    public List<String> packages() {
        return packages;
    }

    /** The package identifiers of every service except this one. */
    public String[] otherServicesPackages() {
        return Arrays.stream(values())
                .filter(s -> s != this)
                .flatMap(s -> s.packages.stream())
                .toArray(String[]::new);
    }

    /** The package identifiers of every service. */
    public static String[] allPackages() {
        return Arrays.stream(values()).flatMap(s -> s.packages.stream()).toArray(String[]::new);
    }
}
