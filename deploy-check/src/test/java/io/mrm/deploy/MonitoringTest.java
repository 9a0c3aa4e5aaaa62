package io.mrm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and alert rules shipped in deploy/ and k8s/: the dashboard's panels each have a data source and a
 * query, every metric a query or rule uses is one the services export (deploy/metrics.txt), the rules pass
 * promtool's checks and unit tests, the operator's PrometheusRule carries the same rules, each rule's runbook
 * link is a heading of docs/operations.md, and every service has a ServiceMonitor on its actuator port.
 */
class MonitoringTest {

    static final Path DASHBOARD = Repo.ROOT.resolve("deploy/grafana/mrm-overview.json");
    static final Path RULES = Repo.ROOT.resolve("deploy/prometheus/mrm-alerts.yml");
    static final Tool PROMTOOL =
            new Tool("promtool", "apt-get install prometheus", "the alert rules' and dashboard queries' checks");

    @TempDir
    Path work;

    @Test
    void everyDashboardPanelHasTheDataSourceVariableAndAQuery() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<JsonNode> panels = panels(dashboard);
        assertThat(panels).hasSizeGreaterThan(10);
        for (JsonNode panel : panels) {
            String where = "panel '" + panel.path("title").asText() + "'";
            assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(where + " targets").isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(where + " query").isNotBlank();
                assertThat(target.path("datasource").path("uid").asText())
                        .as(where)
                        .isEqualTo("${datasource}");
            }
        }
        List<String> variables = new ArrayList<>();
        dashboard
                .path("templating")
                .path("list")
                .forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).contains("datasource", "application");
    }

    @Test
    void everyMetricAQueryOrRuleUsesIsOneTheServicesExport() throws Exception {
        Exported exported = Exported.read(Repo.ROOT.resolve("deploy/metrics.txt"));
        Map<String, String> queries = new HashMap<>();
        dashboardQueries().forEach(q -> queries.put(q, "the dashboard"));
        rules(StrictYaml.documents(RULES).get(0))
                .forEach(r -> queries.put(r.path("expr").asText(), RULES.toString()));
        for (Map.Entry<String, String> q : queries.entrySet()) {
            Set<String> names = metricNames(q.getKey());
            assertThat(names).as("metrics of " + q.getKey()).isNotEmpty();
            for (String name : names) {
                assertThat(exported.has(name))
                        .as(q.getValue() + ": " + name + " (in " + q.getKey() + ") is not in deploy/metrics.txt")
                        .isTrue();
            }
        }
    }

    @Test
    void metricNamesAreTheSeriesAQueryReadsNotItsFunctionsLabelsOrVariables() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, action) (rate(a_seconds_bucket{x=\"y\"}"
                        + "[$__rate_interval]))) > 0 unless on (application) b_total offset 30m and bool c"))
                .containsExactlyInAnyOrder("a_seconds_bucket", "b_total", "c");
        assertThat(new Exported(Set.of("up"), Set.of("h_seconds"), List.of("kafka_stream_")).has("h_seconds_count"))
                .isTrue();
        assertThat(new Exported(Set.of("up"), Set.of(), List.of("kafka_stream_")).has("kafka_consumer_x"))
                .isFalse();
    }

    @Test
    void theAlertRulesPassPromtoolsChecksAndUnitTests() throws Exception {
        skipWithoutPromtool();
        promtool(RULES.getParent(), "check", "rules", "mrm-alerts.yml");
        promtool(RULES.getParent(), "test", "rules", "mrm-alerts.test.yml");
    }

    @Test
    void theDashboardsQueriesArePromQlThatPromtoolAccepts() throws Exception {
        skipWithoutPromtool();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String query : dashboardQueries()) {
            String expr = query.replace("$application", "orders")
                    .replace("$__rate_interval", "2m")
                    .replace("$__range", "6h");
            rules.append("      - record: dashboard:query").append(i++).append('\n');
            rules.append("        expr: '").append(expr.replace("'", "''")).append("'\n");
        }
        Files.writeString(work.resolve("dashboard-rules.yml"), rules);
        promtool(work, "check", "rules", "dashboard-rules.yml");
    }

    @Test
    void everyAlertHasASummaryADescriptionAndARunbookHeadingInOperationsMd() {
        Set<String> headings =
                DocumentationLinksTest.headingAnchors(Repo.read(Repo.ROOT.resolve("docs/operations.md")));
        List<JsonNode> rules = rules(StrictYaml.documents(RULES).get(0));
        assertThat(rules).isNotEmpty();
        for (JsonNode rule : rules) {
            String where = rule.path("alert").asText();
            assertThat(where).as("an alerting rule").isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).as(where).isIn("info", "warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText())
                    .as(where)
                    .isNotBlank();
            assertThat(rule.path("annotations").path("description").asText())
                    .as(where)
                    .isNotBlank();
            String runbook = rule.path("annotations").path("runbook_url").asText();
            assertThat(runbook).as(where).startsWith("docs/operations.md#");
            assertThat(headings).as(where + ": " + runbook).contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void theOperatorsPrometheusRuleCarriesTheAlertRulesUnchanged() {
        Manifests m = Manifests.render("monitoring", work);
        List<GenericKubernetesResource> rules = generic(m, "PrometheusRule");
        assertThat(rules).hasSize(1);
        JsonNode spec = StrictYaml.MAPPER.valueToTree(
                rules.get(0).getAdditionalProperties().get("spec"));
        assertThat(spec).isEqualTo(StrictYaml.documents(RULES).get(0));
    }

    @Test
    void everyServiceHasAServiceMonitorOnItsActuatorPort() {
        Manifests monitoring = Manifests.render("monitoring", work);
        Map<String, KubernetesManifestsTest.Workload> workloads = new HashMap<>();
        for (String site : List.of("control", "region-a")) {
            KubernetesManifestsTest.workloads(Manifests.render(site, work)).forEach(w -> workloads.put(w.name(), w));
        }
        assertThat(workloads.keySet()).isEqualTo(Repo.serviceModules());
        List<GenericKubernetesResource> monitors = generic(monitoring, "ServiceMonitor");
        assertThat(monitors).hasSameSizeAs(workloads.keySet());
        for (KubernetesManifestsTest.Workload w : workloads.values()) {
            String name = "mrm-" + w.name(); // the job label the alert rules match (up{job=~"mrm-.+"})
            GenericKubernetesResource monitor = monitors.stream()
                    .filter(r -> r.getMetadata().getName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ServiceMonitor " + name));
            JsonNode spec = StrictYaml.MAPPER.valueToTree(
                    monitor.getAdditionalProperties().get("spec"));
            assertThat(fieldNames(spec)).as(name).isEqualTo(Set.of("selector", "endpoints"));
            JsonNode endpoint = spec.path("endpoints").get(0);
            assertThat(endpoint.path("path").asText()).as(name).isEqualTo("/actuator/prometheus");
            Service service = monitoring.named(Service.class, name);
            assertThat(service).as("Service " + name).isNotNull();
            spec.path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(l -> assertThat(service.getMetadata().getLabels())
                            .as(name + " selects its Service")
                            .containsEntry(l.getKey(), l.getValue().asText()));
            assertThat(w.template().getMetadata().getLabels())
                    .as(name + ": the Service selects the pods")
                    .containsAllEntriesOf(service.getSpec().getSelector());
            ServicePort port = service.getSpec().getPorts().stream()
                    .filter(p -> p.getName().equals(endpoint.path("port").asText()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": no Service port " + endpoint.path("port")));
            Container container = w.template().getSpec().getContainers().get(0);
            int management = Repo.defaultManagementPort(w.name());
            assertThat(container.getPorts())
                    .as(name + ": the port scraped is the actuator's (" + management + ")")
                    .anyMatch(p ->
                            p.getName().equals(port.getTargetPort().getStrVal()) && p.getContainerPort() == management);
        }
    }

    // ---- helpers

    /** The set of exported names: exact ones, histogram bases (with their suffixes) and family prefixes. */
    record Exported(Set<String> exact, Set<String> histograms, List<String> prefixes) {

        static Exported read(Path file) {
            Set<String> exact = new TreeSet<>();
            Set<String> histograms = new TreeSet<>();
            List<String> prefixes = new ArrayList<>();
            for (String line : Repo.read(file).split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                assertThat(f.length).as("name, type, exported by: " + line).isGreaterThanOrEqualTo(3);
                assertThat(f[1]).as(line).isIn("counter", "gauge", "histogram", "family");
                if (f[1].equals("family")) {
                    assertThat(f[0]).as(line).endsWith("*");
                    prefixes.add(f[0].substring(0, f[0].length() - 1));
                } else if (f[1].equals("histogram")) {
                    histograms.add(f[0]);
                } else {
                    exact.add(f[0]);
                }
            }
            return new Exported(exact, histograms, prefixes);
        }

        boolean has(String name) {
            if (exact.contains(name) || histograms.contains(name)) {
                return true;
            }
            for (String suffix : List.of("_bucket", "_count", "_sum", "_max")) {
                if (name.endsWith(suffix) && histograms.contains(name.substring(0, name.length() - suffix.length()))) {
                    return true;
                }
            }
            return prefixes.stream().anyMatch(name::startsWith);
        }
    }

    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    /** The metric names a PromQL expression reads: identifiers that are not functions, keywords or labels. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        collect(dashboard.path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<JsonNode> out) {
        for (JsonNode p : panels) {
            if (p.path("type").asText().equals("row")) {
                collect(p.path("panels"), out); // a collapsed row holds its panels
            } else {
                out.add(p);
            }
        }
    }

    private static List<String> dashboardQueries() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> out = new ArrayList<>();
        panels(dashboard)
                .forEach(p ->
                        p.path("targets").forEach(t -> out.add(t.path("expr").asText())));
        dashboard.path("annotations").path("list").forEach(a -> {
            if (a.has("expr")) {
                out.add(a.path("expr").asText());
            }
        });
        return out;
    }

    private static List<JsonNode> rules(JsonNode file) {
        List<JsonNode> out = new ArrayList<>();
        file.path("groups").forEach(g -> g.path("rules").forEach(out::add));
        return out;
    }

    private static List<GenericKubernetesResource> generic(Manifests m, String kind) {
        return m.all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals(kind))
                .toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static void skipWithoutPromtool() {
        boolean found = java.util.Arrays.stream(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        RequiredTools.skipReason(PROMTOOL, found).ifPresent(Assumptions::abort);
    }

    private static void promtool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue())
                .as("promtool " + String.join(" ", args) + ":\n" + output)
                .isZero();
    }
}
