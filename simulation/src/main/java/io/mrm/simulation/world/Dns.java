package io.mrm.simulation.world;

/**
 * The DNS authority (outside both regions, like Route 53): where the application's name points and the
 * fencing token of the decision that set it (a TXT record or profile tag in the real backends). A change
 * becomes visible to resolvers after a propagation delay; a verify before then fails retriably.
 */
public final class Dns {

    private final World world;
    private final long propagationMs;
    private String region;
    private long epoch;
    private long visibleFromMs;

    Dns(World world, String region, long propagationMs) {
        this.world = world;
        this.region = region;
        this.propagationMs = propagationMs;
    }

    public String region() {
        return region;
    }

    public long epoch() {
        return epoch;
    }

    /** As the DNS actuator's router: refuses a token below its own, moves (or re-stamps) otherwise. */
    public BackendResult route(String target, long commandEpoch, String decisionId, long nowMs) {
        if (epoch > commandEpoch) {
            return BackendResult.stale(
                    "FENCED_BY_NEWER_EPOCH", "the authority holds epoch " + epoch + " > " + commandEpoch, epoch);
        }
        boolean move = !target.equals(region);
        if (move || epoch < commandEpoch) {
            String from = region;
            region = target;
            epoch = commandEpoch;
            if (move) {
                visibleFromMs = nowMs + propagationMs;
                world.listener.dnsMoved(from, target, commandEpoch, decisionId, nowMs);
                world.listener.changed(nowMs);
            }
        }
        return BackendResult.ok(move ? "routed to " + target : "already routed to " + target, epoch, move);
    }

    public BackendResult verify(String expected, long nowMs) {
        boolean ok = expected.equals(region) && nowMs >= visibleFromMs;
        return ok
                ? BackendResult.ok("answers with " + region, epoch, false)
                : BackendResult.retriable(
                        "NOT_YET_VISIBLE",
                        "answers with " + (nowMs >= visibleFromMs ? region : "the previous region"),
                        epoch);
    }
}
