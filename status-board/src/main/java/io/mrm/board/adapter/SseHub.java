package io.mrm.board.adapter;

import io.mrm.board.domain.BoardEvent;
import io.mrm.board.domain.BoardState;
import io.mrm.board.domain.Html;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The browsers listening to {@code /events}: each gets every application's card on connecting (so nothing that
 * changed between loading the page and connecting is missed), then an {@code application} event per change and a
 * {@code heartbeat} event every {@code heartbeat}. At most {@code maxClients} at once; a client that cannot be
 * written to is dropped (its browser reconnects).
 *
 * <p>Changes are queued and sent by a thread of the hub's own, so a slow browser never holds up the feed that reads
 * Kafka. The queue is bounded: should it fill up, it is emptied and every connection is closed, and each browser
 * reconnects and gets every card afresh — nothing is lost, since a card is an application's whole state.
 *
 * <p>On shutdown it ends every live connection first, before the web server's graceful shutdown, which would
 * otherwise wait its whole timeout for these never-ending responses.
 */
public final class SseHub implements AutoCloseable, SmartLifecycle {

    static final int QUEUE = 1_000;

    /** Too many browsers are listening already. */
    public static final class Full extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Full(int max) {
            super("the board already serves " + max + " live pages (mrm.board.max-clients)");
        }
    }

    private final BoardState state;
    private final int maxClients;
    private final Duration connectionTimeout;
    private final Clock clock;
    private final List<SseEmitter> clients = new CopyOnWriteArrayList<>();
    private final BlockingQueue<BoardEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final ScheduledExecutorService heartbeats;
    private final Thread sender;
    private volatile boolean open = true;

    public SseHub(BoardState state, int maxClients, Duration heartbeat, Duration connectionTimeout, Clock clock) {
        this.state = state;
        this.maxClients = maxClients;
        this.connectionTimeout = connectionTimeout;
        this.clock = clock;
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "status-board-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleAtFixedRate(
                this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        sender = new Thread(this::sendQueued, "status-board-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /** A new listener, sent every application's current card at once. */
    public synchronized SseEmitter subscribe() {
        if (clients.size() >= maxClients) {
            throw new Full(maxClients);
        }
        SseEmitter emitter = new SseEmitter(connectionTimeout.toMillis());
        emitter.onCompletion(() -> clients.remove(emitter));
        emitter.onTimeout(() -> clients.remove(emitter));
        emitter.onError(e -> clients.remove(emitter));
        clients.add(emitter);
        for (var board : state.applications()) {
            if (!send(emitter, BoardEvent.of(board))) {
                break;
            }
        }
        return emitter;
    }

    /** Queues a change for every listener; never blocks. */
    public void publish(BoardEvent event) {
        if (!queue.offer(event)) {
            overflow();
        }
    }

    public int clients() {
        return clients.size();
    }

    private void sendQueued() {
        while (open) {
            try {
                BoardEvent event = queue.poll(1, TimeUnit.SECONDS);
                if (event != null) {
                    sendToAll(event);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The browsers are too far behind: they start again from every card (see the class comment). */
    private synchronized void overflow() {
        queue.clear();
        clients.forEach(SseEmitter::complete);
        clients.clear();
    }

    private synchronized void sendToAll(BoardEvent event) {
        clients.forEach(c -> send(c, event));
    }

    private void heartbeat() {
        String data = "{\"time\":"
                + Html.json(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()) + ",\"version\":"
                + state.version() + "}";
        publish(new BoardEvent(state.version(), "heartbeat", data));
    }

    private boolean send(SseEmitter emitter, BoardEvent event) {
        try {
            emitter.send(SseEmitter.event()
                    .id(Long.toString(event.id()))
                    .name(event.name())
                    .data(event.data()));
            return true;
        } catch (IOException | IllegalStateException e) {
            clients.remove(emitter);
            emitter.completeWithError(e);
            return false;
        }
    }

    @Override
    public void start() {
        // sends from construction on; the lifecycle is only for stopping early
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public boolean isRunning() {
        return open;
    }

    /** Stops before the web server's graceful shutdown (which stops in a lower phase). */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    @Override
    public void close() {
        open = false;
        heartbeats.shutdownNow();
        sender.interrupt();
        clients.forEach(SseEmitter::complete);
        clients.clear();
    }
}
