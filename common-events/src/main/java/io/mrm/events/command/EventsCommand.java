package io.mrm.events.command;

/** Events on the event-broker (AEM / Solace) command topic, executed by aem-sync. */
public sealed interface EventsCommand extends StepCommand
        permits EventsSetRoleCommand, EventsDrainCommand, EventsVerifyCommand {}
