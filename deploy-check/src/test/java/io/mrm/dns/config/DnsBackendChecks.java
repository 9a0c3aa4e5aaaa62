package io.mrm.dns.config;

/**
 * The checks the dns-actuator runs on its cloud backends' settings when it builds their routers
 * ({@code CloudDnsRouters}), reachable from deploy-check: they are package-private in the service.
 */
public final class DnsBackendChecks {

    private DnsBackendChecks() {}

    /** @throws IllegalArgumentException naming every problem, as at the service's start */
    public static void route53(Route53Properties props) {
        props.zones();
        props.settings();
    }

    /** @throws IllegalArgumentException naming every problem, as at the service's start */
    public static void trafficManager(TrafficManagerProperties props) {
        props.profiles();
    }
}
