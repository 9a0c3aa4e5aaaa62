package io.mrm.dns.adapter;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when an external tool it needs is not installed. With the environment variable
 * {@value #REQUIRE_VARIABLE}{@code =1} (CI's {@code .ci/run} exports it) the test fails, naming the tool
 * and the Debian package that has it, so a CI image without the tool cannot pass by skipping; without
 * it the test is skipped with the same reason (a developer's machine may lack the tool).
 */
final class ExternalTools {

    static final String REQUIRE_VARIABLE = "MRM_REQUIRE_TOOLS";

    /** A tool a test runs, and where to get it. */
    record Tool(String executable, String debianPackage, String neededFor) {

        String missingReason() {
            return "'" + executable + "' is not installed (not on the PATH), so " + neededFor + " cannot run."
                    + " Install it with 'apt-get install " + debianPackage + "'";
        }
    }

    static final Tool NAMED = new Tool("named", "bind9", "the RFC 2136 tests against a real BIND server");
    static final Tool DIG = new Tool("dig", "bind9-dnsutils", "the check of BIND's answers with dig");

    private ExternalTools() {}

    static boolean required() {
        return required(System.getenv());
    }

    static boolean required(Map<String, String> environment) {
        return "1".equals(environment.get(REQUIRE_VARIABLE));
    }

    /**
     * The tool's path; when it is missing, fails if tools are required, else aborts (skips) the test with
     * the reason.
     */
    static <T> T requireOrSkip(Tool tool, Optional<T> found) {
        return requireOrSkip(tool, found, required());
    }

    static <T> T requireOrSkip(Tool tool, Optional<T> found, boolean required) {
        if (found.isPresent()) {
            return found.get();
        }
        if (required) {
            throw new AssertionError(
                    tool.missingReason() + " (" + REQUIRE_VARIABLE + "=1 makes a missing tool a failure, not a skip)");
        }
        Assumptions.abort(tool.missingReason() + "; skipped (set " + REQUIRE_VARIABLE + "=1 to fail instead)");
        throw new IllegalStateException("unreachable: abort throws");
    }
}
