package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.InProcessKafka;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shared command path, whichever actuator runs it: each command runs in a span that continues the trace the
 * command carried, its acknowledgement carries that span's context, its duration, retries and fence refusals are
 * metrics tagged by actuator, action, backend, outcome and rehearsal, and it is logged once on arrival and once
 * when acknowledged, with the application, decision, epoch and step in the MDC.
 */
@SpringBootTest(
        classes = CommandTelemetryIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-telemetry",
            "mrm.kafka.topic-prefix=lanestel.",
            "mrm.kafka.partitions=1",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=lanestel.commands.dns",
            "management.tracing.sampling.probability=1.0",
            "management.opentelemetry.tracing.export.schedule-delay=50ms"
        })
class CommandTelemetryIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("lanestel.");
    static final TraceParent STEP_SPAN =
            new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, "mrm=1");

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean
        InMemorySpanExporter spans() {
            return InMemorySpanExporter.create();
        }

        @Bean
        CommandBackend backend() {
            return CommandBackend.named("RFC2136");
        }

        /** As an actuator does: refuse what its gate refuses, else succeed; the ack is published on the lane. */
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs, EventPublisher publisher) {
            CommandGate gate = new CommandGate();
            return inputs.commandInput(Topics.DNS_COMMANDS, (DnsCommand command) -> {
                if (command.id().startsWith("c-throws")) {
                    throw new IllegalStateException("the backend is down");
                }
                Instant now = Instant.now();
                CommandAck ack = gate.refusal(command, now)
                        .orElseGet(() -> Acks.of(command, AckOutcome.SUCCEEDED, null, "routed", 3, Map.of(), now));
                publisher.publishAndWait(ack);
            });
        }
    }

    @Autowired
    EventPublisher publisher;

    @Autowired
    InMemorySpanExporter spans;

    @Autowired
    MeterRegistry meters;

    final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        lines.start();
        ((Logger) LoggerFactory.getLogger(CommandTelemetry.class)).addAppender(lines);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(CommandTelemetry.class)).detachAppender(lines);
    }

    @Test
    void aCommandRunsInASpanOfItsTraceItsAckCarriesItAndItIsMeasuredAndLogged() throws Exception {
        DnsRouteCommand current = command("c-current", 5, 1);
        DnsRouteCommand stale = command("c-stale", 3, 2);
        List<ConsumerRecord<byte[], byte[]>> acks = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = ackConsumer()) {
            publisher.publish(current, STEP_SPAN).get();
            publisher.publish(stale, null).get();

            Awaitility.await("both acknowledged")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(acks::add);
                        return acks.size() >= 2;
                    });
        }

        // the span: a child of the step span the command named, in its trace
        Awaitility.await("spans exported")
                .atMost(Duration.ofSeconds(60))
                .until(() -> spans.getFinishedSpanItems().size() >= 2);
        SpanData execution = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(STEP_SPAN.traceId()))
                .findFirst()
                .orElseThrow();
        assertThat(execution.getName()).isEqualTo("execute DNS_ROUTE");
        assertThat(execution.getParentSpanId()).isEqualTo(STEP_SPAN.parentId());
        assertThat(execution.getSpanContext().getTraceState().get("mrm")).isEqualTo("1");
        assertThat(execution.getAttributes().asMap().toString())
                .contains("mrm.application=shop", "mrm.decision=d-shop-5", "mrm.epoch=5", "mrm.step=0");
        // a command that carried no trace context runs in a trace of its own
        assertThat(spans.getFinishedSpanItems())
                .filteredOn(s -> !s.getTraceId().equals(STEP_SPAN.traceId()))
                .singleElement()
                .satisfies(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());

        // the ack: carries the execution span's context
        TraceParent ackTrace = trace(acks.stream()
                .filter(r -> header(r, "ce_id").equals(ackId(current, AckOutcome.SUCCEEDED)))
                .findFirst()
                .orElseThrow());
        assertThat(ackTrace.traceId()).isEqualTo(STEP_SPAN.traceId());
        assertThat(ackTrace.parentId()).isEqualTo(execution.getSpanId());

        // the metrics
        Timer succeeded = meters.get("mrm.command.duration")
                .tags("actuator", "dns", "action", "DNS_ROUTE", "backend", "rfc2136", "rehearsal", "false")
                .tag("outcome", "SUCCEEDED")
                .timer();
        assertThat(succeeded.count()).isEqualTo(1);
        assertThat(succeeded.takeSnapshot().histogramCounts())
                .as("published as a histogram")
                .isNotEmpty();
        assertThat(meters.get("mrm.command.duration")
                        .tag("outcome", "REJECTED_STALE")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get("mrm.fence.refusals")
                        .tag("actuator", "dns")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(meters.get("mrm.command.retries")
                        .tags("actuator", "dns", "action", "DNS_ROUTE")
                        .counter()
                        .count())
                .as("only the second attempt is a retry")
                .isEqualTo(1.0);

        // the log: one line on arrival, one for the ack or the refusal, each with the command's MDC
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.contains("c-current"))
                .hasSize(2)
                .anySatisfy(line -> assertThat(line).startsWith("received DNS_ROUTE c-current step 0 attempt 1"))
                .anySatisfy(line -> assertThat(line).startsWith("ack DNS_ROUTE c-current step 0 attempt 1 SUCCEEDED"));
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.contains("c-stale"))
                .hasSize(2)
                .anySatisfy(
                        line -> assertThat(line).startsWith("refused DNS_ROUTE c-stale step 0 attempt 2: STALE_EPOCH"));
        assertThat(lines.list)
                .filteredOn(line -> line.getFormattedMessage().contains("c-stale"))
                .allSatisfy(line -> assertThat(line.getMDCPropertyMap())
                        .containsEntry("mrm.application", "shop")
                        .containsEntry("mrm.decision", "d-shop-3")
                        .containsEntry("mrm.epoch", "3")
                        .containsEntry("mrm.step", "0"));
    }

    @Test
    void aCommandWhoseHandlerThrowsIsTimedWithItsErrorAndLoggedOnceOnArrival() {
        publisher.publish(command("c-throws", 7, 1), null).join();

        // retried, then dead-lettered: it ends without an acknowledgement, and its timer and span say why
        Timer failed = Awaitility.await("the failed command timed")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> meters.find("mrm.command.duration")
                                .tag("outcome", CommandTelemetry.NO_ACK)
                                .timer(),
                        timer -> timer != null && timer.count() == 1);
        SpanData span;
        try {
            span = Awaitility.await("its span exported")
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> spans.getFinishedSpanItems().stream()
                                    .filter(s ->
                                            s.getAttributes().asMap().toString().contains("mrm.decision=d-shop-7"))
                                    .findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
        } finally {
            spans.reset(); // the other test counts the spans it made
        }
        assertThat(failed.getId().getTag("error")).isEqualTo("IllegalStateException");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

        // tried several times, but it arrived once
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.startsWith("received DNS_ROUTE c-throws"))
                .hasSize(1);
    }

    static DnsRouteCommand command(String id, long epoch, int attempt) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                id, "shop", now, 1, new StepRef("d-shop-" + epoch, epoch, 0, attempt, now.plusSeconds(60)), "us10");
    }

    static String ackId(DnsRouteCommand command, AckOutcome outcome) {
        return UUID.nameUUIDFromBytes(("ack/" + command.id() + "/" + outcome).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static KafkaConsumer<byte[], byte[]> ackConsumer() {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "acks-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(NAMES.of(Topics.COMMAND_ACKS)));
        return consumer;
    }

    static TraceParent trace(ConsumerRecord<byte[], byte[]> record) {
        return TraceParent.parse(header(record, "ce_traceparent"), null);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
