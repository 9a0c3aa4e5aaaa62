package io.mrm.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.regex.Pattern;

/**
 * The rule every actuator tests: a backend failure is an {@code io.mrm.events.ack.ActuatorFailure} (built with
 * its {@code retriable}/{@code fatal} factories), so the engine and the acks read one classification. An actuator
 * exception that carries a retriable flag of its own is a second copy of that type, whatever it is named and
 * wherever it lives.
 */
public final class FailureTypeRules {

    /** retriable, isRetriable, retryable, RETRIABLE, …: the ways a copied flag is usually spelt. */
    private static final Pattern RETRIABLE_FLAG = Pattern.compile("(?i)(is)?retr[iy]able");

    public static final ArchRule NO_OWN_RETRIABLE_FAILURE = noClasses()
            .that()
            .areAssignableTo(Throwable.class)
            .should(declareARetriableFlag())
            // a module whose only failures are ActuatorFailure's factories declares no exception at all
            .allowEmptyShould(true)
            .because("a backend failure is io.mrm.events.ack.ActuatorFailure: throw ActuatorFailure.retriable(code, "
                    + "message) or ActuatorFailure.fatal(code, message), or extend ActuatorFailure (as "
                    + "DnsFencedException does) when callers must catch the case on its own; never declare a "
                    + "retriable flag again");

    private static ArchCondition<JavaClass> declareARetriableFlag() {
        return new ArchCondition<>("declare a retriable field or method of their own") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                // satisfied = declares a flag; noClasses() turns each satisfied event into a violation
                boolean declares = false;
                for (JavaMember member : type.getMembers()) {
                    if (member.getOwner().equals(type)
                            && RETRIABLE_FLAG.matcher(member.getName()).matches()) {
                        declares = true;
                        events.add(SimpleConditionEvent.satisfied(
                                type,
                                type.getName() + " declares " + member.getName() + " (" + member.getDescription()
                                        + ")"));
                    }
                }
                if (!declares) {
                    events.add(SimpleConditionEvent.violated(type, type.getName() + " declares no retriable flag"));
                }
            }
        };
    }

    private FailureTypeRules() {}
}
