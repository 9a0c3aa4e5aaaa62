package io.mrm.health.domain;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A broker in memory behind the {@link RoundTripTransport} port: what a send does is scripted
 * ({@link Behaviour}), and time passes on a clock the probe under test shares, so latencies are exact.
 */
final class InMemoryRoundTripTransport implements RoundTripTransport {

    enum Behaviour {
        /** Acknowledges and delivers the message back after {@code transit}. */
        LOOP_BACK,
        /** Acknowledges and keeps the message until {@link #deliverHeld()}. */
        ACK_ONLY,
        /** Neither acknowledges nor delivers. */
        SILENT,
        /** Refuses the message. */
        NACK,
        /** Cannot open a session. */
        CANNOT_CONNECT,
        /** Opening the session never finishes until {@link #finishHangingConnect()}. */
        CONNECT_HANGS,
        /** Breaks the contract: throws instead of returning a stage. */
        THROWS
    }

    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final List<String> sent = new CopyOnWriteArrayList<>();
    final AtomicInteger resets = new AtomicInteger();
    final Deque<String> held = new ArrayDeque<>();
    volatile Behaviour behaviour = Behaviour.LOOP_BACK;
    volatile Duration connectTime = Duration.ZERO;
    volatile Duration transit = Duration.ZERO;
    volatile boolean connected;
    volatile boolean closed;
    private volatile Events events;
    private volatile CompletableFuture<Void> hanging;

    @Override
    public void listen(Events events) {
        this.events = events;
    }

    @Override
    public CompletionStage<Void> send(String token, Runnable handingOver) {
        sent.add(token);
        switch (behaviour) {
            case CANNOT_CONNECT -> {
                return CompletableFuture.failedFuture(
                        new RoundTripFailure("cannot connect to tcp://broker.test:55555: connection refused"));
            }
            case CONNECT_HANGS -> {
                hanging = new CompletableFuture<>();
                return hanging;
            }
            case THROWS -> throw new IllegalStateException("pool gone");
            default -> {}
        }
        if (!connected) {
            advance(connectTime);
            connected = true;
        }
        handingOver.run();
        switch (behaviour) {
            case LOOP_BACK -> {
                events.acknowledged(token);
                advance(transit);
                events.arrived(token);
            }
            case ACK_ONLY -> {
                events.acknowledged(token);
                held.add(token);
            }
            case SILENT -> held.add(token);
            case NACK -> events.refused(token, "400 Spool Over Quota");
            default -> throw new IllegalStateException(behaviour.name());
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Delivers the messages kept back, oldest first. */
    void deliverHeld() {
        while (!held.isEmpty()) {
            events.arrived(held.poll());
        }
    }

    /** Delivers a message the probe never sent. */
    void deliverForeign(String token) {
        events.arrived(token);
    }

    /** The session breaks. */
    void breakSession(String reason) {
        connected = false;
        events.failed(reason);
    }

    void finishHangingConnect() {
        hanging.completeExceptionally(new RoundTripFailure("timeout: login not answered"));
    }

    void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Override
    public void reset() {
        resets.incrementAndGet();
        connected = false;
    }

    @Override
    public String describe() {
        return "topic mrm/probe -> queue mrm-probe on tcp://broker.test:55555, VPN shop";
    }

    @Override
    public void close() {
        closed = true;
    }
}
