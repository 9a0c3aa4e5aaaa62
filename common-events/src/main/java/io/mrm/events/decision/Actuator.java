package io.mrm.events.decision;

/** The services that execute plan steps, one command topic each. */
public enum Actuator {
    DNS,
    HANA,
    AEM
}
