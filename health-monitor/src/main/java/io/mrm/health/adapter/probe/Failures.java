package io.mrm.health.adapter.probe;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers shared by the probes to turn an exception into a short reason for operators. */
final class Failures {

    private Failures() {}

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The first non-blank message in the cause chain, or the exception's simple name. */
    static String message(Throwable error) {
        for (Throwable t = error; t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return error.getClass().getSimpleName();
    }
}
