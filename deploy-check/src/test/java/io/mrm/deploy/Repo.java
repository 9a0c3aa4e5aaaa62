package io.mrm.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Facts read from the repository itself: its root, its service modules, the settings they read. */
final class Repo {

    static final Path ROOT = findRoot();
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    private Repo() {}

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("k8s")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repository: no folder above holds mvnw and k8s/");
        }
        return dir;
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every module the root pom lists, in its order. */
    static List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    /**
     * The modules that ship a service: listed in the root pom, repackaged by Spring Boot as a runnable
     * {@code -exec.jar} (the jar the Dockerfile runs), and configured by a {@code <module>.yml} that
     * imports the services' shared defaults (the sandbox launcher has an exec jar too, but is no service).
     */
    static Set<String> serviceModules() {
        Set<String> services = new TreeSet<>();
        Matcher m = MODULE.matcher(read(ROOT.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1).trim();
            String pom = read(ROOT.resolve(module).resolve("pom.xml"));
            Path config = ROOT.resolve(module).resolve("src/main/resources").resolve(module + ".yml");
            if (pom.contains("spring-boot-maven-plugin")
                    && pom.contains("<classifier>exec</classifier>")
                    && Files.isRegularFile(config)
                    && read(config).contains("classpath:mrm-defaults.yml")) {
                services.add(module);
            }
        }
        return services;
    }

    /**
     * The environment variables a service reads through its configuration: every {@code ${NAME}}
     * placeholder in its own {@code <service>.yml}, in kafka-support's defaults, and in the extra
     * configuration files given to it ({@code extraConfig}, e.g. a mounted application.yml).
     */
    static Set<String> environmentRead(String service, String... extraConfig) {
        Set<String> names = new TreeSet<>();
        Stream.concat(
                        Stream.of(
                                read(ROOT.resolve(service)
                                        .resolve("src/main/resources")
                                        .resolve(service + ".yml")),
                                read(ROOT.resolve("kafka-support/src/main/resources/mrm-defaults.yml"))),
                        Stream.of(extraConfig))
                .forEach(text -> {
                    Matcher m = PLACEHOLDER.matcher(text);
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                });
        return names;
    }

    /** The service's default HTTP port, from {@code ${MRM_HTTP_PORT:NNNN}} in its own yml. */
    static int defaultHttpPort(String service) {
        Matcher m = Pattern.compile("\\$\\{MRM_HTTP_PORT:(\\d+)}")
                .matcher(
                        read(ROOT.resolve(service).resolve("src/main/resources").resolve(service + ".yml")));
        if (!m.find()) {
            throw new IllegalStateException(service + ".yml sets no ${MRM_HTTP_PORT:...} default");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * The port of the service's actuator endpoints (health probes, prometheus) outside the profile
     * {@code local}: {@code ${MRM_MANAGEMENT_PORT:NNNN}} in its own yml where it has a management port of
     * its own (health-monitor), else its HTTP port.
     */
    static int defaultManagementPort(String service) {
        Matcher m = Pattern.compile("\\$\\{MRM_MANAGEMENT_PORT:(\\d+)}")
                .matcher(
                        read(ROOT.resolve(service).resolve("src/main/resources").resolve(service + ".yml")));
        return m.find() ? Integer.parseInt(m.group(1)) : defaultHttpPort(service);
    }

    /**
     * Whether a service reads this environment variable: one of its placeholders, a Spring Boot
     * setting ({@code SPRING_*}, bound by Spring's relaxed binding), the JVM's own
     * {@code JAVA_TOOL_OPTIONS}, or an AWS SDK credential (dns-actuator only, for Route 53).
     */
    static boolean reads(String service, String variable, Set<String> placeholders) {
        return placeholders.contains(variable)
                || variable.startsWith("SPRING_")
                || variable.equals("JAVA_TOOL_OPTIONS")
                || (service.equals("dns-actuator") && variable.startsWith("AWS_"));
    }
}
