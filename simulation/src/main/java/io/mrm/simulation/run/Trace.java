package io.mrm.simulation.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened in one run. The hash is always kept (cheaply, from ids and times) so that running a
 * seed twice can be compared; the readable lines only when the run is replayed with {@code --trace}
 * (formatting every step of every run would cost more than simulating it).
 */
public final class Trace {

    private final boolean recording;
    private final List<String> lines = new ArrayList<>();
    private long hash = 0xcbf29ce484222325L;

    public Trace(boolean recording) {
        this.recording = recording;
    }

    /** Whether lines are recorded: callers build a line only when this says so. */
    public boolean on() {
        return recording;
    }

    public void line(long ms, String who, String text) {
        lines.add(String.format("%10s  %-9s %s", clock(ms), who, text));
    }

    /** Mixes a value into the run's hash (FNV-1a over the value's bytes, folded). */
    public void mix(long value) {
        long h = hash;
        for (int i = 0; i < 8; i++) {
            h ^= (value >>> (i * 8)) & 0xff;
            h *= 0x100000001b3L;
        }
        hash = h;
    }

    public void mix(String value) {
        mix(value == null ? 0 : value.hashCode());
    }

    public long hash() {
        return hash;
    }

    public List<String> lines() {
        return lines;
    }

    public void print(PrintStream out) {
        lines.forEach(out::println);
    }

    /** "+12:03.250" (minutes and seconds of virtual time since the start; a clock stamped behind may be "-0:01.880"). */
    public static String clock(long ms) {
        long abs = Math.abs(ms);
        return String.format("%s%d:%02d.%03d", ms < 0 ? "-" : "+", abs / 60_000, (abs / 1000) % 60, abs % 1000);
    }
}
