package io.mrm.health.domain;

import java.util.concurrent.CompletionStage;

/**
 * The messaging half of a round-trip probe: a session with an event broker that publishes persistent
 * messages to a probe topic and receives them back from an endpoint subscribed to that topic (for
 * Solace / Advanced Event Mesh: {@code JcsmpTransport} in {@code ..adapter.probe}). It only moves messages;
 * {@link RoundTripProbe} decides which arrival belongs to which probe, times it and judges it.
 *
 * <p>The probe calls {@link #send} at most once at a time and waits for the returned stage before it
 * sends again, so an implementation never has two sessions being opened for one target.
 */
public interface RoundTripTransport extends AutoCloseable {

    /** What the broker reports, on any thread. Implementations of it return quickly and never throw. */
    interface Events {

        /** The broker has taken responsibility for (spooled) the message carrying {@code token}. */
        void acknowledged(String token);

        /** The broker refused the message carrying {@code token} (a negative acknowledgement), for {@code reason}. */
        void refused(String token, String reason);

        /** A message arrived from the receiving endpoint, carrying {@code token} (null if it carried none). */
        void arrived(String token);

        /** The session or the receiving side broke, for {@code reason}; the next send opens a new session. */
        void failed(String reason);
    }

    /** Where the broker's reports go; set once, before the first {@link #send}. */
    void listen(Events events);

    /**
     * Publishes one persistent message carrying {@code token}, opening a session first if none is open.
     * Returns at once: connecting and handing over run off the caller's thread. {@code handingOver} runs
     * just before the message is handed to the broker, so that the caller can time the round trip
     * without the time it took to connect.
     *
     * @return completes when the message has been handed over (acknowledgement, refusal and arrival
     *         follow through {@link Events}), or exceptionally with a {@link RoundTripFailure} saying why
     *         it could not be (cannot connect, login refused, no such queue, ...)
     */
    CompletionStage<Void> send(String token, Runnable handingOver);

    /**
     * Gives up the current session (after a failure or a timeout) so that the next {@link #send} opens
     * a new one. Returns at once; closing happens in the background.
     */
    void reset();

    /** Where messages go and come from, for details: broker, VPN, topic and endpoint. Never credentials. */
    String describe();

    /** Closes the session for good (at shutdown). */
    @Override
    void close();
}
