package io.mrm.hana;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** hana-sync: executes data-replication (drain, promote, re-protect) step commands and acknowledges them. */
@SpringBootApplication
public class HanaSyncApplication {

    public static final String SERVICE = "hana-sync";

    public static void main(String[] args) {
        MrmApplication.run(HanaSyncApplication.class, SERVICE, args);
    }
}
