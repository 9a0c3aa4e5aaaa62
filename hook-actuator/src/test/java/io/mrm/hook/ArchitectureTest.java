package io.mrm.hook;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mrm.architecture.FailureTypeRules;
import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;

/**
 * Its domain is pure Java, it uses no other service's code and no test framework (see {@link ModuleRules}),
 * and a backend's failure is the shared ActuatorFailure, not a copy with its own retriable flag.
 */
class ArchitectureTest {

    @Test
    void followsTheServiceRules() {
        ModuleRules.checkService(ServiceModule.HOOK_ACTUATOR);
    }

    @Test
    void backendFailuresAreActuatorFailures() {
        FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mrm.hook"));
    }
}
