package io.mrm.hana;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.mrm.architecture.DomainPurityRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.mrm.hana"));
    }
}
