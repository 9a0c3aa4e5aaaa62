package io.mrm.health;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** health-monitor: probes both regions from one vantage point and publishes what it sees. */
@SpringBootApplication
public class HealthMonitorApplication {

    public static final String SERVICE = "health-monitor";

    public static void main(String[] args) {
        MrmApplication.run(HealthMonitorApplication.class, SERVICE, args);
    }
}
