package io.mrm.board.domain;

import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import java.util.List;

/**
 * What the board knows of one application.
 *
 * @param application the application id
 * @param topology    its latest topology (null until the engine published one)
 * @param readiness   its latest readiness (null until the engine published one)
 * @param recent      its recent decisions, alerts and request outcomes, newest first
 * @param version     the board's change counter when this application last changed
 */
public record ApplicationBoard(
        String application, TopologyState topology, ReadinessState readiness, List<RecentEvent> recent, long version) {

    public ApplicationBoard {
        if (application == null) {
            throw new IllegalArgumentException("an application board needs its application id");
        }
        recent = List.copyOf(recent);
    }
}
