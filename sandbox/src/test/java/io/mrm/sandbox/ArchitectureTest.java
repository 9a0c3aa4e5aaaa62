package io.mrm.sandbox;

import io.mrm.architecture.ModuleRules;
import org.junit.jupiter.api.Test;

/**
 * The sandbox composes every service on purpose (the one place services meet outside the topics), so the services'
 * independence rule does not apply here; what must hold is that this runnable module ships no test framework.
 */
class ArchitectureTest {

    @Test
    void shipsNoTestFramework() {
        ModuleRules.SHIPS_NO_TEST_FRAMEWORK.check(ModuleRules.mainClasses("io.mrm.sandbox"));
    }
}
