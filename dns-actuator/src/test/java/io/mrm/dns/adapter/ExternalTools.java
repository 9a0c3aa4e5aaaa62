package io.mrm.dns.adapter;

import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** The outside tools the DNS tests run, required or skipped as {@link RequiredTools} decides. */
final class ExternalTools {

    static final Tool NAMED =
            new Tool("named", "apt-get install bind9", "the RFC 2136 tests against a real BIND server");
    static final Tool DIG = new Tool("dig", "apt-get install bind9-dnsutils", "the check of BIND's answers with dig");

    private ExternalTools() {}

    static boolean required() {
        return RequiredTools.required();
    }

    static boolean required(Map<String, String> environment) {
        return RequiredTools.required(environment);
    }

    /** The tool's path; when it is missing, fails if tools are required, else skips the test with the reason. */
    static <T> T requireOrSkip(Tool tool, Optional<T> found) {
        return requireOrSkip(tool, found, required());
    }

    static <T> T requireOrSkip(Tool tool, Optional<T> found, boolean required) {
        RequiredTools.skipReason(tool, found.isPresent(), required).ifPresent(Assumptions::abort);
        return found.orElseThrow();
    }
}
