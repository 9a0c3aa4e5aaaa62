package io.mrm.hana;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mrm.testsupport.DomainPurityRules;
import io.mrm.testsupport.FailureTypeRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.mrm.hana");

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(CLASSES);
    }

    @Test
    void backendFailuresAreActuatorFailures() {
        FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(CLASSES);
    }
}
