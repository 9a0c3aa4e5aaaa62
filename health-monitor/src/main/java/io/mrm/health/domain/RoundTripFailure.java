package io.mrm.health.domain;

/**
 * Why a {@link RoundTripTransport} could not send: a short explanation for operators (it becomes the
 * observation's detail), never credentials.
 */
public final class RoundTripFailure extends RuntimeException {

    public RoundTripFailure(String detail) {
        super(detail, null, false, false);
    }
}
