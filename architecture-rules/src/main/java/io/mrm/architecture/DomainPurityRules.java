package io.mrm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rule every service tests: domain code is plain Java, so the decision core can
 * be replayed and the rules tested without a broker or a cloud.
 */
public final class DomainPurityRules {

    public static final ArchRule DOMAIN_IS_PURE_JAVA = noClasses()
            .that()
            .resideInAPackage("..domain..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "org.apache.kafka..",
                    "io.cloudevents..",
                    "software.amazon..",
                    "com.azure..",
                    "com.sap..",
                    "com.solacesystems..",
                    "io.debezium..",
                    "jakarta.persistence..",
                    "java.sql..",
                    "java.net.http..",
                    "io.micrometer..",
                    "com.fasterxml.jackson..")
            .because("domain code must stay pure Java (no framework, broker, SDK or I/O types) so that "
                    + "decide(state, input, now) can be replayed for audit; move the dependency into an "
                    + "adapter and give the domain an interface it owns (e.g. DnsRouter)");

    private DomainPurityRules() {}
}
