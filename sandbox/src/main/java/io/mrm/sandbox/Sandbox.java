package io.mrm.sandbox;

import io.mrm.aem.AemSyncApplication;
import io.mrm.board.StatusBoardApplication;
import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.health.HealthMonitorApplication;
import io.mrm.kafka.MrmApplication;
import io.mrm.mrmctl.Mrmctl;
import io.mrm.sandbox.dns.LoopbackAuthoritativeDnsServer;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * MRM on one machine: an in-process Kafka broker, two simulated regions of an application
 * ({@value #APP}) on loopback, an authoritative DNS server for its name ({@value #DNS_NAME}), three
 * health monitors (three vantage points), the decision engine and the three actuators, each a Spring
 * Boot application in this JVM. The DNS actuator switches the name with RFC 2136 updates, as it would
 * on BIND.
 */
public final class Sandbox implements AutoCloseable {

    public static final String APP = "shop";
    public static final String REGION_A = "region-a";
    public static final String REGION_B = "region-b";
    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2", "vantage-3");
    public static final String DNS_ZONE = "sandbox.test";
    public static final String DNS_NAME = APP + "." + DNS_ZONE;
    static final String TSIG_KEY = "mrm-sandbox";
    /** The sandbox's operators: alice asks for manual switches, bob approves them. */
    public static final String ALICE = "alice";

    public static final String BOB = "bob";
    /** The sandbox application's pre-flight hook, by its name in the plan and in the hook actuator. */
    public static final String CHANGE_FREEZE = "change-freeze";

    static final Map<String, String> VANTAGE_REGIONS =
            Map.of("vantage-1", REGION_A, "vantage-2", REGION_B, "vantage-3", "site-c");

    private final PrintStream out;
    private final Instant started = Instant.now();
    private final Timeline timeline;
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** The in-process broker, or null when the sandbox runs on {@link #external}. */
    private final InProcessKafka kafka;

    private final ExternalKafka external;
    private final io.mrm.sandbox.aem.SandboxEventBrokers eventBrokers;
    private final SimulatedRegion regionA;
    private final SimulatedRegion regionB;
    private final TopicRecorder recorder;
    private final LoopbackAuthoritativeDnsServer dns;
    private final SandboxDatabases databases;
    private final Path operatorKeys;
    private final io.mrm.testsupport.BusKeyring busKeys;
    private final Path workDir;
    /** The application's pre-flight hook: a change-freeze calendar on loopback, asked before every switch. */
    private final io.mrm.sandbox.hook.ChangeFreezeHook changeFreeze;
    /** Each service's HTTP address (the status board's pages, a monitor's webhook), by label. */
    private final Map<String, String> serviceUrls = new LinkedHashMap<>();
    /** Each service's actuator address, by label: its HTTP address unless its actuator has a port of its own. */
    private final Map<String, String> managementUrls = new LinkedHashMap<>();

    /**
     * What the scripted outage measured.
     *
     * @param dnsBefore what {@value #DNS_NAME} answered before the outage, asked over DNS
     * @param dnsAfter  what it answered once the switch was acknowledged
     */
    public record OutageResult(
            Instant outageAt, FailoverDecision decision, TopologyState switched, String dnsBefore, String dnsAfter) {

        public Duration detection() {
            return Duration.between(outageAt, decision.time());
        }

        public Duration timeToSwitch() {
            return Duration.between(outageAt, switched.time());
        }
    }

    /**
     * A Kafka cluster the sandbox uses instead of starting its own broker, e.g. a secured one: where it
     * is, each service's own Kafka client settings by service name (e.g. {@code decision-engine} →
     * {@code spring.kafka.security.protocol}, {@code spring.kafka.properties.sasl.jaas.config}, ...: one
     * principal per role), and the consumer settings of the sandbox's own reader of the topics. Its
     * topics must exist (the services do not create them unless their settings say so).
     */
    public record ExternalKafka(
            String bootstrapServers,
            Map<String, Map<String, Object>> serviceProperties,
            Map<String, Object> readerClientProperties) {

        public ExternalKafka {
            serviceProperties = Map.copyOf(serviceProperties);
            readerClientProperties = Map.copyOf(readerClientProperties);
        }

        Map<String, Object> of(String serviceName) {
            return serviceProperties.getOrDefault(serviceName, Map.of());
        }
    }

    private Sandbox(PrintStream out) throws IOException {
        this(out, null);
    }

    private Sandbox(PrintStream out, ExternalKafka external) throws IOException {
        this.out = out;
        this.timeline = new Timeline(out, started);
        this.external = external;
        kafka = external == null ? startInProcessKafka() : null;
        regionA = track(new SimulatedRegion(REGION_A));
        regionB = track(new SimulatedRegion(REGION_B));
        timeline.note(REGION_A + " serves " + regionA.baseUrl() + ", " + REGION_B + " serves " + regionB.baseUrl());
        Path stateDir = Files.createTempDirectory("mrm-sandbox-");
        workDir = stateDir;
        byte[] tsigSecret = new byte[32];
        new SecureRandom().nextBytes(tsigSecret);
        operatorKeys = makeOperatorKeys(stateDir);
        // the bus authenticated as deployed: each service gets only the keys it holds in production
        busKeys = new io.mrm.testsupport.BusKeyring(stateDir.resolve("bus-keys"), "sandbox", VANTAGES);
        timeline.note("bus: commands, acknowledgements and observations signed (keys in " + stateDir.resolve("bus-keys")
                + ")");
        dns = track(startDns(tsigSecret));
        timeline.note("DNS: zone " + DNS_ZONE + " on 127.0.0.1:" + dns.port() + " (UDP and TCP); " + DNS_NAME
                + " answers " + dnsAnswer());
        startService(
                "decision-engine",
                DecisionEngineApplication.class,
                DecisionEngineApplication.SERVICE,
                decisionEngineProperties(stateDir));
        startService(
                "dns-actuator",
                DnsActuatorApplication.class,
                DnsActuatorApplication.SERVICE,
                dnsActuatorProperties(writeSecret(stateDir, tsigSecret)));
        databases = track(new SandboxDatabases(List.of(REGION_A, REGION_B)));
        timeline.note("data: PostgreSQL " + REGION_A + " " + databases.url(REGION_A) + ", " + REGION_B + " "
                + databases.url(REGION_B));
        startService(
                "hana-sync",
                HanaSyncApplication.class,
                HanaSyncApplication.SERVICE,
                databases.hanaSyncProperties(APP, REGION_A, stateDir));
        eventBrokers = track(new io.mrm.sandbox.aem.SandboxEventBrokers(APP, REGION_A, REGION_B));
        timeline.note(eventBrokers.describe());
        startService(
                "aem-sync", AemSyncApplication.class, AemSyncApplication.SERVICE, eventBrokers.aemSyncProperties());
        byte[] hookSecret = new byte[32];
        new SecureRandom().nextBytes(hookSecret);
        String hookSecretText = Base64.getEncoder().encodeToString(hookSecret);
        changeFreeze = track(io.mrm.sandbox.hook.ChangeFreezeHook.start(hookSecretText));
        timeline.note("pre-flight hook: a change-freeze calendar at " + changeFreeze.url()
                + " (signed requests; it vetoes every switch while a freeze is on)");
        startService(
                "hook-actuator",
                io.mrm.hook.HookActuatorApplication.class,
                io.mrm.hook.HookActuatorApplication.SERVICE,
                hookActuatorProperties(writeSecret(stateDir, "hook-secret", hookSecret)));
        for (String vantage : VANTAGES) {
            startService(
                    "health-monitor " + vantage,
                    HealthMonitorApplication.class,
                    HealthMonitorApplication.SERVICE,
                    healthMonitorProperties(vantage));
        }
        startService("status-board", StatusBoardApplication.class, StatusBoardApplication.SERVICE, Map.of());
        timeline.note("status board: " + statusBoardUrl() + " (read-only, live)");
        recorder = track(new TopicRecorder(
                bootstrapServers(),
                external == null ? Map.of() : external.readerClientProperties(),
                TopicNames.defaults(),
                Topics.ALL));
        recorder.subscribe(timeline::print);
    }

    public static Sandbox start(PrintStream out) throws IOException {
        return new Sandbox(out);
    }

    /** The sandbox on a Kafka cluster started elsewhere, each service with its own client settings. */
    public static Sandbox start(PrintStream out, ExternalKafka kafka) throws IOException {
        return new Sandbox(out, kafka);
    }

    private InProcessKafka startInProcessKafka() {
        timeline.note("starting Kafka (in-process KRaft broker)");
        return track(InProcessKafka.start());
    }

    /** Where a service finds Kafka, and as whom (the external cluster's settings for it). */
    private Map<String, Object> kafkaConnection(String serviceName) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("spring.kafka.bootstrap-servers", bootstrapServers());
        if (external != null) {
            props.putAll(external.of(serviceName));
        }
        return props;
    }

    private Map<String, Object> decisionEngineProperties(Path stateDir) {
        Map<String, Object> props = new LinkedHashMap<>();
        String app = "mrm.decision.applications[0].";
        props.put(app + "id", APP);
        props.put(app + "primary-region", REGION_A);
        props.put(app + "standby-region", REGION_B);
        props.put(app + "health-components", "app");
        props.put(app + "vantages", String.join(",", VANTAGES));
        props.put(app + "quorum", 2);
        props.put(app + "failure-threshold", 3);
        // ARCHITECTURE.md's graceful switchover. An automatic failover tries it first (the scripted
        // outage takes only the application tier, so region-a's broker and database still answer and are
        // demoted, drained and fenced); if that cannot complete within failover-drain-within it goes on
        // forced, skipping the steps that need the region being left.
        // First, the application's own pre-flight hook (a change-freeze calendar): it may veto the switch before
        // anything changes.
        props.put(app + "plan[0].action", "PREFLIGHT_HOOK");
        props.put(app + "plan[0].hook", CHANGE_FREEZE);
        props.put(app + "plan[0].timeout", "5s");
        props.put(app + "plan[0].attempts", 2);
        List<String> switchover = List.of(
                "EVENTS_SET_STANDBY", "DATA_DRAIN", "DATA_PROMOTE", "EVENTS_SET_ACTIVE", "DNS_ROUTE", "DNS_VERIFY");
        for (int i = 0; i < switchover.size(); i++) {
            props.put(app + "plan[" + (i + 1) + "]", switchover.get(i));
        }
        props.put(app + "failover-drain-within", "15s");
        props.put(app + "step-timeout", "10s");
        // manual switches need two people: alice asks, bob approves (see runFailbackWithApproval)
        props.put(app + "two-person-rule", true);
        String[][] operators = {{ALICE, "operator"}, {BOB, "approver"}};
        for (int i = 0; i < operators.length; i++) {
            props.put("mrm.decision.operators[" + i + "].id", operators[i][0]);
            props.put("mrm.decision.operators[" + i + "].roles", operators[i][1]);
            props.put("mrm.decision.operators[" + i + "].public-key-file", keyFile(operators[i][0]) + ".pub");
        }
        props.put("mrm.decision.commit-interval", "20ms");
        props.put("mrm.decision.state-dir", stateDir.toString());
        return props;
    }

    /** Key pairs for the sandbox's two operators, made the way an operator would: {@code mrmctl keygen}. */
    private Path makeOperatorKeys(Path stateDir) throws IOException {
        Path dir = Files.createDirectory(stateDir.resolve("operators"));
        for (String[] operator : new String[][] {{ALICE, "operator"}, {BOB, "approver"}}) {
            StringWriter text = new StringWriter();
            int exit = Mrmctl.run(
                    new PrintWriter(text),
                    new PrintWriter(text),
                    "--operator",
                    operator[0],
                    "keygen",
                    "--out",
                    dir.resolve(operator[0] + ".key").toString(),
                    "--role",
                    operator[1]);
            if (exit != 0) {
                throw new IllegalStateException("mrmctl keygen failed: " + text);
            }
        }
        timeline.note("operators: " + ALICE + " (operator) and " + BOB + " (approver), keys in " + dir);
        return dir;
    }

    /** The status board's page: every application, live. */
    public String statusBoardUrl() {
        return serviceUrls.get("status-board") + "/";
    }

    /** Each service's metrics in Prometheus' text format ({@code /actuator/prometheus}), by service label. */
    public Map<String, String> prometheusUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        managementUrls.forEach((label, url) -> urls.put(label, url + "/actuator/prometheus"));
        return urls;
    }

    /** Where the sandbox keeps its state, keys and reports (a fresh temporary folder per run). */
    public Path workDir() {
        return workDir;
    }

    /** An operator's private key file (its public key is beside it, with .pub). */
    public Path keyFile(String operator) {
        return (operatorKeys == null ? Path.of("") : operatorKeys).resolve(operator + ".key");
    }

    private LoopbackAuthoritativeDnsServer startDns(byte[] tsigSecret) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Record> records = new ArrayList<>();
        records.add(new CNAMERecord(name(DNS_NAME), DClass.IN, 60, name(regionHost(REGION_A))));
        for (String region : List.of(REGION_A, REGION_B)) {
            // both simulated regions listen on loopback; their ports tell them apart
            records.add(new ARecord(name(regionHost(region)), DClass.IN, 60, loopback));
        }
        return new LoopbackAuthoritativeDnsServer(
                name(DNS_ZONE), name(TSIG_KEY), TSIG.HMAC_SHA256, tsigSecret, records);
    }

    private static String regionHost(String region) {
        return APP + "." + region + "." + DNS_ZONE;
    }

    /** The TSIG secret goes to the actuator the way it would in production: a file only its owner reads. */
    private Path writeSecret(Path dir, byte[] secret) throws IOException {
        return writeSecret(dir, "tsig-secret", secret);
    }

    private Path writeSecret(Path dir, String name, byte[] secret) throws IOException {
        Path file = Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII);
        track(() -> Files.deleteIfExists(file));
        return file;
    }

    /** The hook actuator: one HTTP pre-flight hook, signed with a shared secret read from a file. */
    private Map<String, Object> hookActuatorProperties(Path secretFile) {
        Map<String, Object> props = new LinkedHashMap<>();
        String hook = "mrm.hook.http." + CHANGE_FREEZE + ".";
        props.put(hook + "url", changeFreeze.url());
        props.put(hook + "preflight", true);
        props.put(hook + "secret.file", secretFile.toString());
        props.put(hook + "applications." + APP, REGION_A + "," + REGION_B);
        return props;
    }

    private Map<String, Object> dnsActuatorProperties(Path secretFile) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.dns.router", "RFC2136");
        String rfc2136 = "mrm.dns.rfc2136.";
        props.put(rfc2136 + "server", "127.0.0.1:" + dns.port());
        props.put(rfc2136 + "tsig.key-name", TSIG_KEY);
        props.put(rfc2136 + "tsig.algorithm", "hmac-sha256");
        props.put(rfc2136 + "tsig.secret.file", secretFile.toString());
        String app = rfc2136 + "applications." + APP + ".";
        props.put(app + "zone", DNS_ZONE);
        props.put(app + "name", DNS_NAME);
        props.put(app + "type", "CNAME");
        for (String region : List.of(REGION_A, REGION_B)) {
            props.put(app + "targets." + region, regionHost(region));
        }
        return props;
    }

    private Map<String, Object> healthMonitorProperties(String vantage) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.service.instance", vantage);
        props.put("mrm.health.vantage", vantage);
        props.put("mrm.health.vantage-region", VANTAGE_REGIONS.get(vantage));
        props.put("mrm.health.interval", "300ms");
        int i = 0;
        for (SimulatedRegion region : List.of(regionA, regionB)) {
            String target = "mrm.health.targets[" + i++ + "].";
            props.put(target + "application-id", APP);
            props.put(target + "region", region.name());
            props.put(target + "component", "app");
            props.put(target + "url", region.healthUrl());
            props.put(target + "connect-timeout", "500ms");
            props.put(target + "read-timeout", "500ms");
        }
        return props;
    }

    private void startService(String label, Class<?> application, String serviceName, Map<String, Object> extra) {
        Instant t0 = Instant.now();
        Map<String, Object> props = new LinkedHashMap<>();
        // Only the service's own settings: every service's jar is on this one classpath.
        props.put("spring.config.name", serviceName);
        // one in-process broker: the local profile's replication 1, which is refused anywhere else
        props.put("spring.profiles.active", "local");
        props.putAll(kafkaConnection(serviceName));
        props.put("mrm.kafka.partitions", 3);
        props.put("server.port", 0);
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.register-shutdown-hook", false);
        props.putAll(extra);
        props.putAll(busKeys.properties(serviceName, (String) extra.get("mrm.health.vantage")));
        // Command-line style arguments: they win over each service's own yml and mrm-defaults.yml.
        String[] args = props.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context =
                MrmApplication.builder(application, serviceName).run(args);
        track(context::close);
        if (context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            serviceUrls.put(label, "http://127.0.0.1:" + web.getWebServer().getPort());
            // a service whose actuator has a server of its own (a health monitor: its HTTP port is the webhook's)
            String management = context.getEnvironment().getProperty("local.management.port");
            managementUrls.put(
                    label,
                    "http://127.0.0.1:"
                            + (management != null
                                    ? management
                                    : web.getWebServer().getPort()));
        }
        timeline.note(
                label + " started in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Waits until every vantage point has seen both regions up, breaks region A and waits for the switch. */
    public OutageResult runScriptedOutage(Duration timeout) {
        timeline.note("waiting until every vantage point sees both regions up");
        awaitAllUp(timeout);
        awaitStandbyReady(timeout);
        String dnsBefore = dnsAnswer();
        timeline.note("DNS: " + DNS_NAME + " answers " + dnsBefore);
        Instant outageAt = Instant.now();
        regionA.fail();
        timeline.note("OUTAGE: " + REGION_A + " now answers 503 on every request");
        return awaitSwitch(outageAt, dnsBefore, timeout);
    }

    /**
     * Waits until the engine's readiness view has heard from every actuator and calls {@link #REGION_B} READY:
     * each step of a switch towards it was checked, read-only, by the actuator that would run it.
     */
    public ReadinessState awaitStandbyReady(Duration timeout) {
        timeline.note("waiting until the actuators' read-only checks call " + REGION_B + " ready");
        ReadinessState ready = recorder.await(
                ReadinessState.class,
                r -> r.applicationId().equals(APP)
                        && r.missing().isEmpty()
                        && r.region(REGION_B) != null
                        && r.region(REGION_B).status() == ReadinessStatus.READY,
                timeout);
        timeline.note("readiness: " + REGION_B + " READY ("
                + ready.region(REGION_B).checks().size() + " checks by the DNS, data, events and hook actuators)");
        return ready;
    }

    /**
     * A drill before anything breaks: alice asks to rehearse the switch to {@link #REGION_B} (signed; under
     * the two-person rule a proposal), bob approves it, and every actuator checks and times its step without
     * changing anything. Returns the engine's closing alert (DRILL_COMPLETED or DRILL_FAILED) with the
     * predicted RTO; DNS, data and events are where they were.
     */
    public io.mrm.events.decision.Alert runDrill(Duration timeout) {
        timeline.note(ALICE + " asks for a drill of the switch to " + REGION_B + ": nothing is to change");
        String asked = mrmctl(
                ALICE,
                timeout,
                "--output",
                "json",
                "drill",
                APP,
                "--to",
                REGION_B,
                "--reason",
                "rehearsal before the scripted outage");
        String decisionId;
        try {
            decisionId = io.mrm.events.codec.EventJson.mapper()
                    .readTree(asked)
                    .path("decisionId")
                    .asText();
        } catch (IOException e) {
            throw new IllegalStateException("mrmctl drill printed no JSON: " + asked, e);
        }
        timeline.note(BOB + " approves the drill " + decisionId);
        mrmctl(BOB, timeout, "approve", APP, decisionId, "--reason", "rehearsal agreed");
        io.mrm.events.decision.Alert ended = recorder.await(
                io.mrm.events.decision.Alert.class,
                // the approval executes the proposal under a decision of its own: the alert names that one
                a -> a.applicationId().equals(APP)
                        && (a.code().equals("DRILL_COMPLETED") || a.code().equals("DRILL_FAILED")),
                timeout);
        timeline.note(ended.code() + ": " + ended.message());
        return ended;
    }

    /**
     * Like {@link #runScriptedOutage}, but the whole of region A goes: its application answers 503, and its
     * event broker and its database stop answering at all. The failover's graceful try cannot reach them, so
     * it falls back to forced; what region A held and had not replicated is left behind.
     */
    public OutageResult runWholeRegionOutage(Duration timeout) throws IOException {
        timeline.note("waiting until every vantage point sees both regions up");
        awaitAllUp(timeout);
        String dnsBefore = dnsAnswer();
        Instant outageAt = Instant.now();
        eventBrokers.stop(REGION_A);
        databases.stop(REGION_A);
        regionA.fail();
        timeline.note("OUTAGE: all of " + REGION_A + " is gone: its application answers 503, its event broker and "
                + "its database refuse connections");
        return awaitSwitch(outageAt, dnsBefore, timeout);
    }

    private OutageResult awaitSwitch(Instant outageAt, String dnsBefore, Duration timeout) {
        FailoverDecision decision = recorder.await(
                FailoverDecision.class,
                d -> d.applicationId().equals(APP)
                        && d.toRegion().equals(REGION_B)
                        && d.kind() != io.mrm.events.decision.DecisionKind.DRILL,
                timeout);
        TopologyState switched = recorder.await(
                TopologyState.class,
                t -> t.applicationId().equals(APP)
                        && t.phase() == Phase.STEADY
                        && t.activeRegion().equals(REGION_B)
                        && t.epoch() == decision.epoch(),
                timeout);
        String dnsAfter = dnsAnswer();
        timeline.note("DNS: " + DNS_NAME + " answers " + dnsAfter);
        return new OutageResult(outageAt, decision, switched, dnsBefore, dnsAfter);
    }

    /**
     * Region A is mended; once the monitors see it up, alice asks to fail back while a change freeze is on: bob
     * approves, the plan asks its pre-flight hook first, and the hook vetoes. Nothing changes (region B stays
     * active); the engine alerts PREFLIGHT_VETOED with the hook's reason, which this returns. The freeze is then
     * lifted.
     */
    public io.mrm.events.decision.Alert runVetoedFailback(Duration timeout) {
        Instant mended = Instant.now();
        regionA.recover();
        timeline.note("MENDED: " + REGION_A + " answers 200 again");
        awaitUpSince(REGION_A, mended, timeout);
        changeFreeze.freeze("quarter-end close runs until the finance team signs off");
        timeline.note("the change-freeze calendar now says: quarter-end close; " + ALICE + " asks to fail back anyway");
        String decisionId = askFailback(timeout, REGION_A + " recovered; back to the primary");
        timeline.note(BOB + " approves " + decisionId + "; its pre-flight hook is asked first");
        mrmctl(BOB, timeout, "approve", APP, decisionId, "--reason", "checked: " + REGION_A + " is healthy");
        io.mrm.events.decision.Alert vetoed = recorder.await(
                io.mrm.events.decision.Alert.class,
                a -> a.applicationId().equals(APP)
                        && a.code().equals("PREFLIGHT_VETOED")
                        && a.time().isAfter(mended),
                timeout);
        recorder.await(
                TopologyState.class,
                t -> t.applicationId().equals(APP)
                        && t.phase() == Phase.STEADY
                        && t.activeRegion().equals(REGION_B)
                        && t.time().isAfter(vetoed.time().minusMillis(1)),
                timeout);
        changeFreeze.freeze(null);
        timeline.note("the freeze is lifted");
        return vetoed;
    }

    /**
     * Alice asks (signed, through mrmctl) to fail back to region A; under the two-person rule that is a proposal,
     * and bob approves it (signed) and follows the plan to its end. Returns the topology once region A is active
     * again. Region A must be up (see {@link #runVetoedFailback}).
     */
    public TopologyState runFailbackWithApproval(Duration timeout) {
        Instant asked = Instant.now();
        timeline.note(REGION_A + " is up for a quorum of vantage points: " + ALICE + " asks to fail back");
        String decisionId = askFailback(timeout, REGION_A + " recovered and the freeze is over; back to the primary");
        timeline.note(BOB + " approves " + decisionId + " and follows its plan");
        mrmctl(
                BOB,
                timeout,
                "approve",
                APP,
                decisionId,
                "--reason",
                "checked: " + REGION_A + " is healthy",
                "--follow");
        return recorder.await(
                TopologyState.class,
                t -> t.applicationId().equals(APP)
                        && t.phase() == Phase.STEADY
                        && t.activeRegion().equals(REGION_A)
                        && t.time().isAfter(asked),
                timeout);
    }

    /** Alice's signed failback request; returns the id of the proposal it makes. */
    private String askFailback(Duration timeout, String reason) {
        String asked = mrmctl(ALICE, timeout, "--output", "json", "failback", APP, "--reason", reason);
        try {
            return io.mrm.events.codec.EventJson.mapper()
                    .readTree(asked)
                    .path("decisionId")
                    .asText();
        } catch (IOException e) {
            throw new IllegalStateException("mrmctl failback printed no JSON: " + asked, e);
        }
    }

    /** The command that switches the change freeze on (true) or off: its pre-flight hook then vetoes, or not. */
    public String freezeCommand(boolean on) {
        return "curl -X POST " + changeFreeze.controlUrl(on);
    }

    /** What the change-freeze hook was asked so far. */
    public List<io.mrm.sandbox.hook.ChangeFreezeHook.Asked> preflightAsked() {
        return changeFreeze.asked();
    }

    /**
     * The audit trail replayed: first under the policy the engine recorded (it must reproduce every
     * decision), then a backtest under a stricter policy made from it the way a user would
     * ({@code --print-policy}, edited): all three vantage points must agree (quorum 3) and each must
     * see 20 failures in a row (6 s of probes). Returns the backtest's output.
     */
    public String replayAndBacktest(Duration timeout) throws IOException {
        mrmctl(ALICE, timeout, "replay", APP);
        String recorded = mrmctl(ALICE, timeout, "replay", APP, "--print-policy");
        String stricter = stricter(recorded);
        Path file = workDir.resolve("stricter-policy.yaml");
        Files.writeString(file, stricter);
        timeline.note("stricter policy written to " + file + ": quorum 3 (every vantage point), failure-threshold 20");
        return mrmctl(ALICE, timeout, "replay", APP, "--policy", file.toString());
    }

    /** The recorded policy with quorum 3 and failure-threshold 20; fails loudly if the keys moved. */
    static String stricter(String policy) {
        String quorum = policy.replaceFirst("(?m)^([ \\t]*quorum:[ \\t]*)\\d+[ \\t]*$", "$13");
        String both = quorum.replaceFirst("(?m)^([ \\t]*failure-threshold:[ \\t]*)\\d+[ \\t]*$", "$120");
        if (quorum.equals(policy) || both.equals(quorum)) {
            throw new IllegalStateException("the printed policy has no quorum or failure-threshold line:\n" + policy);
        }
        return both;
    }

    /** Runs mrmctl as an operator, signing with their key; its output goes to the timeline, and a non-zero exit fails. */
    public String mrmctl(String operator, Duration timeout, String... args) {
        List<String> all = new ArrayList<>(List.of(
                "--bootstrap-servers",
                bootstrapServers(),
                "--operator",
                operator,
                "--key",
                keyFile(operator).toString(),
                "--timeout",
                timeout.toSeconds() + "s"));
        all.addAll(List.of(args));
        StringWriter output = new StringWriter();
        StringWriter errors = new StringWriter();
        int exit = Mrmctl.run(new PrintWriter(output, true), new PrintWriter(errors, true), all.toArray(String[]::new));
        String shown = String.join(" ", args);
        timeline.note("$ mrmctl --operator " + operator + " --key " + operator + ".key " + shown);
        output.toString().lines().forEach(line -> out.println("    " + line));
        errors.toString().lines().forEach(line -> out.println("    " + line));
        if (exit != 0) {
            throw new IllegalStateException("mrmctl " + shown + " exited " + exit + ": " + output + errors);
        }
        return output.toString();
    }

    /**
     * Waits until the engine itself has taken in at least four UP observations of the region since
     * {@code since} from each of two vantage points (its journal names every input it consumed), so
     * a request that needs the region up does not overtake the observations that show it.
     */
    private void awaitUpSince(String region, Instant since, Duration timeout) {
        org.awaitility.Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    java.util.Set<String> consumed = new java.util.HashSet<>();
                    recorder.events(io.mrm.events.journal.EngineStep.class).stream()
                            .filter(step -> !step.tick())
                            .forEach(step -> consumed.add(step.input().id()));
                    long vantagesUp = VANTAGES.stream()
                            .filter(v -> recorder.events(HealthObservation.class).stream()
                                            .filter(o -> o.vantage().equals(v)
                                                    && o.region().equals(region)
                                                    && o.time().isAfter(since)
                                                    && o.status() == HealthStatus.UP
                                                    && consumed.contains(o.id()))
                                            .count()
                                    >= 4)
                            .count();
                    return vantagesUp >= 2;
                });
    }

    /**
     * What {@value #DNS_NAME} answers now, asked as any resolver would (an A query over UDP, no key),
     * e.g. {@code CNAME shop.region-a.sandbox.test. A 127.0.0.1}.
     */
    public String dnsAnswer() {
        try {
            SimpleResolver resolver = new SimpleResolver(dns.address());
            resolver.setTimeout(Duration.ofSeconds(2));
            Message answer = resolver.send(Message.newQuery(Record.newRecord(name(DNS_NAME), Type.A, DClass.IN)));
            if (answer.getRcode() != Rcode.NOERROR) {
                return Rcode.string(answer.getRcode());
            }
            return answer.getSection(Section.ANSWER).stream()
                    .map(r -> Type.string(r.getType()) + " " + r.rdataToString())
                    .collect(Collectors.joining(" "));
        } catch (IOException e) {
            return "no answer (" + e.getMessage() + ")";
        }
    }

    /** The {@code dig} command that asks the sandbox's DNS server for the application's name. */
    public String digCommand() {
        return "dig @127.0.0.1 -p " + dns.port() + " " + DNS_NAME;
    }

    /** The same for the fencing token the DNS actuator keeps beside the name. */
    public String digTokenCommand() {
        return "dig @127.0.0.1 -p " + dns.port() + " _mrm-epoch." + DNS_NAME + " TXT +short";
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private void awaitAllUp(Duration timeout) {
        for (String vantage : VANTAGES) {
            for (String region : List.of(REGION_A, REGION_B)) {
                recorder.await(
                        HealthObservation.class,
                        o -> o.vantage().equals(vantage) && o.region().equals(region) && o.status() == HealthStatus.UP,
                        timeout);
            }
        }
    }

    public SimulatedRegion regionA() {
        return regionA;
    }

    public SimulatedRegion regionB() {
        return regionB;
    }

    public io.mrm.sandbox.aem.SandboxEventBrokers eventBrokers() {
        return eventBrokers;
    }

    /** Whether the application may write in a region's database (only the primary's). */
    public boolean appCanWrite(String region) {
        return databases.appCanWrite(region);
    }

    public TopicRecorder recorder() {
        return recorder;
    }

    public String bootstrapServers() {
        return external != null ? external.bootstrapServers() : kafka.bootstrapServers();
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                out.println("warning: closing " + resources.get(i) + " failed: " + e);
            }
        }
    }
}
