package io.mrm.chaos;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mrm.architecture.DomainPurityRules;
import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The harness runs the services from their exec jars, never their code; what it ships uses no test framework, and
 * its invariants (domain) are pure Java, fed by adapters.
 */
class ArchitectureTest {

    @Test
    void shipsNoTestFramework() {
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(ModuleRules.mainClasses("io.mrm.chaos"));
    }

    @Test
    void invariantsArePureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mrm.chaos"));
    }
}
