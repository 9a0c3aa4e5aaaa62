package io.mrm.mrmctl.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A reason written by whoever can write an event must not drive the operator's terminal. */
class TerminalSafeWriterTest {

    @Test
    void aForgedReasonCannotRewriteTheOperatorsScreen() {
        StringWriter screen = new StringWriter();
        PrintWriter out = new PrintWriter(new TerminalSafeWriter(screen), true);
        // clear the line and print something reassuring over the real text; set the window title; a C1 CSI
        out.println("reason: region down\u001b[2K\rall good\u001b]0;pwned\u0007 \u009b31m");
        out.print("tabs\tand newlines stay\n");
        out.flush();

        assertThat(screen.toString())
                .doesNotContain("\u001b", "\u0007", "\u009b", "\r")
                .contains("reason: region down\uFFFD[2K")
                .contains("tabs\tand newlines stay\n");
    }
}
