package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-application gauges are state sets read from the topology the engine last published. */
class TopologyGaugesTest {

    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Map<String, TopologyState> published = new HashMap<>();
    final MutableClock clock = new MutableClock();
    final TopologyGauges gauges = new TopologyGauges(
            registry, List.of(ApplicationPolicy.defaults("orders", "eu10", "us10")), published::get, clock);

    @Test
    void beforeAnyTopologyTheGaugesHaveNoValue() {
        assertThat(value("mrm.epoch", "application", "orders")).isNaN();
        assertThat(value("mrm.active.region", "region", "eu10")).isNaN();
    }

    @Test
    void eachGaugeIsOneForTheCurrentValueAndZeroForTheOthers() {
        published.put("orders", topology("us10", Phase.SWITCHING, 3, SeenHealth.DOWN, SeenHealth.STALE));

        assertThat(value("mrm.epoch", "application", "orders")).isEqualTo(3);
        assertThat(value("mrm.active.region", "region", "us10")).isEqualTo(1);
        assertThat(value("mrm.active.region", "region", "eu10")).isZero();
        assertThat(value("mrm.phase", "phase", "SWITCHING")).isEqualTo(1);
        assertThat(value("mrm.phase", "phase", "STEADY")).isZero();
        assertThat(value("mrm.frozen", "application", "orders")).isZero();
        assertThat(registry.get("mrm.region.health")
                        .tags("region", "eu10", "verdict", "DOWN")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("mrm.vantage.health")
                        .tags("region", "eu10", "vantage", "vantage-2", "status", "STALE")
                        .gauge()
                        .value())
                .isEqualTo(1);
        assertThat(registry.get("mrm.vantage.health")
                        .tags("region", "eu10", "vantage", "vantage-2", "status", "UP")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void aNewTopologyShowsOnceTheCacheExpires() {
        published.put("orders", topology("eu10", Phase.STEADY, 0, SeenHealth.UP, SeenHealth.UP));
        assertThat(value("mrm.epoch", "application", "orders")).isZero();

        published.put("orders", topology("us10", Phase.STEADY, 1, SeenHealth.DOWN, SeenHealth.DOWN));
        assertThat(value("mrm.epoch", "application", "orders"))
                .as("still cached")
                .isZero();
        clock.now = clock.now.plus(TopologyGauges.CACHE);
        assertThat(value("mrm.epoch", "application", "orders")).isEqualTo(1);
    }

    @Test
    void aVantageOutsideThePolicyGetsRowsWhenAPublishedTopologyNamesIt() {
        TopologyState withAlertSource = new TopologyState(
                "t2",
                "orders",
                T0,
                1,
                0,
                "eu10",
                "us10",
                Phase.STEADY,
                false,
                null,
                null,
                List.of(),
                null,
                List.of(),
                null,
                List.of(),
                List.of(new RegionHealthView(
                        "eu10", SeenHealth.UP, List.of(new VantageHealth("alertmanager", SeenHealth.UP)))));
        assertThat(registry.find("mrm.vantage.health")
                        .tag("vantage", "alertmanager")
                        .gauges())
                .isEmpty();

        gauges.published(withAlertSource);
        published.put("orders", withAlertSource);

        assertThat(registry.get("mrm.vantage.health")
                        .tags("vantage", "alertmanager", "status", "UP")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    @Test
    void aVantageOutsideThePolicyHasRowsOnEveryInstanceAndAfterARestartNotOnlyOnTheOneThatPublished() {
        // an application that declares no vantages (any may report); its topology was published before this
        // instance started, or by the instance that owns its partition
        SimpleMeterRegistry fresh = new SimpleMeterRegistry();
        new TopologyGauges(
                fresh,
                List.of(ApplicationPolicy.defaults("orders", "eu10", "us10").withVantages(java.util.Set.of())),
                published::get,
                clock);
        published.put(
                "orders",
                new TopologyState(
                        "t3",
                        "orders",
                        T0,
                        1,
                        2,
                        "eu10",
                        "us10",
                        Phase.STEADY,
                        false,
                        null,
                        null,
                        List.of(),
                        null,
                        List.of(),
                        null,
                        List.of(),
                        List.of(new RegionHealthView(
                                "eu10", SeenHealth.UP, List.of(new VantageHealth("monitor-x", SeenHealth.DOWN))))));

        // the first scrape reads the published topology
        assertThat(fresh.get("mrm.epoch").gauge().value()).isEqualTo(2);

        assertThat(fresh.get("mrm.vantage.health")
                        .tags("region", "eu10", "vantage", "monitor-x", "status", "DOWN")
                        .gauge()
                        .value())
                .isEqualTo(1);
    }

    private double value(String name, String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    private static TopologyState topology(
            String active, Phase phase, long epoch, SeenHealth verdictEu10, SeenHealth vantage2) {
        return new TopologyState(
                "t1",
                "orders",
                T0,
                1,
                epoch,
                active,
                active.equals("eu10") ? "us10" : "eu10",
                phase,
                false,
                null,
                null,
                List.of(),
                null,
                List.of(),
                null,
                List.of(),
                List.of(
                        new RegionHealthView(
                                "eu10",
                                verdictEu10,
                                List.of(
                                        new VantageHealth("vantage-1", SeenHealth.DOWN),
                                        new VantageHealth("vantage-2", vantage2))),
                        new RegionHealthView(
                                "us10", SeenHealth.UP, List.of(new VantageHealth("vantage-1", SeenHealth.UP)))));
    }

    static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
