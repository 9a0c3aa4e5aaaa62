package io.mrm.kafka.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * JSON logs are one variable away: with {@code MRM_LOG_FORMAT=ecs} the console encoder Spring Boot sets up
 * from the shipped defaults writes Elastic Common Schema JSON, with the MDC keys the services set
 * ({@code mrm.application}, {@code mrm.decision}, {@code mrm.epoch}, {@code mrm.step}) as fields; without
 * it, plain text as before.
 */
class JsonLogsTest {

    /** Nothing but the shipped defaults and Spring Boot's logging set-up: no service, no broker. */
    @Configuration(proxyBeanMethods = false)
    static class NoBeans {}

    @AfterEach
    void restoreTestLogging() throws JoranException {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.reset();
        new ContextInitializer(logging).autoConfig();
    }

    @Test
    void ecsFormatWritesJsonWithTheMdcKeysAsFields() throws Exception {
        Encoder<?> encoder = consoleEncoderWith("--MRM_LOG_FORMAT=ecs");

        LoggingEvent event = event(Map.of(
                "mrm.application", "orders",
                "mrm.decision", "d-42",
                "mrm.epoch", "7",
                "mrm.step", "3"));
        String line = new String(encode(encoder, event), StandardCharsets.UTF_8);

        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("message").asText()).isEqualTo("switching DNS to us10");
        assertThat(json.path("log").path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("ecs").path("version").asText()).isNotBlank();
        assertThat(field(json, "mrm.application")).isEqualTo("orders");
        assertThat(field(json, "mrm.decision")).isEqualTo("d-42");
        assertThat(field(json, "mrm.epoch")).isEqualTo("7");
        assertThat(field(json, "mrm.step")).isEqualTo("3");
    }

    @Test
    void withoutTheVariableLogsArePlainText() {
        Encoder<?> encoder = consoleEncoderWith();

        assertThat(encoder).isInstanceOf(PatternLayoutEncoder.class);
        String line = new String(encode(encoder, event(Map.of("mrm.application", "orders"))), StandardCharsets.UTF_8);
        assertThat(line).contains("switching DNS to us10").doesNotStartWith("{");
    }

    /** Starts an application with the shipped defaults, and returns the console appender's encoder it set up. */
    private static Encoder<?> consoleEncoderWith(String... args) {
        SpringApplication app = new SpringApplication(NoBeans.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setRegisterShutdownHook(false);
        String[] all = new String[args.length + 1];
        all[0] = "--spring.config.import=classpath:mrm-defaults.yml";
        System.arraycopy(args, 0, all, 1, args.length);
        try (ConfigurableApplicationContext ignored = app.run(all)) {
            Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
            for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders();
                    it.hasNext(); ) {
                Appender<?> appender = it.next();
                if (appender instanceof OutputStreamAppender<?> console && "CONSOLE".equals(appender.getName())) {
                    return console.getEncoder();
                }
            }
        }
        throw new AssertionError("no CONSOLE appender on the root logger");
    }

    private static LoggingEvent event(Map<String, String> mdc) {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(
                JsonLogsTest.class.getName(),
                logging.getLogger("io.mrm.kafka.CommandLaneListener"),
                Level.INFO,
                "switching DNS to us10",
                null,
                null);
        event.setMDCPropertyMap(mdc);
        return event;
    }

    @SuppressWarnings("unchecked")
    private static byte[] encode(Encoder<?> encoder, LoggingEvent event) {
        return ((Encoder<ch.qos.logback.classic.spi.ILoggingEvent>) encoder).encode(event);
    }

    /** A dotted MDC key as a field: flat ({@code "mrm.epoch"}) or nested ({@code "mrm": {"epoch"}}). */
    private static String field(JsonNode json, String dotted) {
        if (json.has(dotted)) {
            return json.get(dotted).asText();
        }
        JsonNode node = json;
        for (String part : dotted.split("\\.")) {
            node = node.path(part);
        }
        return node.isMissingNode() ? null : node.asText();
    }
}
