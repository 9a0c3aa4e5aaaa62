package io.mrm.events.command;

/** Events on the DNS command topic, executed by dns-actuator. */
public sealed interface DnsCommand extends StepCommand permits DnsRouteCommand, DnsVerifyCommand {}
