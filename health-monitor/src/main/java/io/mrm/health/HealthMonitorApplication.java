package io.mrm.health;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** health-monitor: probes both regions from one vantage point and publishes what it sees. */
@SpringBootApplication
public class HealthMonitorApplication {

    public static final String SERVICE = "health-monitor";

    /** See {@link io.mrm.health.adapter.probe.HttpClients#COMMON_POOL_PARALLELISM}. */
    public static void main(String[] args) {
        if (System.getProperty(io.mrm.health.adapter.probe.HttpClients.COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(io.mrm.health.adapter.probe.HttpClients.COMMON_POOL_PARALLELISM, "2");
        }
        MrmApplication.run(HealthMonitorApplication.class, SERVICE, args);
    }
}
