package io.mrm.audit;

import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The audit is plain Java as a whole: it is built from records handed to it and rendered to strings, so
 * mrmctl and the status board read the topics and write files or pages themselves.
 */
class ArchitectureTest {

    @Test
    void theAuditIsFrameworkFreeAndReadsNoFiles() {
        ModuleRules.AUDIT_IS_FRAMEWORK_FREE.check(ModuleRules.mainClasses("io.mrm.audit"));
    }

    @Test
    void theAuditKnowsNoService() {
        ModuleRules.LIBRARIES_DEPEND_ON_NO_SERVICE.check(ModuleRules.mainClasses("io.mrm.audit"));
    }
}
