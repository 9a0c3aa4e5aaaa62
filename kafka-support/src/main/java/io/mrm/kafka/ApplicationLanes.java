package io.mrm.kafka;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One serial lane per application: the tasks of an application run one at a time, in the order
 * they were submitted; tasks of different applications run in parallel, so a task that blocks holds
 * up its own application only. An application's drill steps (rehearsals) have a lane of their own
 * beside it: a rehearsal changes nothing, so it need not be ordered with real commands, and one that
 * hangs must never hold up a real failover. A lane's thread exists only while the lane has work.
 */
final class ApplicationLanes {

    private static final Logger log = LoggerFactory.getLogger(ApplicationLanes.class);

    private final String name;
    private final Map<Lane, Deque<Runnable>> lanes = new HashMap<>();

    private record Lane(String applicationId, boolean rehearsal) {}

    /** @param name names the lanes' threads ({@code name/applicationId}) */
    ApplicationLanes(String name) {
        this.name = name;
    }

    /** Runs {@code task} after the tasks already submitted for {@code applicationId}. */
    void submit(String applicationId, Runnable task) {
        submit(applicationId, false, task);
    }

    /**
     * Runs {@code task} after the tasks already submitted for {@code applicationId} on the same lane: its
     * rehearsals' lane if {@code rehearsal}, else its real commands'.
     */
    void submit(String applicationId, boolean rehearsal, Runnable task) {
        Lane lane = new Lane(applicationId, rehearsal);
        Deque<Runnable> queue;
        synchronized (this) {
            Deque<Runnable> existing = lanes.get(lane);
            if (existing != null) {
                existing.add(task);
                return;
            }
            queue = new ArrayDeque<>();
            queue.add(task);
            lanes.put(lane, queue);
        }
        Thread thread = new Thread(() -> drain(lane, queue), threadName(lane));
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                lanes.remove(lane);
            }
            throw e;
        }
    }

    /** Lanes with a task running or waiting. */
    synchronized int active() {
        return lanes.size();
    }

    private void drain(Lane lane, Deque<Runnable> queue) {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    lanes.remove(lane);
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("a task of {} failed; the lane carries on", lane.applicationId(), e);
            } finally {
                // an interrupt meant for the task that ended must not reach the next one
                Thread.interrupted();
            }
        }
    }

    private String threadName(Lane lane) {
        String id = lane.applicationId().length() > 64 ? lane.applicationId().substring(0, 64) : lane.applicationId();
        return name + "/" + id.replaceAll("[^A-Za-z0-9._-]", "?") + (lane.rehearsal() ? "/rehearsal" : "");
    }
}
