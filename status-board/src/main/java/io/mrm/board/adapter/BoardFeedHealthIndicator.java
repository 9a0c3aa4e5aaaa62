package io.mrm.board.adapter;

import io.mrm.board.domain.BoardState;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Ready (part of the readiness group) once the feed has read the topics up to where they stood at start, so a
 * load balancer sends nobody to a board that would still show an empty or old page.
 */
public class BoardFeedHealthIndicator extends AbstractHealthIndicator {

    private final BoardFeed feed;
    private final BoardState state;

    public BoardFeedHealthIndicator(BoardFeed feed, BoardState state) {
        this.feed = feed;
        this.state = state;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("applications", state.applications().size()).withDetail("undecodable", feed.undecodable());
        if (feed.lastPoll() != null) {
            builder.withDetail("lastPoll", feed.lastPoll().toString());
        }
        if (feed.problem() != null) {
            builder.withDetail("problem", feed.problem());
        }
        if (feed.caughtUp()) {
            builder.up();
        } else {
            builder.outOfService();
        }
    }
}
