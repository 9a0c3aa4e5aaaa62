package io.mrm.hook.domain;

/** How the plan switches: {@code GRACEFUL} while both regions answer, {@code FORCED} when the region left may not. */
public enum HookMode {
    GRACEFUL,
    FORCED
}
