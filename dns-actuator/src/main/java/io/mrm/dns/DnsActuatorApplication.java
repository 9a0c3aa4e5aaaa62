package io.mrm.dns;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** dns-actuator: executes DNS step commands and acknowledges them. */
@SpringBootApplication
public class DnsActuatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(DnsActuatorApplication.class, args);
    }
}
