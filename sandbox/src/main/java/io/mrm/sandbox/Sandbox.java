package io.mrm.sandbox;

import io.mrm.aem.AemSyncApplication;
import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.hana.HanaSyncApplication;
import io.mrm.health.HealthMonitorApplication;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * MRM on one machine: an in-process Kafka broker, two simulated regions of an application
 * ({@value #APP}) on loopback, three health monitors (three vantage points), the decision engine and
 * the three actuators, each a Spring Boot application in this JVM.
 */
public final class Sandbox implements AutoCloseable {

    public static final String APP = "shop";
    public static final String REGION_A = "region-a";
    public static final String REGION_B = "region-b";
    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2", "vantage-3");

    private final PrintStream out;
    private final Instant started = Instant.now();
    private final Timeline timeline;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final InProcessKafka kafka;
    private final io.mrm.sandbox.aem.SandboxEventBrokers eventBrokers;
    private final SimulatedRegion regionA;
    private final SimulatedRegion regionB;
    private final TopicRecorder recorder;

    /** What the scripted outage measured. */
    public record OutageResult(Instant outageAt, FailoverDecision decision, TopologyState switched) {

        public Duration detection() {
            return Duration.between(outageAt, decision.time());
        }

        public Duration timeToSwitch() {
            return Duration.between(outageAt, switched.time());
        }
    }

    private Sandbox(PrintStream out) throws IOException {
        this.out = out;
        this.timeline = new Timeline(out, started);
        timeline.note("starting Kafka (in-process KRaft broker)");
        kafka = track(InProcessKafka.start());
        regionA = track(new SimulatedRegion(REGION_A));
        regionB = track(new SimulatedRegion(REGION_B));
        timeline.note(REGION_A + " serves " + regionA.baseUrl() + ", " + REGION_B + " serves " + regionB.baseUrl());
        Path stateDir = Files.createTempDirectory("mrm-sandbox-");
        startService("decision-engine", DecisionEngineApplication.class, DecisionEngineApplication.SERVICE,
                decisionEngineProperties(stateDir));
        startService("dns-actuator", DnsActuatorApplication.class, DnsActuatorApplication.SERVICE,
                Map.of("mrm.dns.initial-routes." + APP, REGION_A));
        startService("hana-sync", HanaSyncApplication.class, HanaSyncApplication.SERVICE, Map.of());
        eventBrokers = track(new io.mrm.sandbox.aem.SandboxEventBrokers(APP, REGION_A, REGION_B));
        timeline.note(eventBrokers.describe());
        startService("aem-sync", AemSyncApplication.class, AemSyncApplication.SERVICE, eventBrokers.aemSyncProperties());
        for (String vantage : VANTAGES) {
            startService("health-monitor " + vantage, HealthMonitorApplication.class, HealthMonitorApplication.SERVICE,
                    healthMonitorProperties(vantage));
        }
        recorder = track(new TopicRecorder(kafka.bootstrapServers(), TopicNames.defaults(), Topics.ALL));
        recorder.subscribe(timeline::print);
    }

    public static Sandbox start(PrintStream out) throws IOException {
        return new Sandbox(out);
    }

    private Map<String, Object> decisionEngineProperties(Path stateDir) {
        Map<String, Object> props = new LinkedHashMap<>();
        String app = "mrm.decision.applications[0].";
        props.put(app + "id", APP);
        props.put(app + "primary-region", REGION_A);
        props.put(app + "standby-region", REGION_B);
        props.put(app + "health-components", "app");
        props.put(app + "quorum", 2);
        props.put(app + "failure-threshold", 3);
        // The graceful order around DNS (data steps wait for hana-sync's backend); a forced failover skips EVENTS_SET_STANDBY.
        props.put(app + "plan", "EVENTS_SET_STANDBY,EVENTS_SET_ACTIVE,DNS_ROUTE,DNS_VERIFY");
        props.put(app + "step-timeout", "10s");
        props.put("mrm.decision.commit-interval", "20ms");
        props.put("mrm.decision.state-dir", stateDir.toString());
        return props;
    }

    private Map<String, Object> healthMonitorProperties(String vantage) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("mrm.service.instance", vantage);
        props.put("mrm.health.vantage", vantage);
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
        props.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        props.put("mrm.kafka.partitions", 3);
        props.put("server.port", 0);
        props.put("spring.main.banner-mode", "off");
        props.put("spring.main.register-shutdown-hook", false);
        props.putAll(extra);
        // Command-line style arguments: they win over each service's own yml and mrm-defaults.yml.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        ConfigurableApplicationContext context = MrmApplication.builder(application, serviceName).run(args);
        track(context::close);
        timeline.note(label + " started in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Waits until every vantage point has seen both regions up, breaks region A and waits for the switch. */
    public OutageResult runScriptedOutage(Duration timeout) {
        timeline.note("waiting until every vantage point sees both regions up");
        awaitAllUp(timeout);
        Instant outageAt = Instant.now();
        regionA.fail();
        timeline.note("OUTAGE: " + REGION_A + " now answers 503 on every request");
        FailoverDecision decision = recorder.await(FailoverDecision.class,
                d -> d.applicationId().equals(APP) && d.toRegion().equals(REGION_B), timeout);
        TopologyState switched = recorder.await(TopologyState.class,
                t -> t.applicationId().equals(APP) && t.phase() == Phase.STEADY && t.activeRegion().equals(REGION_B)
                        && t.epoch() == decision.epoch(), timeout);
        return new OutageResult(outageAt, decision, switched);
    }

    private void awaitAllUp(Duration timeout) {
        for (String vantage : VANTAGES) {
            for (String region : List.of(REGION_A, REGION_B)) {
                recorder.await(HealthObservation.class, o -> o.vantage().equals(vantage) && o.region().equals(region)
                        && o.status() == HealthStatus.UP, timeout);
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

    public TopicRecorder recorder() {
        return recorder;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
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
