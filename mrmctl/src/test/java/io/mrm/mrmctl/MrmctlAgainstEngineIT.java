package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RequestSigning;
import io.mrm.events.operator.SafetyRule;
import io.mrm.mrmctl.adapter.KeyFiles;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * mrmctl against a real in-process broker and the real decision engine, with signed requests: keys
 * made by {@code mrmctl keygen}, the engine configured with their public keys. Status, an accepted
 * and a rejected request, and a manual failover whose plan is followed until it pauses (no actuator
 * runs here, so its first step gets no answer before the step's deadline) and mrmctl exits 4; each
 * kind of bad request refused with an alert; the two-person rule's approval round trip; a request
 * signed offline by {@code mrmctl sign} and sent by another Kafka client (kcat when installed).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MrmctlAgainstEngineIT {

    static final TopicNames NAMES = new TopicNames("ctl.");
    static SignedEngine signed;
    static InProcessKafka kafka;
    static Path keys;

    /**
     * Makes the operators' keys with mrmctl keygen, then starts the engine knowing their public keys. Orders' steps
     * time out after 3 s with no second attempt: with no actuator running, a followed plan pauses on its first step.
     */
    @BeforeAll
    static void startEngine() throws Exception {
        signed = SignedEngine.start(
                NAMES,
                "ctl-engine",
                (operator, key, roles) -> {
                    List<String> keygen = new ArrayList<>(
                            List.of("--operator", operator, "keygen", "--out", key.toString(), "--role"));
                    keygen.addAll(roles);
                    MrmctlRun made = MrmctlRun.of(keygen.toArray(String[]::new));
                    assertThat(made.exitCode()).as(made.toString()).isZero();
                },
                List.of("step-timeout=3s", "step-max-attempts=1"));
        kafka = signed.kafka;
        keys = signed.keys;
    }

    static Path key(String operator) {
        return signed.key(operator);
    }

    @AfterAll
    static void stop() {
        if (signed != null) {
            signed.close();
        }
    }

    /** mrmctl as alice, signing with her key. */
    static MrmctlRun mrmctl(String timeout, String... args) {
        return mrmctlAs("alice@example.com", key("alice@example.com"), timeout, args);
    }

    /** mrmctl as {@code operator}, signing with {@code key} (null: unsigned). */
    static MrmctlRun mrmctlAs(String operator, Path key, String timeout, String... args) {
        List<String> all = new ArrayList<>(List.of("--operator", operator));
        if (key != null) {
            all.addAll(List.of("--key", key.toString()));
        }
        all.addAll(List.of(args));
        return MrmctlRun.against(kafka, NAMES, timeout, all.toArray(String[]::new));
    }

    @Test
    void theCommandConfigFileIsWhatTheClientsConnectWith() throws Exception {
        java.nio.file.Path plain = java.nio.file.Files.createTempFile(
                "mrmctl-client",
                ".properties",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(plain, "client.id=mrmctl-ops\nrequest.timeout.ms=20000\n");
        MrmctlRun ok = mrmctl("30s", "--command-config", plain.toString(), "status");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();

        // TLS towards this plaintext listener cannot work: the file's settings are really used
        java.nio.file.Files.writeString(plain, "security.protocol=SSL\n");
        MrmctlRun tls = mrmctl("5s", "--command-config", plain.toString(), "status");
        assertThat(tls.exitCode()).as(tls.toString()).isNotZero();
        java.nio.file.Files.delete(plain);
    }

    @Test
    @Order(1) // it starts by looking at an engine that has seen nothing
    void statusRequestsAnswersAndAFollowedFailover() throws Exception {
        // given an engine that has seen nothing of orders yet
        MrmctlRun empty = mrmctl("30s", "status");
        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.out()).contains("no applications on the topology topic yet");

        // freeze: accepted, and status shows it
        MrmctlRun freeze = mrmctl("60s", "freeze", "orders", "--reason", "change window");
        assertThat(freeze.exitCode()).as(freeze.toString()).isZero();
        assertThat(freeze.out()).startsWith("accepted");

        MrmctlRun frozen = mrmctl("30s", "--output", "json", "status", "orders");
        assertThat(frozen.exitCode()).as(frozen.toString()).isZero();
        JsonNode app =
                EventJson.mapper().readTree(frozen.out()).get("applications").get(0);
        assertThat(app.get("application").asText()).isEqualTo("orders");
        assertThat(app.get("frozen").asBoolean()).isTrue();
        assertThat(app.get("activeRegion").asText()).isEqualTo("eu10");
        assertThat(app.get("phase").asText()).isEqualTo("STEADY");

        // a failover to the region that is already active: the engine rejects it, exit 2 with its reason
        MrmctlRun already = mrmctl("30s", "failover", "--yes", "orders", "--to", "eu10", "--reason", "drill");
        assertThat(already.exitCode()).as(already.toString()).isEqualTo(2);
        assertThat(already.out()).contains("rejected: eu10 is already active");

        // the same in JSON: one object with the verdict and the reason
        MrmctlRun alreadyJson = mrmctl("30s", "--output", "json", "approve", "orders", "no-such-decision");
        assertThat(alreadyJson.exitCode()).as(alreadyJson.toString()).isEqualTo(2);
        JsonNode rejected = EventJson.mapper().readTree(alreadyJson.out());
        assertThat(rejected.get("result").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).contains("no-such-decision is not the current decision");
        assertThat(rejected.get("exitCode").asInt()).isEqualTo(2);

        MrmctlRun unfreeze = mrmctl("30s", "unfreeze", "orders");
        assertThat(unfreeze.exitCode()).as(unfreeze.toString()).isZero();
        assertThat(mrmctl("30s", "status", "orders").out()).doesNotContain("FROZEN");

        try (TopicRecorder recorder = new TopicRecorder(
                kafka.bootstrapServers(), NAMES, List.of(Topics.EVENTS_COMMANDS, Topics.OPERATOR_REQUESTS))) {
            // when a manual failover is followed; no health was reported, so STANDBY_HEALTHY is overridden.
            // The follow ends when the engine pauses the plan (no actuator answers step 1 before its 3 s
            // deadline), not at a --timeout a busy machine might miss: that is generous and never reached.
            MrmctlRun failover = mrmctl(
                    "180s",
                    "failover",
                    "--yes",
                    "orders",
                    "--to",
                    "us10",
                    "--override",
                    "STANDBY_HEALTHY",
                    "--reason",
                    "drill",
                    "--follow");

            // then it is accepted, the plan's first step runs, waits for its actuator in vain, and the plan pauses
            assertThat(failover.exitCode()).as(failover.toString()).isEqualTo(4);
            assertThat(failover.out())
                    .containsPattern("accepted \\(decision [A-Za-z0-9._:-]+\\)")
                    .contains("step 1 of 5: EVENTS_SET_ACTIVE us10 RUNNING")
                    // beside the plan, once us10's database is promoted, eu10's is fenced (best-effort)
                    .contains("step 3 of 5: DATA_FENCE eu10 PENDING")
                    .contains("step 5 of 5: DNS_VERIFY")
                    .containsPattern("step 1 of 5: EVENTS_SET_ACTIVE us10 FAILED \\(.*no acknowledgement before the "
                            + "deadline");
            assertThat(failover.out().indexOf("EVENTS_SET_ACTIVE us10 RUNNING"))
                    .as("progress is printed as it happens: running before failed")
                    .isLessThan(failover.out().indexOf("EVENTS_SET_ACTIVE us10 FAILED"));
            assertThat(failover.err()).contains("PAUSED on a failed step: resume, skip or abort it");
            ManualFailoverRequest sent = recorder.await(
                    ManualFailoverRequest.class, r -> r.targetRegion().equals("us10"), Duration.ofSeconds(30));
            assertThat(sent.operator()).isEqualTo("alice@example.com");
            assertThat(sent.signature()).as("signed with alice's key").isNotNull();
            assertThat(sent.signature().clusterId())
                    .as("signed for this cluster")
                    .isEqualTo(clusterId(kafka));
            assertThat(sent.overrideRules()).containsExactly(SafetyRule.STANDBY_HEALTHY);
            EventsSetRoleCommand step = recorder.await(
                    EventsSetRoleCommand.class, c -> c.applicationId().equals("orders"), Duration.ofSeconds(30));
            // the request starts a trace, and the engine's decision and its first step's command continue it
            TraceParent requestTrace = traceOf(recorder, sent.id());
            assertThat(requestTrace).as("the request's trace context").isNotNull();
            assertThat(requestTrace.sampled()).isTrue();
            TraceParent stepTrace = traceOf(recorder, step.id());
            assertThat(stepTrace).as("the step command's trace context").isNotNull();
            assertThat(stepTrace.traceId()).as("one trace").isEqualTo(requestTrace.traceId());
        }

        MrmctlRun paused = mrmctl("30s", "status", "orders");
        assertThat(paused.out()).contains("phase PAUSED").contains("plan: 0 of 5 steps done");
    }

    @Test
    @Order(2)
    void badRequestsAreRefusedWithAnAlertAndTheTwoPersonRuleNeedsASecondApprover() throws Exception {
        try (TopicRecorder recorder = new TopicRecorder(
                kafka.bootstrapServers(), NAMES, List.of(Topics.DECISIONS, Topics.OPERATOR_REQUESTS))) {
            // unsigned
            MrmctlRun unsigned = mrmctlAs("alice@example.com", null, "30s", "freeze", "payments", "--reason", "x");
            assertThat(unsigned.exitCode()).as(unsigned.toString()).isEqualTo(2);
            assertThat(unsigned.err()).contains("no --key, so the request is unsigned");
            assertThat(unsigned.out()).contains("rejected: refused: unsigned request from 'alice@example.com'");
            recorder.await(Alert.class, a -> a.code().equals("REQUEST_UNSIGNED"), Duration.ofSeconds(60));

            // forged: bob's key, claiming to be alice
            MrmctlRun forged =
                    mrmctlAs("alice@example.com", key("bob@example.com"), "30s", "freeze", "payments", "--reason", "x");
            assertThat(forged.exitCode()).as(forged.toString()).isEqualTo(2);
            assertThat(forged.out()).contains("does not verify with the public key of 'alice@example.com'");
            recorder.await(Alert.class, a -> a.code().equals("REQUEST_FORGED"), Duration.ofSeconds(60));

            // a viewer may look, not ask
            MrmctlRun viewer = mrmctlAs(
                    "victor@example.com", key("victor@example.com"), "30s", "freeze", "payments", "--reason", "x");
            assertThat(viewer.exitCode()).as(viewer.toString()).isEqualTo(2);
            assertThat(viewer.out()).contains("has roles [viewer]");
            recorder.await(Alert.class, a -> a.code().equals("REQUEST_NOT_PERMITTED"), Duration.ofSeconds(60));

            // expired: signed offline six minutes ago, sent now
            Path oldPrefix = keys.resolve("old-freeze");
            MrmctlRun old = MrmctlRun.at(
                    Instant.now().minus(Duration.ofMinutes(6)),
                    "--operator",
                    "alice@example.com",
                    "--key",
                    key("alice@example.com").toString(),
                    "--topic-prefix",
                    NAMES.prefix(),
                    "sign",
                    "--cluster-id",
                    clusterId(kafka),
                    "--out",
                    oldPrefix.toString(),
                    "freeze",
                    "payments",
                    "--reason",
                    "x");
            assertThat(old.exitCode()).as(old.toString()).isZero();
            sendSignedFiles(oldPrefix);
            Alert expired =
                    recorder.await(Alert.class, a -> a.code().equals("REQUEST_EXPIRED"), Duration.ofSeconds(60));
            assertThat(expired.message()).contains("at most 300 s are accepted");

            // signed offline, sent twice by another client: once accepted, then refused as a replay
            Path signedPrefix = keys.resolve("freeze-payments");
            MrmctlRun sign = mrmctl(
                    "30s",
                    "sign",
                    "--out",
                    signedPrefix.toString(),
                    "freeze",
                    "payments",
                    "--reason",
                    "change window CHG-42");
            assertThat(sign.exitCode()).as(sign.toString()).isZero();
            assertThat(sign.out())
                    .contains("kcat -P")
                    .contains("-X partitioner=murmur2_random")
                    .contains("-H ce_type=io.mrm.operator.freeze.v1");
            String via = sendSignedFiles(signedPrefix);
            RequestOutcome first = recorder.await(
                    RequestOutcome.class,
                    o -> o.applicationId().equals("payments")
                            && o.requestType().equals("io.mrm.operator.freeze.v1")
                            && o.accepted(),
                    Duration.ofSeconds(60));
            sendSignedFiles(signedPrefix);
            RequestOutcome second = recorder.await(
                    RequestOutcome.class,
                    o -> o.requestId().equals(first.requestId()) && !o.accepted(),
                    Duration.ofSeconds(60));
            assertThat(second.reason()).as("sent with " + via).contains("already used: a replayed request");
            recorder.await(Alert.class, a -> a.code().equals("REQUEST_REPLAYED"), Duration.ofSeconds(60));
            assertThat(mrmctl("30s", "unfreeze", "payments").exitCode()).isZero();

            // two-person rule: alice asks, alice may not approve, bob approves
            MrmctlRun asked = mrmctl(
                    "30s",
                    "--output",
                    "json",
                    "failover",
                    "--yes",
                    "payments",
                    "--to",
                    "us10",
                    "--override",
                    "STANDBY_HEALTHY",
                    "--reason",
                    "planned switchover CHG-43");
            assertThat(asked.exitCode()).as(asked.toString()).isZero();
            JsonNode answer = EventJson.mapper().readTree(asked.out());
            assertThat(answer.get("reason").asText())
                    .startsWith("proposed; the two-person rule needs another approver");
            String decisionId = answer.get("decisionId").asText();
            assertThat(mrmctl("30s", "status", "payments").out()).contains("phase PROPOSED");

            MrmctlRun self = mrmctl("30s", "approve", "payments", decisionId, "--reason", "me too");
            assertThat(self.exitCode()).as(self.toString()).isEqualTo(2);
            assertThat(self.out()).contains("two-person rule: alice@example.com asked for this MANUAL_FAILOVER");

            MrmctlRun approved = mrmctlAs(
                    "bob@example.com",
                    key("bob@example.com"),
                    "30s",
                    "approve",
                    "payments",
                    decisionId,
                    "--reason",
                    "checked with the payments team");
            assertThat(approved.exitCode()).as(approved.toString()).isZero();
            FailoverDecision executing = recorder.await(
                    FailoverDecision.class,
                    d -> d.applicationId().equals("payments") && d.status() == DecisionStatus.EXECUTING,
                    Duration.ofSeconds(60));
            assertThat(executing.requestedBy()).isEqualTo("bob@example.com");
            assertThat(executing.reason())
                    .contains("asked by alice@example.com")
                    .contains("CHG-43");
            assertThat(mrmctl("30s", "status", "payments").out()).contains("phase SWITCHING");
        }
    }

    /**
     * Alice is an operator of staging too. She signs a freeze with mrmctl against staging's brokers; someone
     * who may write production's requests topic copies the signed record there. Production's engine refuses
     * it, saying which cluster it was signed for, and nothing is frozen.
     */
    @Test
    @Order(3)
    void aStagingRequestDoesNotReplayInProduction() throws Exception {
        try (InProcessKafka staging = InProcessKafka.start();
                TopicRecorder recorder =
                        new TopicRecorder(kafka.bootstrapServers(), NAMES, List.of(Topics.DECISIONS))) {
            Path prefix = keys.resolve("staging-freeze");
            MrmctlRun signed = MrmctlRun.of(
                    "--bootstrap-servers",
                    staging.bootstrapServers(),
                    "--topic-prefix",
                    NAMES.prefix(),
                    "--operator",
                    "alice@example.com",
                    "--key",
                    key("alice@example.com").toString(),
                    "sign",
                    "--out",
                    prefix.toString(),
                    "freeze",
                    "orders",
                    "--reason",
                    "staging drill");
            assertThat(signed.exitCode()).as(signed.toString()).isZero();
            String stagingId = clusterId(staging);
            assertThat(stagingId).isNotEqualTo(clusterId(kafka));
            assertThat(signed.out()).contains("for Kafka cluster " + stagingId);

            sendSignedFiles(prefix, "orders");

            String requestId = EventJson.mapper()
                    .readTree(Files.readAllBytes(Path.of(prefix + ".json")))
                    .get("id")
                    .asText();
            RequestOutcome refused =
                    recorder.await(RequestOutcome.class, o -> o.requestId().equals(requestId), Duration.ofSeconds(60));
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.reason())
                    .contains("signed for Kafka cluster " + stagingId)
                    .contains("this engine runs on cluster " + clusterId(kafka));
            recorder.await(
                    Alert.class,
                    a -> a.code().equals("REQUEST_WRONG_ENVIRONMENT")
                            && a.message().contains(requestId),
                    Duration.ofSeconds(60));
            assertThat(mrmctl("30s", "status", "orders").out()).doesNotContain("FROZEN");
        }
    }

    /** A request signed as mrmctl signed before requests named their environment is refused, saying so. */
    @Test
    @Order(4)
    void aRequestSignedInTheFirstFormIsRefused() throws Exception {
        try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES, List.of(Topics.DECISIONS))) {
            FreezeRequest freeze = new FreezeRequest(
                    "req-first-form-1",
                    "orders",
                    Instant.now(),
                    FreezeRequest.SCHEMA_VERSION,
                    "alice@example.com",
                    "signed by an old mrmctl");
            OperatorRequest firstForm = RequestSigning.signFirstForm(
                    freeze, KeyFiles.readPrivateKey(key("alice@example.com")), RequestSigning.newNonce());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new EventCodec(NAMES, URI.create("/test/old-mrmctl")).toRecord(firstForm))
                        .get();
            }

            RequestOutcome refused = recorder.await(
                    RequestOutcome.class, o -> o.requestId().equals("req-first-form-1"), Duration.ofSeconds(60));
            assertThat(refused.accepted()).isFalse();
            assertThat(refused.reason()).contains("mrm-operator-request-v1").contains("sign it again");
            recorder.await(
                    Alert.class,
                    a -> a.code().equals("REQUEST_WRONG_ENVIRONMENT")
                            && a.message().contains("req-first-form-1"),
                    Duration.ofSeconds(60));
        }
    }

    /**
     * An operator's contexts file instead of options: the current context says where, with which topic prefix,
     * as whom and with which key; a request sent through it is signed and accepted. A context's inline client
     * settings are really used (TLS towards this plaintext listener fails), and --command-config on the
     * command line replaces them.
     */
    @Test
    @Order(5)
    void aRequestGoesThroughTheCurrentContext() throws Exception {
        Path config = keys.resolve("config.yaml");
        Files.writeString(config, """
                current-context: tls-only
                contexts:
                  - name: production
                    bootstrap-servers: %1$s
                    topic-prefix: %2$s
                    operator: alice@example.com
                    key: alice.key
                  - name: tls-only
                    bootstrap-servers: %1$s
                    topic-prefix: %2$s
                    client-properties: {security.protocol: SSL}
                """.formatted(kafka.bootstrapServers(), NAMES.prefix()));
        Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        MrmctlRun use = MrmctlRun.of("--config", config.toString(), "config", "use-context", "production");
        assertThat(use.exitCode()).as(use.toString()).isZero();
        MrmctlRun freeze = MrmctlRun.of(
                "--config",
                config.toString(),
                "--timeout",
                "60s",
                "--output",
                "json",
                "freeze",
                "orders",
                "--reason",
                "through a context");
        assertThat(freeze.exitCode()).as(freeze.toString()).isZero();
        JsonNode answer = EventJson.mapper().readTree(freeze.out());
        assertThat(answer.get("result").asText()).isEqualTo("accepted");
        assertThat(answer.get("operator").asText()).isEqualTo("alice@example.com");
        assertThat(answer.get("clusterId").asText()).isEqualTo(clusterId(kafka));
        MrmctlRun unfreeze = MrmctlRun.of("--config", config.toString(), "--timeout", "60s", "unfreeze", "orders");
        assertThat(unfreeze.exitCode()).as(unfreeze.toString()).isZero();

        MrmctlRun tls =
                MrmctlRun.of("--config", config.toString(), "--context", "tls-only", "--timeout", "5s", "status");
        assertThat(tls.exitCode()).as(tls.toString()).isNotZero();
        Path plain = keys.resolve("plain.properties");
        Files.writeString(plain, "client.id=mrmctl-context-it\n");
        Files.setPosixFilePermissions(plain, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        MrmctlRun overridden = MrmctlRun.of(
                "--config",
                config.toString(),
                "--context",
                "tls-only",
                "--command-config",
                plain.toString(),
                "--timeout",
                "30s",
                "status",
                "orders");
        assertThat(overridden.exitCode()).as(overridden.toString()).isZero();
        assertThat(overridden.out()).contains("orders");
    }

    static String clusterId(InProcessKafka broker) throws Exception {
        return SignedEngine.clusterId(broker);
    }

    private static String sendSignedFiles(Path prefix) throws Exception {
        return sendSignedFiles(prefix, "payments");
    }

    /** Sends a request written by `mrmctl sign` as another client would: kcat when installed, else a plain producer. */
    private static String sendSignedFiles(Path prefix, String key) throws Exception {
        Path body = Path.of(prefix + ".json");
        List<String> headerLines = Files.readAllLines(Path.of(prefix + ".headers"));
        Optional<Path> kcat = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "kcat"))
                .filter(Files::isExecutable)
                .findFirst();
        String topic = NAMES.of(Topics.OPERATOR_REQUESTS);
        if (kcat.isPresent()) {
            List<String> command = new ArrayList<>(List.of(
                    kcat.get().toString(),
                    "-P",
                    "-b",
                    kafka.bootstrapServers(),
                    "-t",
                    topic,
                    "-k",
                    key,
                    "-X",
                    "partitioner=murmur2_random"));
            headerLines.forEach(h -> command.addAll(List.of("-H", h)));
            command.add(body.toString());
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as("kcat: " + output).isZero();
            return "kcat";
        }
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, Files.readAllBytes(body));
            for (String line : headerLines) {
                int eq = line.indexOf('=');
                record.headers()
                        .add(line.substring(0, eq), line.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
            }
            producer.send(record).get();
        }
        return "a plain Kafka producer (kcat is not installed)";
    }

    /**
     * status --watch prints the status again when it changes, without being asked: a freeze (or unfreeze) made by
     * another mrmctl while it watches shows up in its output as a new JSON line, and it ends when interrupted.
     */
    @Test
    @Order(6)
    void statusWatchShowsAChangeMadeWhileItWatches() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = Mrmctl.commandLine(new Mrmctl(Instant::now, null));
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter(), true));
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread watcher = new Thread(
                () -> exit.set(cli.execute(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic-prefix",
                        NAMES.prefix(),
                        "--timeout",
                        "30s",
                        "--output",
                        "json",
                        "status",
                        "orders",
                        "--watch",
                        "--interval",
                        "500ms")),
                "mrmctl-watch");
        watcher.start();
        try {
            List<JsonNode> first = awaitLines(out, 1);
            boolean frozen =
                    first.get(0).get("applications").get(0).get("frozen").asBoolean();

            MrmctlRun toggle = frozen
                    ? mrmctl("60s", "unfreeze", "orders")
                    : mrmctl("60s", "freeze", "orders", "--reason", "watched");
            assertThat(toggle.exitCode()).as(toggle.toString()).isZero();

            org.awaitility.Awaitility.await("the watch prints the change")
                    .atMost(Duration.ofSeconds(90))
                    .untilAsserted(() -> assertThat(lines(out))
                            .anySatisfy(line -> assertThat(line.get("applications")
                                            .get(0)
                                            .get("frozen")
                                            .asBoolean())
                                    .isEqualTo(!frozen)));
        } finally {
            watcher.interrupt();
            watcher.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(watcher.isAlive()).as("the watch ends when interrupted").isFalse();
        assertThat(exit.get()).isZero();
        List<JsonNode> all = lines(out);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).get("applications"))
                    .as("a line is printed only when something changed")
                    .isNotEqualTo(all.get(i - 1).get("applications"));
        }
    }

    private static List<JsonNode> awaitLines(java.io.StringWriter out, int count) {
        return org.awaitility.Awaitility.await("the watch's first status")
                .atMost(Duration.ofSeconds(90))
                .until(() -> lines(out), l -> l.size() >= count);
    }

    private static List<JsonNode> lines(java.io.StringWriter out) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        String text = out.toString();
        // only complete lines: the watcher may be writing the next one
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return nodes;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (!line.isBlank()) {
                nodes.add(EventJson.mapper().readTree(line));
            }
        }
        return nodes;
    }

    private static TraceParent traceOf(TopicRecorder recorder, String eventId) {
        return recorder.records().stream()
                .filter(r -> r.event() != null && r.event().id().equals(eventId))
                .map(TopicRecorder.Recorded::trace)
                .findFirst()
                .orElse(null);
    }
}
