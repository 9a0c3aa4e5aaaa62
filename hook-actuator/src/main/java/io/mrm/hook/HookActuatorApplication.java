package io.mrm.hook;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** hook-actuator: executes hook step commands (HTTP hooks, SAP Cloud Integration switches) and acknowledges them. */
@SpringBootApplication
public class HookActuatorApplication {

    public static final String SERVICE = "hook-actuator";

    public static void main(String[] args) {
        MrmApplication.run(HookActuatorApplication.class, SERVICE, args);
    }
}
