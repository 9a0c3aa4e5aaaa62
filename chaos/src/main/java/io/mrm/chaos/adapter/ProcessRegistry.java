package io.mrm.chaos.adapter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every process the harness starts, so that none outlives it: a JVM shutdown hook kills what is still running
 * (and its children), also when a test or the soak is interrupted.
 */
public final class ProcessRegistry {

    private static final List<Process> PROCESSES = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessRegistry::killAll, "chaos-process-reaper"));
    }

    private ProcessRegistry() {}

    static Process track(Process process) {
        PROCESSES.add(process);
        return process;
    }

    static void forget(Process process) {
        PROCESSES.remove(process);
    }

    /** SIGKILL to a process and its descendants, waiting (bounded) until it is gone. */
    static void kill(Process process, Duration atMost) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("process " + process.pid() + " still runs after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends a signal by name (STOP, CONT) with the system's kill command. */
    static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every process still running (the shutdown hook; also callable at the end of a run). */
    public static void killAll() {
        for (Process process : PROCESSES) {
            if (process.isAlive()) {
                // SIGKILL ends a paused (SIGSTOPped) process too
                ProcessRegistry.kill(process, Duration.ofSeconds(10));
            }
        }
        PROCESSES.clear();
    }
}
