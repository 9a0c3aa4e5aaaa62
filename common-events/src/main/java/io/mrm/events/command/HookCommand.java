package io.mrm.events.command;

/** Events on the hook command topic, executed by hook-actuator. */
public sealed interface HookCommand extends StepCommand permits HookRunCommand {}
