package io.mrm.aem.domain;

import io.mrm.events.ack.ActuatorFailure;
import java.time.Duration;

/**
 * Checks that a VPN accepts a persistent message and delivers it: the consumer-activation check of
 * the verify step (Solace JCSMP in production).
 */
public interface DeliveryCheck {

    /** E.g. {@code topic mrm/probe -> queue mrm-probe on tcps://host:55443, VPN orders-eu10}. */
    String describe();

    /**
     * Publishes one persistent message tagged {@code correlationId} and waits until the broker has
     * acknowledged it and delivered it back.
     *
     * @return how long the round trip took
     * @throws ActuatorFailure when it is refused, lost or not back within {@code bound}
     */
    Duration roundTrip(String correlationId, Duration bound) throws ActuatorFailure, InterruptedException;
}
