package io.mrm.architecture;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.mrm.architecture.fixture.failure.CopiedFailureException;
import io.mrm.architecture.fixture.failure.RetryableFlagError;
import io.mrm.architecture.fixture.failure.SubtypedFailure;
import org.junit.jupiter.api.Test;

/** The rule the actuators' ArchitectureTests apply must catch a copied failure type and let a subtype pass. */
class FailureTypeRulesTest {

    @Test
    void anExceptionWithItsOwnRetriableFlagIsReportedWithHowToFixIt() {
        assertThatThrownBy(() -> FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(
                        new ClassFileImporter().importClasses(CopiedFailureException.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("CopiedFailureException declares retriable")
                .hasMessageContaining("ActuatorFailure.retriable(code, message)");
    }

    @Test
    void anotherSpellingOfTheFlagIsReportedToo() {
        assertThatThrownBy(() -> FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(
                        new ClassFileImporter().importClasses(RetryableFlagError.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("RetryableFlagError declares isRetryable");
    }

    @Test
    void aSubtypeOfTheSharedFailurePasses() {
        assertThatCode(() -> FailureTypeRules.NO_OWN_RETRIABLE_FAILURE.check(
                        new ClassFileImporter().importClasses(SubtypedFailure.class)))
                .doesNotThrowAnyException();
    }
}
