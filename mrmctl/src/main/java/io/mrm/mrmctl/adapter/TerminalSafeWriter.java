package io.mrm.mrmctl.adapter;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * What mrmctl prints comes partly from the bus (reasons, details, operator ids in events), and anyone who
 * could write an event could otherwise put terminal control sequences on an operator's screen (rewrite a
 * line, hide text, set the window title). Every control character but newline and tab (C0 with carriage
 * return, DEL, C1) is
 * printed as U+FFFD instead. (JSON output is unaffected: JSON escapes control characters in strings.)
 */
public final class TerminalSafeWriter extends FilterWriter {

    public TerminalSafeWriter(Writer out) {
        super(out);
    }

    static boolean unsafe(int c) {
        return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c <= 0x9f);
    }

    @Override
    public void write(int c) throws IOException {
        super.write(unsafe(c) ? '\uFFFD' : c);
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
        char[] copy = new char[length];
        for (int i = 0; i < length; i++) {
            char c = buffer[offset + i];
            copy[i] = unsafe(c) ? '\uFFFD' : c;
        }
        super.write(copy, 0, length);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        write(text.toCharArray(), offset, length);
    }
}
