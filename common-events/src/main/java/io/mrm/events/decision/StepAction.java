package io.mrm.events.decision;

/**
 * What a plan step does. Each action belongs to one actuator, and says whether it needs the region
 * being left (such steps are skipped by a FORCED failover, because that region may be gone).
 */
public enum StepAction {
    /** Set the old region's event broker VPN to standby, so no event is accepted twice. */
    EVENTS_SET_STANDBY(Actuator.AEM, true),
    /** Wait until the event replication queue has drained towards the target. */
    EVENTS_DRAIN(Actuator.AEM, true),
    /** Set the target region's event broker VPN active. */
    EVENTS_SET_ACTIVE(Actuator.AEM, false),
    /** Check that the target's event broker accepts and delivers a persistent message. */
    EVENTS_VERIFY(Actuator.AEM, false),
    /** Wait until the target database has applied everything the old primary committed. */
    DATA_DRAIN(Actuator.HANA, true),
    /** Make the target region's database the writable primary. */
    DATA_PROMOTE(Actuator.HANA, false),
    /**
     * Make the region's database refuse writes under the command's epoch (the region being left):
     * the fence a forced failover tries beside its plan, and a pending duty until it succeeds.
     */
    DATA_FENCE(Actuator.HANA, true),
    /** Replicate from the new primary back to the old region once it is reachable. */
    DATA_REPROTECT(Actuator.HANA, true),
    /** Point the application's DNS name at the target region. */
    DNS_ROUTE(Actuator.DNS, false),
    /** Check that the application's DNS name answers with the target region. */
    DNS_VERIFY(Actuator.DNS, false),
    /**
     * Ask a configured pre-flight hook whether the switch may happen now; it runs before any step that
     * changes something, and its VETO stops the plan (unless the decision overrides PREFLIGHT_VETO). A hook
     * that does not answer does not stop it. The step names the hook ({@link PlanStep#hook()}).
     */
    PREFLIGHT_HOOK(Actuator.HOOK, false),
    /**
     * Run a configured hook: an HTTP hook (a scheduler's HA switch, a CDN purge, a ticket) or SAP Cloud
     * Integration's switch of integration artifacts. The step names the hook ({@link PlanStep#hook()}).
     */
    HOOK(Actuator.HOOK, false);

    private final Actuator actuator;
    private final boolean needsSourceRegion;

    StepAction(Actuator actuator, boolean needsSourceRegion) {
        this.actuator = actuator;
        this.needsSourceRegion = needsSourceRegion;
    }

    public Actuator actuator() {
        return actuator;
    }

    public boolean needsSourceRegion() {
        return needsSourceRegion;
    }

    /** Whether the step runs a configured hook, so names one. */
    public boolean runsHook() {
        return actuator == Actuator.HOOK;
    }
}
