package io.mrm.aem;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** aem-sync: executes event-broker replication (set role, drain, verify) step commands and acknowledges them. */
@SpringBootApplication
public class AemSyncApplication {

    public static final String SERVICE = "aem-sync";

    public static void main(String[] args) {
        MrmApplication.run(AemSyncApplication.class, SERVICE, args);
    }
}
