package io.mrm.hana.adapter.postgres;

import io.mrm.hana.HanaSyncApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The running hana-sync service as deployed (its own configuration, the local profile, one partition), for an
 * IT on a {@link PostgresServiceBackend}; the test's own settings go in a {@code @TestPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        classes = HanaSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=hana-sync", "spring.profiles.active=local", "mrm.kafka.partitions=1"})
@interface RunningHanaSync {}
