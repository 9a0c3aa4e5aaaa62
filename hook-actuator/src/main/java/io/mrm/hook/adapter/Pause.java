package io.mrm.hook.adapter;

import java.time.Duration;

/** Waits between two polls; tests pass one that advances a virtual clock instead. */
@FunctionalInterface
public interface Pause {

    void pause(Duration duration) throws InterruptedException;

    static Pause sleeping() {
        return duration -> Thread.sleep(duration.toMillis());
    }
}
