package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.Alert;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.testsupport.RequiredTools;
import io.mrm.testsupport.RequiredTools.Tool;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status board in a real browser (Debian's headless Chromium, driven through its chromedriver) while the
 * sandbox fails over: the page, loaded once before the outage and never reloaded, shows the application where it
 * runs and each region's health per vantage point; then, through its server-sent events only, the plan's steps
 * appearing and ending SUCCEEDED, the new active region and epoch, the decision and the alerts. The audit page it
 * links to shows the run. Screenshots (before, during, after, audit) go to {@code target/screenshots/}.
 */
class StatusBoardBrowserIT {

    static final Duration TIMEOUT = Duration.ofSeconds(120);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String CARD = "#app-" + Sandbox.APP;

    /** Records in the page every step status a card has shown, so a step passing through RUNNING is not missed. */
    static final String WATCH_STEPS = """
            window.mrmNotReloaded = true;
            window.mrmSeen = [];
            const note = () => document.querySelectorAll('tr.step').forEach(row => {
              const seen = row.getAttribute('data-action') + ':' + row.querySelector('.step-status').textContent;
              if (!window.mrmSeen.includes(seen)) { window.mrmSeen.push(seen); }
            });
            new MutationObserver(note).observe(document.getElementById('applications'), {childList: true, subtree: true});
            note();
            """;

    @Test
    void theBoardShowsTheFailoverLiveWithoutAReloadAndLinksToItsAudit() throws Exception {
        Path chromium = required("chromium", "apt-get install chromium");
        Path chromedriver = required("chromedriver", "apt-get install chromium-driver");
        Files.createDirectories(SCREENSHOTS);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Sandbox sandbox = Sandbox.start(out)) {
            WebDriver browser = browser(chromium, chromedriver);
            try {
                browser.get(sandbox.statusBoardUrl());
                JavascriptExecutor js = (JavascriptExecutor) browser;
                // before: where it runs, and both regions up for every vantage point, as the engine publishes it
                await("the card with both regions up for every vantage point", () -> {
                    assertThat(text(browser, CARD + " .active-region")).isEqualTo(Sandbox.REGION_A);
                    assertThat(text(browser, CARD + " .epoch")).isEqualTo("0");
                    for (String region : List.of(Sandbox.REGION_A, Sandbox.REGION_B)) {
                        List<WebElement> vantages = browser.findElements(
                                By.cssSelector(CARD + " table.health tr[data-region='" + region + "'] td.vantage"));
                        assertThat(vantages)
                                .extracting(v -> v.getAttribute("data-vantage") + "=" + v.getText())
                                .containsExactlyElementsOf(Sandbox.VANTAGES.stream()
                                        .map(v -> v + "=UP")
                                        .toList());
                    }
                    assertThat(text(browser, "#live")).startsWith("live");
                });
                js.executeScript(WATCH_STEPS);
                screenshot(browser, "1-before.png");

                CompletableFuture<Sandbox.OutageResult> outage =
                        CompletableFuture.supplyAsync(() -> sandbox.runScriptedOutage(TIMEOUT));
                await(
                        "the plan's first step on the page",
                        () -> assertThat(browser.findElements(By.cssSelector(CARD + " tr.step")))
                                .isNotEmpty());
                screenshot(browser, "2-during.png");
                Sandbox.OutageResult result = outage.get();

                // after, the same page: every step SUCCEEDED, region-b active under the decision's epoch
                List<StepProgress> steps = result.switched().planSteps();
                await("the switch on the page", () -> {
                    assertThat(text(browser, CARD + " .active-region")).isEqualTo(Sandbox.REGION_B);
                    assertThat(text(browser, CARD + " .epoch"))
                            .isEqualTo(Long.toString(result.decision().epoch()));
                    assertThat(text(browser, CARD + " .phase")).isEqualTo("STEADY");
                    assertThat(browser.findElements(By.cssSelector(CARD + " tr.step .step-status")))
                            .extracting(WebElement::getText)
                            .hasSize(steps.size())
                            .containsOnly(StepStatus.SUCCEEDED.name());
                });
                // the switch is reported once the ordinary steps are done; a best-effort fence of the region left
                // runs beside the plan and may still be RUNNING in that report (the page, awaited above, shows its end)
                List<PlanStep> plan = result.decision().plan();
                assertThat(steps)
                        .filteredOn(s -> !plan.get(s.index()).bestEffort())
                        .extracting(StepProgress::status)
                        .containsOnly(StepStatus.SUCCEEDED);
                assertThat(js.executeScript("return window.mrmNotReloaded")).isEqualTo(true);
                @SuppressWarnings("unchecked")
                List<String> seen = (List<String>) js.executeScript("return window.mrmSeen");
                assertThat(seen)
                        .as("step statuses the page showed, in the order it showed them")
                        .anyMatch(s -> s.endsWith(":" + StepStatus.RUNNING.name()))
                        .contains(steps.stream()
                                .map(s -> s.action() + ":" + StepStatus.SUCCEEDED.name())
                                .toArray(String[]::new));
                String recent = text(browser, CARD + " ul.recent");
                assertThat(recent)
                        .contains(result.decision().kind() + " "
                                + result.decision().status());
                List<Alert> alerts = sandbox.recorder().events(Alert.class).stream()
                        .filter(a -> a.applicationId().equals(Sandbox.APP)
                                && !a.time().isBefore(result.outageAt()))
                        .toList();
                assertThat(alerts).isNotEmpty();
                await(
                        "the run's alerts on the page",
                        () -> assertThat(text(browser, CARD + " ul.recent"))
                                .contains(alerts.stream()
                                        .map(a -> a.severity() + " " + a.code())
                                        .toArray(String[]::new)));
                screenshot(browser, "3-after.png");

                browser.findElement(By.cssSelector(CARD + " a.audit-link")).click();
                await("the audit page", () -> assertThat(browser.getTitle()).isEqualTo("MRM audit of " + Sandbox.APP));
                assertThat(browser.getPageSource())
                        .contains(result.decision().id())
                        .contains("<article class=\"FINISHED\">");
                screenshot(browser, "4-audit.png");

                // the metrics addresses --interactive prints: each of the 9 services (the board too) answers in
                // Prometheus format
                assertThat(sandbox.prometheusUrls()).hasSize(9).containsKey("status-board");
                HttpClient http = HttpClient.newHttpClient();
                for (var url : sandbox.prometheusUrls().entrySet()) {
                    HttpResponse<String> metrics = http.send(
                            HttpRequest.newBuilder(URI.create(url.getValue()))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(metrics.statusCode()).as(url.toString()).isEqualTo(200);
                    assertThat(metrics.body()).as(url.toString()).contains("# TYPE jvm_");
                }
            } finally {
                browser.quit();
            }
        } finally {
            System.out.println(printed.toString(StandardCharsets.UTF_8)); // the timeline, for a failure's report
        }
    }

    private static WebDriver browser(Path chromium, Path chromedriver) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        // the tests run as root, where Chromium's own sandbox cannot start
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,1600");
        return new ChromeDriver(service, options);
    }

    private static String text(WebDriver browser, String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText().trim();
    }

    private static void await(String what, org.awaitility.core.ThrowingRunnable check) {
        Awaitility.await(what)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(check);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The tool on the PATH; skipped with the reason when it is missing, or failed where tools are required. */
    private static Path required(String executable, String install) {
        Optional<Path> found = Arrays.stream(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, executable))
                .filter(Files::isExecutable)
                .findFirst();
        RequiredTools.skipReason(new Tool(executable, install, "the status board's browser test"), found.isPresent())
                .ifPresent(Assumptions::abort);
        return found.orElseThrow();
    }
}
