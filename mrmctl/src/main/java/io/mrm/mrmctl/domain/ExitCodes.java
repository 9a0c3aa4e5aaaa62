package io.mrm.mrmctl.domain;

/** What mrmctl's exit status means; scripts branch on these, so they never change meaning. */
public final class ExitCodes {

    /** The request was accepted (or the command succeeded). */
    public static final int OK = 0;
    /** Bad input, or Kafka could not be reached. */
    public static final int ERROR = 1;
    /** The decision engine rejected the request; the reason is printed. */
    public static final int REJECTED = 2;
    /** No answer (or the followed plan did not finish) within --timeout. */
    public static final int TIMED_OUT = 3;
    /** The followed plan paused on a failed step: resume, skip or abort it. */
    public static final int PLAN_PAUSED = 4;
    /** mrmctl replay: running the journal under its recorded policy did not reproduce the recorded outputs. */
    public static final int REPLAY_DIVERGED = 5;
    /** mrmctl drill --follow: the drill found steps that would fail, or it was cancelled (a real decision came). */
    public static final int DRILL_FAILED = 6;

    private ExitCodes() {}
}
