package io.mrm.events.journal;

import io.mrm.events.MrmEvent;

/** Events on the decision engine's journal topic. */
public sealed interface JournalEvent extends MrmEvent permits EngineStep, PolicyRecord {}
