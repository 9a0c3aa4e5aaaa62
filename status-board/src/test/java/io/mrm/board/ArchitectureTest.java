package io.mrm.board;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

import io.mrm.architecture.ModuleRules;
import io.mrm.architecture.ServiceModule;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/** Pure domain, no other service's code; and read-only: the web layer maps GET requests only. */
class ArchitectureTest {

    @Test
    void followsTheServiceRules() {
        ModuleRules.checkService(ServiceModule.STATUS_BOARD);
    }

    @Test
    void theBoardMapsNoRequestThatCouldChangeAnything() {
        noMethods()
                .should()
                .beAnnotatedWith(PostMapping.class)
                .orShould()
                .beAnnotatedWith(PutMapping.class)
                .orShould()
                .beAnnotatedWith(DeleteMapping.class)
                .orShould()
                .beAnnotatedWith(PatchMapping.class)
                .orShould()
                .beAnnotatedWith(RequestMapping.class)
                .because("the status board is read-only (it has no login of its own and sits behind the users' SSO "
                        + "proxy): map pages with @GetMapping, and send operators to mrmctl to change anything")
                .check(ModuleRules.mainClasses("io.mrm.board"));
    }
}
