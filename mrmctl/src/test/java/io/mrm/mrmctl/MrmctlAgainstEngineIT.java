package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.decision.DecisionEngineApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * mrmctl against a real in-process broker and the real decision engine: status, an accepted and a
 * rejected request, and a manual failover whose plan is followed until it waits for its first
 * actuator (none runs here, so the plan cannot finish and mrmctl must stop at --timeout).
 */
class MrmctlAgainstEngineIT {

    static final TopicNames NAMES = new TopicNames("ctl.");
    static InProcessKafka kafka;
    static ConfigurableApplicationContext engine;

    @BeforeAll
    static void startEngine() throws Exception {
        kafka = InProcessKafka.start();
        engine = MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE).run(
                "--spring.config.name=" + DecisionEngineApplication.SERVICE,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--mrm.kafka.topic-prefix=" + NAMES.prefix(), "--mrm.kafka.partitions=2", "--server.port=0",
                "--spring.main.banner-mode=off", "--mrm.service.instance=ctl-engine",
                "--mrm.decision.commit-interval=20ms", "--mrm.decision.tick-interval=100ms",
                "--mrm.decision.state-dir=" + Files.createTempDirectory("mrmctl-engine"),
                "--mrm.decision.applications[0].id=orders",
                "--mrm.decision.applications[0].primary-region=eu10",
                "--mrm.decision.applications[0].standby-region=us10",
                "--mrm.decision.applications[0].plan=EVENTS_SET_ACTIVE,DATA_PROMOTE,DNS_ROUTE,DNS_VERIFY",
                "--mrm.decision.applications[0].step-timeout=120s");
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static MrmctlRun mrmctl(String timeout, String... args) {
        String[] all = new String[8 + args.length];
        System.arraycopy(new String[] {"--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", NAMES.prefix(),
                "--operator", "alice@example.com", "--timeout", timeout}, 0, all, 0, 8);
        System.arraycopy(args, 0, all, 8, args.length);
        return MrmctlRun.of(all);
    }

    @Test
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
        JsonNode app = EventJson.mapper().readTree(frozen.out()).get("applications").get(0);
        assertThat(app.get("application").asText()).isEqualTo("orders");
        assertThat(app.get("frozen").asBoolean()).isTrue();
        assertThat(app.get("activeRegion").asText()).isEqualTo("eu10");
        assertThat(app.get("phase").asText()).isEqualTo("STEADY");

        // a failover to the region that is already active: the engine rejects it, exit 2 with its reason
        MrmctlRun already = mrmctl("30s", "failover", "orders", "--to", "eu10", "--reason", "drill");
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

        try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES,
                List.of(Topics.EVENTS_COMMANDS, Topics.OPERATOR_REQUESTS))) {
            // when a manual failover is followed; no health was reported, so STANDBY_HEALTHY is overridden
            MrmctlRun failover = mrmctl("8s", "failover", "orders", "--to", "us10", "--override", "STANDBY_HEALTHY",
                    "--reason", "drill", "--follow");

            // then it is accepted, the plan's first step runs, and mrmctl stops at its timeout (exit 3)
            assertThat(failover.exitCode()).as(failover.toString()).isEqualTo(3);
            assertThat(failover.out()).containsPattern("accepted \\(decision [A-Za-z0-9._:-]+\\)")
                    .contains("step 1 of 4: EVENTS_SET_ACTIVE us10 RUNNING")
                    .contains("step 4 of 4: DNS_VERIFY");
            assertThat(failover.err()).contains("not finished within 8000 ms");
            ManualFailoverRequest sent = recorder.await(ManualFailoverRequest.class,
                    r -> r.targetRegion().equals("us10"), Duration.ofSeconds(5));
            assertThat(sent.operator()).isEqualTo("alice@example.com");
            assertThat(sent.overrideRules()).containsExactly(SafetyRule.STANDBY_HEALTHY);
            recorder.await(EventsSetRoleCommand.class, c -> c.applicationId().equals("orders"), Duration.ofSeconds(5));
        }

        MrmctlRun switching = mrmctl("30s", "status", "orders");
        assertThat(switching.out()).contains("phase SWITCHING").contains("plan: 0 of 4 steps done");
    }
}
