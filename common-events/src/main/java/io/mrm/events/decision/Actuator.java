package io.mrm.events.decision;

/** The services that execute plan steps, one command topic each. */
public enum Actuator {
    DNS,
    HANA,
    AEM,
    /** hook-actuator: HTTP hooks and SAP Cloud Integration, configured per hook name. */
    HOOK
}
