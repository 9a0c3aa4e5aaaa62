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
 * up its own application only. A lane's thread exists only while the lane has work.
 */
final class ApplicationLanes {

    private static final Logger log = LoggerFactory.getLogger(ApplicationLanes.class);

    private final String name;
    private final Map<String, Deque<Runnable>> lanes = new HashMap<>();

    /** @param name names the lanes' threads ({@code name/applicationId}) */
    ApplicationLanes(String name) {
        this.name = name;
    }

    /** Runs {@code task} after the tasks already submitted for {@code applicationId}. */
    void submit(String applicationId, Runnable task) {
        Deque<Runnable> queue;
        synchronized (this) {
            Deque<Runnable> existing = lanes.get(applicationId);
            if (existing != null) {
                existing.add(task);
                return;
            }
            queue = new ArrayDeque<>();
            queue.add(task);
            lanes.put(applicationId, queue);
        }
        Thread thread = new Thread(() -> drain(applicationId, queue), threadName(applicationId));
        thread.setDaemon(true);
        try {
            thread.start();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                lanes.remove(applicationId);
            }
            throw e;
        }
    }

    /** Applications with a task running or waiting. */
    synchronized int active() {
        return lanes.size();
    }

    private void drain(String applicationId, Deque<Runnable> queue) {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    lanes.remove(applicationId);
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("a task of {} failed; the lane carries on", applicationId, e);
            } finally {
                // an interrupt meant for the task that ended must not reach the next one
                Thread.interrupted();
            }
        }
    }

    private String threadName(String applicationId) {
        String id = applicationId.length() > 64 ? applicationId.substring(0, 64) : applicationId;
        return name + "/" + id.replaceAll("[^A-Za-z0-9._-]", "?");
    }
}
