package io.mrm.kafka;

import io.mrm.events.command.StepCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a test's command handlers did, on every instance of the consumer group: each execution of a
 * command (which instance, from when to when, whether it completed), and every moment two commands of
 * one application ran at once — in one instance or across instances.
 */
final class Executions {

    /** One execution of a command by one instance. */
    record Execution(
            String instance,
            String applicationId,
            String commandId,
            Instant published,
            Instant deadline,
            Instant started,
            Instant ended,
            boolean completed) {

        Duration stepTime() {
            return Duration.between(published, ended);
        }

        boolean onTime() {
            return ended.isBefore(deadline);
        }
    }

    private final Map<String, Set<String>> running = new ConcurrentHashMap<>();
    private final List<String> overlaps = new CopyOnWriteArrayList<>();
    private final List<Execution> ended = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> started = new ConcurrentHashMap<>();

    /** Runs {@code work} as {@code instance}'s execution of {@code command}, recording it. */
    void run(String instance, StepCommand command, Runnable work) {
        String app = command.applicationId();
        String me = instance + ":" + command.id();
        Instant start = Instant.now();
        Set<String> now = running.computeIfAbsent(app, a -> ConcurrentHashMap.newKeySet());
        synchronized (now) {
            if (!now.isEmpty()) {
                overlaps.add(me + " started while " + now + " of " + app + " ran");
            }
            now.add(me);
        }
        started.putIfAbsent(me, start);
        boolean completed = false;
        try {
            work.run();
            completed = true;
        } finally {
            synchronized (now) {
                now.remove(me);
            }
            ended.add(new Execution(
                    instance,
                    app,
                    command.id(),
                    command.time(),
                    command.step().deadline(),
                    start,
                    Instant.now(),
                    completed));
        }
    }

    /** Records an overlap seen elsewhere (e.g. a partition given to an instance while another still runs its command). */
    void overlap(String description) {
        overlaps.add(description);
    }

    /** Each time a command started while another command of its application was running, anywhere. */
    List<String> overlaps() {
        return List.copyOf(overlaps);
    }

    List<Execution> ended() {
        return List.copyOf(ended);
    }

    List<Execution> completed() {
        return ended.stream().filter(Execution::completed).toList();
    }

    boolean hasStarted(String instance, String commandId) {
        return started.containsKey(instance + ":" + commandId);
    }

    int startedCount() {
        return started.size();
    }

    /** Commands of the application running right now, as {@code instance:commandId}. */
    Set<String> runningOf(String applicationId) {
        Set<String> now = running.getOrDefault(applicationId, Set.of());
        synchronized (now) {
            return Set.copyOf(now);
        }
    }

    /** "min / median / max" of the step times (publication to end) of these executions. */
    static String summary(List<Execution> executions) {
        List<Duration> times =
                new ArrayList<>(executions.stream().map(Execution::stepTime).toList());
        times.sort(Comparator.naturalOrder());
        if (times.isEmpty()) {
            return "none";
        }
        return times.size() + " commands: min " + times.get(0).toMillis() + " ms, median "
                + times.get(times.size() / 2).toMillis() + " ms, max "
                + times.get(times.size() - 1).toMillis() + " ms";
    }
}
