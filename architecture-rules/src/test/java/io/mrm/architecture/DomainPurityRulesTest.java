package io.mrm.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mrm.architecture.fixture.domain.ImpureRule;
import io.mrm.architecture.fixture.domain.PureRule;
import org.junit.jupiter.api.Test;

/** The rule every service's ArchitectureTest applies must actually catch a violation. */
class DomainPurityRulesTest {

    @Test
    void aDomainClassUsingAKafkaTypeIsReportedWithHowToFixIt() {
        assertThatThrownBy(() -> DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(
                        new ClassFileImporter().importClasses(ImpureRule.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("ImpureRule")
                .hasMessageContaining("org.apache.kafka")
                .hasMessageContaining("move the dependency into an adapter");
    }

    @Test
    void aPlainJavaDomainClassPasses() {
        assertThatCode(() -> DomainPurityRules.DOMAIN_IS_PURE_JAVA.check(
                        new ClassFileImporter().importClasses(PureRule.class)))
                .doesNotThrowAnyException();
    }
}
