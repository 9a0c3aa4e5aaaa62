package io.mrm.kafka;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts an MRM service. Each service keeps its settings in {@code <service>.yml} rather than
 * {@code application.yml}, so that several services can share one classpath (the sandbox runs them
 * all in one JVM); a user's own {@code application.yml} (e.g. in {@code ./config} or
 * {@code SPRING_CONFIG_ADDITIONAL_LOCATION}) still applies on top.
 */
public final class MrmApplication {

    private MrmApplication() {}

    public static SpringApplicationBuilder builder(Class<?> application, String serviceName) {
        return new SpringApplicationBuilder(application)
                .properties("spring.config.name=" + serviceName + ",application");
    }

    public static ConfigurableApplicationContext run(Class<?> application, String serviceName, String[] args) {
        return builder(application, serviceName).run(args);
    }
}
