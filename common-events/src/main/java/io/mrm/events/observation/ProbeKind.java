package io.mrm.events.observation;

/** Which kind of probe produced an observation. */
public enum ProbeKind {
    HTTP,
    TCP,
    DNS,
    HANA,
    POSTGRES,
    AEM_SEMP,
    AEM_MESSAGING,
    ALERT_WEBHOOK
}
