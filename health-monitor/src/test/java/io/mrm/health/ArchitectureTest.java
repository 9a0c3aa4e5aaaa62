package io.mrm.health;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mrm.architecture.DomainPurityRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void domainIsPureJava() {
        DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(new ClassFileImporter().importPackages("io.mrm.health"));
    }
}
