package io.mrm.events.command;

/** Events on the data (HANA / CDC) command topic, executed by hana-sync. */
public sealed interface DataCommand extends StepCommand
        permits DataDrainCommand, DataPromoteCommand, DataReprotectCommand, DataFenceCommand {}
