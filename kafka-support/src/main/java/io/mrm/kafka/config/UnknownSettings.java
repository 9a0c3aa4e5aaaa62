package io.mrm.kafka.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.PropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Finds the keys under {@code mrm.} that none of a service's settings takes.
 *
 * <p>Configuration files, command-line arguments, system properties and any other source a user
 * writes MRM settings into are checked whole: every {@code mrm.*} key there was meant as a setting,
 * including a misspelt prefix ({@code mrm.decison.x}). Environment variables are checked only where
 * Spring would bind them: inside a root of the service's settings ({@code MRM_KAFKA_*},
 * {@code MRM_DECISION_*}, ...), and not when a configuration file names the variable itself, as a
 * placeholder ({@code ${MRM_HTTP_PORT:8081}}) or as a value (a secret's {@code env: NAME}). An
 * environment holds many variables that are no settings (the deployment's own inputs to such
 * placeholders, credentials, other programs'); a variable inside a root that nothing names is a
 * setting Spring would have bound, had it been spelt right.
 */
public final class UnknownSettings {

    static final ConfigurationPropertyName MRM = ConfigurationPropertyName.of("mrm");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}\\s$]+)");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private UnknownSettings() {}

    /** The keys under {@code mrm.} in the sources that none of the roots takes, sorted by key. */
    public static List<UnknownSetting> find(PropertySources sources, Collection<SettingsRoot> roots) {
        Iterable<ConfigurationPropertySource> configurationSources = ConfigurationPropertySources.from(sources);
        List<SettingsRoot> mrmRoots =
                roots.stream().filter(root -> isMrm(root.prefix())).distinct().toList();
        KnownSettings known =
                KnownSettings.visit(configurationSources, new PropertySourcesPlaceholdersResolver(sources), mrmRoots);
        Set<String> referenced = referencedVariables(sources);
        List<UnknownSetting> unknown = new ArrayList<>();
        for (ConfigurationPropertySource source : configurationSources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                unknown.addAll(unknownIn(iterable, known, referenced));
            }
        }
        unknown.sort(Comparator.comparing(UnknownSetting::key).thenComparing(UnknownSetting::origin));
        return unknown;
    }

    private static List<UnknownSetting> unknownIn(
            IterableConfigurationPropertySource source, KnownSettings known, Set<String> referenced) {
        boolean environment = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
        Set<String> boundVariables = environment ? variablesBound(source, known) : Set.of();
        List<UnknownSetting> unknown = new ArrayList<>();
        for (ConfigurationPropertyName name : source) {
            if (!isMrm(name) || known.contains(name)) {
                continue;
            }
            ConfigurationProperty property = source.getConfigurationProperty(name);
            String key = keyOf(property, name);
            if (!environment) {
                unknown.add(new UnknownSetting(
                        key,
                        where(source, property),
                        known.nearest(typed(key, name)).orElse(null)));
            } else if (isMisspeltSetting(name, key, known, boundVariables, referenced)) {
                unknown.add(new UnknownSetting(
                        key,
                        "environment variable",
                        known.nearestVariable(key, referenced).orElse(null)));
            }
        }
        return unknown;
    }

    /** A variable inside a root that Spring does not bind and no configuration names (see the class comment). */
    private static boolean isMisspeltSetting(
            ConfigurationPropertyName name,
            String variable,
            KnownSettings known,
            Set<String> boundVariables,
            Set<String> referenced) {
        return known.isUnderARoot(name)
                && !boundVariables.contains(variable)
                && !known.containsVariable(variable)
                && !referenced.contains(variable);
    }

    /**
     * The variables of an environment that a known name reads. Relaxed binding reads some variables
     * under a name other than the one they are listed as: {@code MRM_KAFKA_ALLOW_WEAK_DURABILITY} is
     * listed as {@code mrm.kafka.allow.weak.durability} and read as {@code mrm.kafka.allow-weak-durability}.
     * (Other sources list a key under the name it is read as.)
     */
    private static Set<String> variablesBound(ConfigurationPropertySource source, KnownSettings known) {
        Set<String> keys = new HashSet<>();
        for (ConfigurationPropertyName name : known.names()) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                keys.add(keyOf(property, name));
            }
        }
        return keys;
    }

    /** Variables a configuration names: {@code ${NAME...}} placeholders, and values that are a variable's name. */
    static Set<String> referencedVariables(PropertySources sources) {
        Set<String> names = new HashSet<>();
        for (PropertySource<?> source : sources) {
            // the environment's own values are not read: some are credentials
            if (source instanceof SystemEnvironmentPropertySource
                    || !(source instanceof EnumerablePropertySource<?> e)) {
                continue;
            }
            for (String key : e.getPropertyNames()) {
                Object value = e.getProperty(key);
                if (value == null) {
                    continue;
                }
                String text = value.toString();
                Matcher m = PLACEHOLDER.matcher(text);
                while (m.find()) {
                    names.add(m.group(1));
                }
                if (VARIABLE.matcher(text).matches()) {
                    names.add(text);
                }
            }
        }
        return names;
    }

    private static boolean isMrm(ConfigurationPropertyName name) {
        return MRM.equals(name) || MRM.isAncestorOf(name);
    }

    /** The key as written: the property source's own name for it, not Spring's normalised form. */
    private static String keyOf(ConfigurationProperty property, ConfigurationPropertyName name) {
        if (property != null && property.getOrigin() instanceof PropertySourceOrigin origin) {
            return origin.getPropertyName();
        }
        return name.toString();
    }

    /** The key as written, as a name that keeps its spelling (camel case, map keys) for the suggestion. */
    private static ConfigurationPropertyName typed(String key, ConfigurationPropertyName name) {
        ConfigurationPropertyName adapted = ConfigurationPropertyName.adapt(key, '.');
        return adapted.equals(name) ? adapted : name;
    }

    private static String where(ConfigurationPropertySource source, ConfigurationProperty property) {
        Origin origin = property == null ? null : property.getOrigin();
        if (origin instanceof PropertySourceOrigin p && p.getOrigin() != null) {
            return p.getOrigin().toString();
        }
        String name =
                source.getUnderlyingSource() instanceof PropertySource<?> p ? p.getName() : String.valueOf(source);
        return switch (name) {
            case "commandLineArgs" -> "command line";
            case "systemProperties" -> "system property";
            default -> "property source " + name;
        };
    }
}
