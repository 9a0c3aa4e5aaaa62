package io.mrm.decision.domain;

import io.mrm.events.Require;

/**
 * Free text the core writes into events is bounded like any event text: inputs may carry texts of
 * the full length allowed (a monitor's detail, an operator's reason), and what the core adds to them
 * must never make an output invalid — that would make the step throw and the input be dead-lettered.
 */
final class Texts {

    private Texts() {}

    static String clip(String text) {
        if (text == null || text.length() <= Require.MAX_TEXT) {
            return text;
        }
        return text.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
