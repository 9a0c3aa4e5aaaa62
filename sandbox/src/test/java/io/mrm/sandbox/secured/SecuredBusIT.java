package io.mrm.sandbox.secured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.mrm.aem.AemSyncApplication;
import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.health.HealthMonitorApplication;
import io.mrm.kafka.MrmKafkaProperties;
import io.mrm.kafka.MrmTopics;
import io.mrm.kafka.acl.AccessMatrix;
import io.mrm.kafka.acl.KafkaRole;
import io.mrm.kafka.durability.ExistingTopicsDurabilityCheck;
import io.mrm.kafka.durability.WeakDurabilityException;
import io.mrm.mrmctl.Mrmctl;
import io.mrm.sandbox.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The access matrix on a real secured broker: SASL_SSL with SCRAM-SHA-512 over TLS, the
 * {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}, one SCRAM user per
 * {@link KafkaRole} allowed exactly what {@link AccessMatrix} grants it (the same matrix the shipped
 * Strimzi users and {@code deploy/kafka-acls.sh} are made from), the topics made by the admin step.
 * <ol>
 *   <li>every write a role must not make is refused by the broker with an authorization error, one test
 *       per attack;</li>
 *   <li>the sandbox's whole failover runs with each service on its own principal (monitors, engine,
 *       the three actuators) and its topics created by nobody but the admin;</li>
 *   <li>mrmctl with {@code --command-config} is heard as the operator, and refused as the viewer.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredBusIT {

    static final TopicNames NAMES = TopicNames.defaults(); // the sandbox's
    static final AccessMatrix MATRIX = AccessMatrix.of(NAMES);
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Every topic only the engine may write. */
    static final List<Topic<?>> ENGINE_ONLY = List.of(
            Topics.DECISIONS,
            Topics.TOPOLOGY,
            Topics.DNS_COMMANDS,
            Topics.DATA_COMMANDS,
            Topics.EVENTS_COMMANDS,
            Topics.ENGINE_JOURNAL);

    static SecuredKafka kafka;
    static final Map<KafkaRole, String> passwords = new EnumMap<>(KafkaRole.class);
    static final Map<KafkaRole, KafkaProducer<String, byte[]>> producers = new EnumMap<>(KafkaRole.class);
    static final Map<KafkaRole, Path> commandConfigs = new EnumMap<>(KafkaRole.class);
    static Sandbox sandbox;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        kafka = SecuredKafka.start();
        // the admin step: the registry's topics, as the sandbox's services would have made them (profile local)
        MrmKafkaProperties local = new MrmKafkaProperties(
                NAMES.prefix(),
                3,
                (short) 1,
                1,
                false,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                3,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                true,
                Duration.ofSeconds(15));
        kafka.admin()
                .createTopics(List.of(MrmTopics.newTopics(NAMES, local)))
                .all()
                .get(60, TimeUnit.SECONDS);
        for (KafkaRole role : KafkaRole.values()) {
            String password = SecuredKafka.secret();
            passwords.put(role, password);
            kafka.createUser(role.defaultUser(), password);
            kafka.allow(MATRIX.bindings(role, principal(role)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        producers.values().forEach(p -> p.close(Duration.ofSeconds(2)));
        if (sandbox != null) {
            sandbox.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // --- 1. forbidden writes, each refused by the broker -------------------------------------------------

    @Test
    @Order(1)
    void aMonitorCannotIssueADnsCommand() {
        assertRefused(KafkaRole.MONITOR, Topics.DNS_COMMANDS);
    }

    @Test
    @Order(1)
    void aMonitorCannotIssueADataCommand() {
        assertRefused(KafkaRole.MONITOR, Topics.DATA_COMMANDS);
    }

    @Test
    @Order(1)
    void aMonitorCannotIssueAnEventsCommand() {
        assertRefused(KafkaRole.MONITOR, Topics.EVENTS_COMMANDS);
    }

    @Test
    @Order(1)
    void aMonitorCannotSendAnOperatorRequest() {
        assertRefused(KafkaRole.MONITOR, Topics.OPERATOR_REQUESTS);
    }

    @Test
    @Order(1)
    void anActuatorCannotForgeADecision() {
        assertRefused(KafkaRole.DNS_ACTUATOR, Topics.DECISIONS);
    }

    @Test
    @Order(1)
    void anActuatorCannotRewriteTheTopology() {
        assertRefused(KafkaRole.HANA_SYNC, Topics.TOPOLOGY);
    }

    @Test
    @Order(1)
    void anActuatorCannotCommandAnotherActuator() {
        assertRefused(KafkaRole.AEM_SYNC, Topics.DNS_COMMANDS);
    }

    @Test
    @Order(1)
    void anActuatorCannotForgeAVantagePointsObservation() {
        assertRefused(KafkaRole.DNS_ACTUATOR, Topics.OBSERVATIONS);
    }

    @Test
    @Order(1)
    void anOperatorCannotForgeAnActuatorsAcknowledgement() {
        assertRefused(KafkaRole.OPERATOR, Topics.COMMAND_ACKS);
    }

    @Test
    @Order(1)
    void aViewerCannotSendAnOperatorRequest() {
        assertRefused(KafkaRole.VIEWER, Topics.OPERATOR_REQUESTS);
    }

    static Stream<Arguments> everyOtherPrincipalAndEngineOnlyTopic() {
        List<Arguments> cases = new ArrayList<>();
        for (KafkaRole role : KafkaRole.values()) {
            if (role != KafkaRole.ENGINE) {
                ENGINE_ONLY.forEach(topic -> cases.add(Arguments.of(role, topic.logicalName())));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} cannot write the engine's {1}")
    @MethodSource("everyOtherPrincipalAndEngineOnlyTopic")
    @Order(2)
    void noPrincipalButTheEngineWritesAnEngineOnlyTopic(KafkaRole role, String logicalName) {
        assertRefused(
                role,
                Topics.ALL.stream()
                        .filter(t -> t.logicalName().equals(logicalName))
                        .findFirst()
                        .orElseThrow());
    }

    @Test
    @Order(3)
    void noPrincipalButTheEngineCanTakeTheEnginesTransactionalId() {
        // a zombie "engine" under stolen operator credentials cannot fence the real one's transactions
        Map<String, Object> props = new LinkedHashMap<>(
                kafka.clientProperties(KafkaRole.OPERATOR.defaultUser(), passwords.get(KafkaRole.OPERATOR)));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, AccessMatrix.engineApplicationId(NAMES) + "-zombie-1");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, byte[]> zombie =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            assertThat(catchThrowable(zombie::initTransactions))
                    .isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    @Order(3)
    void noPrincipalButTheEngineCanJoinTheEnginesConsumerGroup() {
        // joining would take partitions of observations, requests and acks away from the real engine
        assertThat(joinGroup(KafkaRole.VIEWER, AccessMatrix.engineApplicationId(NAMES), Topics.OBSERVATIONS))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    @Order(3)
    void anActuatorCannotJoinAnotherActuatorsConsumerGroup() {
        assertThat(joinGroup(KafkaRole.DNS_ACTUATOR, AccessMatrix.HANA_SYNC_GROUP, Topics.DNS_COMMANDS))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    /** The writes each role is there to make go through on the same listener: the refusals are not a broken connection. */
    static Stream<Arguments> everyRolesOwnWrite() {
        List<Arguments> cases = new ArrayList<>();
        for (KafkaRole role : KafkaRole.values()) {
            // the engine's own writes are proven by the failover below (a stray record would reach its global store)
            if (role != KafkaRole.ENGINE) {
                MATRIX.writes(role).forEach(topic -> cases.add(Arguments.of(role, topic.logicalName())));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} may write {1}")
    @MethodSource("everyRolesOwnWrite")
    @Order(4)
    void eachRoleMayWriteWhatItIsThereToWrite(KafkaRole role, String logicalName) throws Exception {
        Topic<?> topic = Topics.ALL.stream()
                .filter(t -> t.logicalName().equals(logicalName))
                .findFirst()
                .orElseThrow();
        assertThat(send(role, topic).get(60, TimeUnit.SECONDS).topic()).isEqualTo(NAMES.of(topic));
    }

    /**
     * A service's start-up durability check reads the settings of the topics it uses (and sees no other):
     * run as that service's principal against these one-replica topics, it names exactly its own as too weak.
     */
    @ParameterizedTest(name = "{0} checks its own topics' settings")
    @EnumSource(
            value = KafkaRole.class,
            names = {"MONITOR", "ENGINE", "DNS_ACTUATOR", "HANA_SYNC", "AEM_SYNC", "HOOK_ACTUATOR"})
    @Order(4)
    void eachServiceChecksTheDurabilityOfItsOwnTopicsOnly(KafkaRole role) {
        ExistingTopicsDurabilityCheck check = new ExistingTopicsDurabilityCheck(
                kafka.clientProperties(role.defaultUser(), passwords.get(role)),
                topic -> NAMES.topicNamed(topic) != null,
                false,
                3,
                2,
                Duration.ofSeconds(60));

        Throwable weak = catchThrowable(check::afterSingletonsInstantiated);

        assertThat(weak).isInstanceOf(WeakDurabilityException.class);
        for (Topic<?> topic : Topics.ALL) {
            boolean uses =
                    MATRIX.reads(role).contains(topic) || MATRIX.writes(role).contains(topic);
            String problem = "topic " + NAMES.of(topic) + ": min.insync.replicas is 1";
            if (uses) {
                assertThat(weak.getMessage()).as(role.id()).contains(problem);
            } else {
                assertThat(weak.getMessage()).as(role.id()).doesNotContain("topic " + NAMES.of(topic) + ":");
            }
        }
    }

    @Test
    @Order(5)
    void theRefusalIsTheAclsDoing() throws Exception {
        // given the one ACL the matrix withholds, the very write that was refused goes through
        List<AclBinding> grant = new AccessMatrix.Grant(
                        KafkaRole.MONITOR,
                        ResourceType.TOPIC,
                        NAMES.of(Topics.DNS_COMMANDS),
                        PatternType.LITERAL,
                        EnumSet.of(AclOperation.WRITE),
                        "test only")
                .bindings(principal(KafkaRole.MONITOR));
        kafka.allow(grant);
        try {
            assertThat(send(KafkaRole.MONITOR, Topics.DNS_COMMANDS)
                            .get(60, TimeUnit.SECONDS)
                            .topic())
                    .isEqualTo(NAMES.of(Topics.DNS_COMMANDS));
        } finally {
            kafka.revoke(grant);
        }
        assertRefused(KafkaRole.MONITOR, Topics.DNS_COMMANDS);
    }

    // --- 2. the failover, each service on its own principal ----------------------------------------------

    @Test
    @Order(10)
    void theFailoverCompletesWithEveryServiceOnItsOwnPrincipal() throws Exception {
        Sandbox.OutageResult result = sandbox().runScriptedOutage(TIMEOUT);

        assertThat(result.switched().activeRegion()).isEqualTo(Sandbox.REGION_B);
        // the ordinary steps are done when the switch completes; a best-effort fence of the region left
        // may still be in flight then (it runs beside the plan), so its end is awaited
        List<PlanStep> plan = result.decision().plan();
        assertThat(result.switched().planSteps())
                .filteredOn(s -> !plan.get(s.index()).bestEffort())
                .extracting(s -> s.status())
                .containsOnly(StepStatus.SUCCEEDED);
        TopologyState settled = sandbox.recorder()
                .await(
                        TopologyState.class,
                        t -> t.applicationId().equals(Sandbox.APP)
                                && t.epoch() == result.decision().epoch()
                                && t.planSteps().stream().noneMatch(s -> s.status() == StepStatus.RUNNING),
                        TIMEOUT);
        assertThat(settled.planSteps()).extracting(s -> s.status()).containsOnly(StepStatus.SUCCEEDED);
        assertThat(result.dnsAfter()).contains("region-b");
        // every actuator, each as itself, acknowledged its steps
        assertThat(sandbox.recorder().events(CommandAck.class))
                .filteredOn(a -> a.outcome() == AckOutcome.SUCCEEDED)
                .extracting(CommandAck::actuator)
                .contains(Actuator.DNS, Actuator.HANA, Actuator.AEM);
    }

    /**
     * Each actuator is ready on its own principal: its readiness includes the command binding's health (the
     * binder's own clients, which must have the service's SASL settings and need no ACL the actuator lacks).
     */
    @ParameterizedTest(name = "{0} is ready on the secured bus")
    @Order(9)
    @MethodSource("actuators")
    void eachActuatorIsReadyOnItsOwnPrincipal(String label) throws Exception {
        String readiness =
                sandbox().prometheusUrls().get(label).replace("/actuator/prometheus", "/actuator/health/readiness");
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<String> last = new AtomicReference<>();
        Awaitility.await(label + " ready")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(readiness)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    last.set(response.body());
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                });
        assertThat(last.get()).contains("\"binders\"");
    }

    static Stream<String> actuators() {
        return Stream.of("dns-actuator", "hana-sync", "aem-sync", "hook-actuator");
    }

    // --- 3. mrmctl on the secured cluster ------------------------------------------------------------------

    @Test
    @Order(11)
    void mrmctlAsTheOperatorIsHeardByTheEngine() throws Exception {
        Result unfreeze =
                mrmctl(KafkaRole.OPERATOR, Sandbox.ALICE, "unfreeze", Sandbox.APP, "--reason", "secured bus test");

        assertThat(unfreeze.exit()).as(unfreeze.text()).isZero();
        assertThat(unfreeze.text()).contains("accepted");
    }

    @Test
    @Order(12)
    void mrmctlAsTheViewerReadsButItsRequestIsRefusedByTheBroker() throws Exception {
        Result status = mrmctl(KafkaRole.VIEWER, Sandbox.ALICE, "status", Sandbox.APP);
        assertThat(status.exit()).as(status.text()).isZero();
        assertThat(status.text()).contains(Sandbox.APP);

        // signed by alice, who may ask: only the principal is the viewer's
        Result unfreeze = mrmctl(KafkaRole.VIEWER, Sandbox.ALICE, "unfreeze", Sandbox.APP, "--reason", "as a viewer");
        assertThat(unfreeze.exit()).as(unfreeze.text()).isEqualTo(1);
        assertThat(unfreeze.text()).contains("could not publish to " + NAMES.of(Topics.OPERATOR_REQUESTS));

        // nothing reached the topic: a request the operator sends after it is read, the viewer's is not before it
        Result barrier =
                mrmctl(KafkaRole.OPERATOR, Sandbox.ALICE, "unfreeze", Sandbox.APP, "--reason", "after the viewer");
        assertThat(barrier.exit()).as(barrier.text()).isZero();
        sandbox.recorder().await(UnfreezeRequest.class, r -> "after the viewer".equals(r.reason()), TIMEOUT);
        assertThat(sandbox.recorder().events(UnfreezeRequest.class))
                .extracting(UnfreezeRequest::reason)
                .doesNotContain("as a viewer");
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private static Sandbox sandbox() throws Exception {
        if (sandbox == null) {
            Map<String, Map<String, Object>> services = new LinkedHashMap<>();
            services.put(HealthMonitorApplication.SERVICE, service(KafkaRole.MONITOR));
            services.put(DecisionEngineApplication.SERVICE, service(KafkaRole.ENGINE));
            services.put(DnsActuatorApplication.SERVICE, service(KafkaRole.DNS_ACTUATOR));
            services.put(HanaSyncApplication.SERVICE, service(KafkaRole.HANA_SYNC));
            services.put(AemSyncApplication.SERVICE, service(KafkaRole.AEM_SYNC));
            services.put(io.mrm.hook.HookActuatorApplication.SERVICE, service(KafkaRole.HOOK_ACTUATOR));
            sandbox = Sandbox.start(
                    System.out,
                    new Sandbox.ExternalKafka(kafka.bootstrapServers(), services, kafka.adminClientProperties()));
        }
        return sandbox;
    }

    /** A service's settings: its own principal, and no topic creation (the admin step made them). */
    private static Map<String, Object> service(KafkaRole role) {
        Map<String, Object> props =
                new LinkedHashMap<>(kafka.springProperties(role.defaultUser(), passwords.get(role)));
        props.put("mrm.kafka.create-topics", false);
        return props;
    }

    private static String principal(KafkaRole role) {
        return "User:" + role.defaultUser();
    }

    /** Sends a record as {@code role}: not idempotent, so that the broker's answer is the topic's own ACL check. */
    private static Future<RecordMetadata> send(KafkaRole role, Topic<?> topic) {
        KafkaProducer<String, byte[]> producer = producers.computeIfAbsent(role, r -> {
            Map<String, Object> props = new LinkedHashMap<>(kafka.clientProperties(r.defaultUser(), passwords.get(r)));
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
            return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        });
        // not an event: were it ever accepted, its consumers would dead-letter it
        return producer.send(new ProducerRecord<>(
                NAMES.of(topic),
                "secured-bus-it",
                "forged by a principal that must not write here".getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(KafkaRole role, Topic<?> topic) {
        Throwable refused = catchThrowable(() -> send(role, topic).get(60, TimeUnit.SECONDS));
        assertThat(refused).as(role.id() + " writing " + NAMES.of(topic)).isInstanceOf(ExecutionException.class);
        assertThat(refused.getCause())
                .as(role.id() + " writing " + NAMES.of(topic))
                .isInstanceOfSatisfying(
                        TopicAuthorizationException.class,
                        e -> assertThat(e.unauthorizedTopics()).containsExactly(NAMES.of(topic)));
    }

    /** Tries to join {@code group} as {@code role} on a topic it may read; returns what the broker answered. */
    private static Throwable joinGroup(KafkaRole role, String group, Topic<?> topic) {
        Map<String, Object> props =
                new LinkedHashMap<>(kafka.clientProperties(role.defaultUser(), passwords.get(role)));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(NAMES.of(topic)));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                } catch (RuntimeException e) {
                    return e;
                }
            }
            return null;
        }
    }

    record Result(int exit, String text) {}

    /** mrmctl with {@code --command-config}: the client settings of {@code role}'s principal. */
    private static Result mrmctl(KafkaRole role, String operator, String... command) throws Exception {
        Path commandConfig = commandConfigs.get(role);
        if (commandConfig == null) {
            commandConfig = kafka.commandConfig(role.defaultUser(), passwords.get(role));
            commandConfigs.put(role, commandConfig);
        }
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--command-config",
                commandConfig.toString(),
                "--operator",
                operator,
                "--key",
                sandbox().keyFile(operator).toString(),
                "--timeout",
                "60s"));
        args.addAll(List.of(command));
        StringWriter out = new StringWriter();
        int exit = Mrmctl.run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        return new Result(exit, out.toString());
    }
}
