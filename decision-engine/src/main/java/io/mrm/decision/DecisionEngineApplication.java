package io.mrm.decision;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The decision engine: turns observations, operator requests and acks into decisions and commands. */
@SpringBootApplication
public class DecisionEngineApplication {

    public static final String SERVICE = "decision-engine";

    public static void main(String[] args) {
        MrmApplication.run(DecisionEngineApplication.class, SERVICE, args);
    }
}
