package io.mrm.aem;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The running aem-sync service as deployed (its own configuration, the local profile, one partition), for
 * an IT on an {@link AemServiceBackend}; the test's own settings go in a {@code @TestPropertySource}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        classes = AemSyncApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=aem-sync", "spring.profiles.active=local", "mrm.kafka.partitions=1"})
@interface RunningAemSync {}
