package io.mrm.testsupport;

import java.util.Map;
import java.util.Optional;

/**
 * What a test does when an outside tool it needs (BIND, dig, kcat, openssl, kubectl) is missing. With
 * {@value #VARIABLE}{@code =1} (CI's {@code .ci/run} exports it) the test fails, naming the tool and the Debian
 * package that has it, so a machine without the tool cannot pass by skipping; without it the test is skipped
 * with the same reason. No JUnit here (the sandbox ships this module): the caller skips with the reason returned,
 * e.g. {@code RequiredTools.skipReason(tool, found).ifPresent(Assumptions::abort)}.
 */
public final class RequiredTools {

    public static final String VARIABLE = "MRM_REQUIRE_TOOLS";

    /** A tool a test runs, and how to install it (e.g. {@code apt-get install bind9}). */
    public record Tool(String executable, String install, String neededFor) {

        public String missingReason() {
            return "'" + executable + "' is not installed (not on the PATH), so " + neededFor + " cannot run."
                    + " Install it with '" + install + "'";
        }
    }

    private RequiredTools() {}

    public static boolean required() {
        return required(System.getenv());
    }

    public static boolean required(Map<String, String> environment) {
        return "1".equals(environment.get(VARIABLE));
    }

    /** As {@link #skipReason(Tool, boolean, boolean)}, required when the environment says so. */
    public static Optional<String> skipReason(Tool tool, boolean present) {
        return skipReason(tool, present, required());
    }

    /**
     * Empty when the tool is there. When it is missing: an {@link AssertionError} if tools are required, else
     * the reason to skip the test with.
     */
    public static Optional<String> skipReason(Tool tool, boolean present, boolean required) {
        if (present) {
            return Optional.empty();
        }
        if (required) {
            throw new AssertionError(
                    tool.missingReason() + " (" + VARIABLE + "=1 makes a missing tool a failure, not a skip)");
        }
        return Optional.of(tool.missingReason() + "; skipped (set " + VARIABLE + "=1 to fail instead)");
    }
}
