package io.mrm.aem.domain;

import java.time.Duration;

/** Waiting between two polls of the broker; tests pass one that moves a test clock instead. */
@FunctionalInterface
public interface Sleeper {

    Sleeper THREAD = duration -> Thread.sleep(Math.max(0, duration.toMillis()));

    void sleep(Duration duration) throws InterruptedException;
}
