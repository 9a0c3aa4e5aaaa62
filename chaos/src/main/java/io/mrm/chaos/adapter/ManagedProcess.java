package io.mrm.chaos.adapter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One process of the deployment (a broker or a service), startable again after it was killed: the same
 * command, environment and log file (appended to, so a restart's log follows the crash's).
 */
public final class ManagedProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private Process process;
    private boolean paused;

    ManagedProcess(String name, List<String> command, Map<String, String> environment, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " already runs (pid " + process.pid() + ")");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // only what the deployment gives it (plus PATH and HOME for the JVM), not the harness's own environment
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "JAVA_HOME", "TMPDIR"));
        builder.environment().putAll(environment);
        try {
            process = ProcessRegistry.track(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + name + " failed", e);
        }
        paused = false;
    }

    /** SIGKILL: no shutdown hook, no goodbye to the group, open transactions left open. */
    public synchronized Instant kill() {
        Process current = requireRunning();
        Instant at = Instant.now();
        ProcessRegistry.kill(current, Duration.ofSeconds(30));
        ProcessRegistry.forget(current);
        paused = false;
        return at;
    }

    /** SIGSTOP: the process stops answering, its connections stay open (a hung JVM, a long GC pause). */
    public synchronized void pause() {
        ProcessRegistry.signal(requireRunning(), "STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        ProcessRegistry.signal(requireRunning(), "CONT");
        paused = false;
    }

    /** Stops it gracefully (SIGTERM), bounded; SIGKILL if it does not end in time. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (paused) {
            resume();
        }
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                ProcessRegistry.kill(process, Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessRegistry.forget(process);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return requireRunning().pid();
    }

    private Process requireRunning() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(name + " does not run");
        }
        return process;
    }

    @Override
    public String toString() {
        return name;
    }
}
