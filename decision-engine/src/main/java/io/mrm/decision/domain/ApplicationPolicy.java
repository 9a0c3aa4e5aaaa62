package io.mrm.decision.domain;

import io.mrm.events.decision.StepAction;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How the engine treats one application. Validated where it is built (see the config package).
 *
 * @param applicationId    the application
 * @param primaryRegion    where it runs normally
 * @param standbyRegion    where it fails over to
 * @param healthComponents components whose failure makes a region DOWN (e.g. {@code app})
 * @param quorum           vantage points that must see a component fail before the region counts as DOWN
 * @param failureThreshold consecutive failures one vantage point must see
 * @param plan             the switch plan's actions, in order (FORCED mode drops those that need the old region)
 * @param stepTimeout      how long one step attempt may take
 * @param stepMaxAttempts  attempts per step before the plan pauses
 */
public record ApplicationPolicy(
        String applicationId,
        String primaryRegion,
        String standbyRegion,
        Set<String> healthComponents,
        int quorum,
        int failureThreshold,
        List<StepAction> plan,
        Duration stepTimeout,
        int stepMaxAttempts) {

    /** The default graceful switchover of ARCHITECTURE.md. */
    public static final List<StepAction> DEFAULT_PLAN = List.of(StepAction.EVENTS_SET_STANDBY,
            StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE, StepAction.EVENTS_SET_ACTIVE, StepAction.DNS_ROUTE,
            StepAction.DNS_VERIFY);

    public ApplicationPolicy {
        healthComponents = Set.copyOf(healthComponents);
        plan = List.copyOf(plan);
    }

    /** The region that is not {@code region}. */
    public String otherRegion(String region) {
        return region.equals(primaryRegion) ? standbyRegion : primaryRegion;
    }
}
