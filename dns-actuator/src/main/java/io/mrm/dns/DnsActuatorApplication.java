package io.mrm.dns;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** dns-actuator: executes DNS step commands and acknowledges them. */
@SpringBootApplication
public class DnsActuatorApplication {

    public static final String SERVICE = "dns-actuator";

    public static void main(String[] args) {
        MrmApplication.run(DnsActuatorApplication.class, SERVICE, args);
    }
}
