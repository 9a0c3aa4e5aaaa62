package io.mrm.hook.adapter;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hook.adapter.CloudIntegrationTenant.RuntimeArtifact;
import io.mrm.hook.domain.HookBackend;
import io.mrm.hook.domain.HookMode;
import io.mrm.hook.domain.HookOutcome;
import io.mrm.hook.domain.HookStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Switches an application's SAP Cloud Integration artifacts from one region's tenant to the other's: undeploys
 * them in the region left ({@code DELETE IntegrationRuntimeArtifacts('<id>')}, 404 = already undeployed), deploys
 * them in the region entered ({@code POST DeployIntegrationDesigntimeArtifact?Id=..&Version=..}) and polls the
 * runtime artifact until STARTED (success) or ERROR (its {@code ErrorInformation} is reported), bounded by the
 * step's deadline. An artifact already STARTED at the wanted version is not deployed again, so a repeated step is
 * harmless. In a forced switch the region left may be down: its undeploy is tried, and a failure there is
 * reported but does not fail the step.
 *
 * <p>A rehearsal only reads: a token is obtainable in both tenants, each design-time artifact exists in the
 * tenant entered, and the runtime status in both regions. The readiness check of one region ({@link #probe})
 * reads that region's tenant alone: a token, each design-time artifact, each runtime artifact.
 */
public final class CloudIntegrationHook implements HookBackend {

    /** An integration artifact to switch; {@code version} {@code active} means the newest design-time version. */
    public record Artifact(String id, String version) {
        public Artifact {
            Objects.requireNonNull(id, "id");
            version = version == null || version.isBlank() ? "active" : version;
        }
    }

    /** One application's tenants (region → tenant) and its artifacts. */
    public record Application(Map<String, CloudIntegrationTenant> tenants, List<Artifact> artifacts) {
        public Application {
            tenants = Map.copyOf(tenants);
            artifacts = List.copyOf(artifacts);
        }
    }

    private final String name;
    private final Map<String, Application> applications;
    private final Duration pollInterval;
    private final Clock clock;
    private final Pause pause;

    public CloudIntegrationHook(
            String name, Map<String, Application> applications, Duration pollInterval, Clock clock, Pause pause) {
        this.name = Objects.requireNonNull(name, "name");
        this.applications = Map.copyOf(applications);
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public HookOutcome apply(HookStep step, Duration timeLeft) {
        Instant deadline = clock.instant().plus(timeLeft);
        Map<String, String> observed = new LinkedHashMap<>();
        try {
            Application app = application(step);
            CloudIntegrationTenant from = tenant(app, step, step.fromRegion());
            CloudIntegrationTenant to = tenant(app, step, step.toRegion());
            List<String> notes = new ArrayList<>();
            boolean fromReachable = true;
            for (Artifact artifact : app.artifacts()) {
                String key = step.fromRegion() + "." + artifact.id();
                if (!fromReachable) {
                    observed.put(key, "NOT_TRIED");
                    continue;
                }
                try {
                    from.undeploy(artifact.id(), deadline);
                    observed.put(key, "UNDEPLOYED");
                } catch (ActuatorFailure e) {
                    if (step.mode() == HookMode.GRACEFUL) {
                        throw e;
                    }
                    // a forced switch leaves a region that may be down: do not spend the deadline on it
                    observed.put(key, "UNDEPLOY_FAILED");
                    notes.add("undeploy in " + step.fromRegion() + " failed, the forced switch goes on: "
                            + e.getMessage());
                    fromReachable = false;
                }
            }
            for (Artifact artifact : app.artifacts()) {
                HookOutcome failed = deploy(to, artifact, step.toRegion(), deadline, observed);
                if (failed != null) {
                    return failed.withObserved(observed);
                }
            }
            String detail = "undeployed " + ids(app) + " in " + step.fromRegion() + ", started them in "
                    + step.toRegion() + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
            return HookOutcome.succeeded(detail, observed);
        } catch (ActuatorFailure e) {
            return failure(e).withObserved(observed);
        }
    }

    /** Deploys one artifact and waits for it to start; null when it runs, else the outcome to report. */
    private HookOutcome deploy(
            CloudIntegrationTenant to, Artifact artifact, String region, Instant deadline, Map<String, String> observed)
            throws ActuatorFailure {
        String key = region + "." + artifact.id();
        String version = to.designtimeVersion(artifact.id(), artifact.version(), deadline)
                .orElseThrow(() -> ActuatorFailure.fatal(
                        "NOT_FOUND",
                        to.name() + ": design-time artifact " + artifact.id() + " version " + artifact.version()
                                + " does not exist"));
        Optional<RuntimeArtifact> current = to.runtimeArtifact(artifact.id(), deadline);
        boolean wantedVersion = current.isPresent() && current.get().version().equals(version);
        boolean startedOrStarting = wantedVersion
                && (current.get().status().equals("STARTED")
                        || current.get().status().equals("STARTING"));
        if (!startedOrStarting) {
            to.deploy(artifact.id(), artifact.version(), deadline);
        }
        while (true) {
            Optional<RuntimeArtifact> now = to.runtimeArtifact(artifact.id(), deadline);
            String status = now.map(RuntimeArtifact::status).orElse("NOT_DEPLOYED");
            observed.put(key, status + now.map(a -> " " + a.version()).orElse(""));
            if (status.equals("STARTED") && now.get().version().equals(version)) {
                return null;
            }
            if (status.equals("ERROR")) {
                String error = HttpHook.clip(to.errorInformation(artifact.id(), deadline));
                return HookOutcome.fatal(
                        to.name() + ": " + artifact.id() + " version " + version + " did not start (ERROR): " + error);
            }
            // another poll only if time is left after the pause: the read itself needs some
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.compareTo(pollInterval) <= 0) {
                return HookOutcome.retriable(
                        to.name() + ": " + artifact.id() + " still " + status + " at the step's deadline " + deadline);
            }
            try {
                pause.pause(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HookOutcome.retriable(to.name() + ": interrupted while waiting for " + artifact.id());
            }
        }
    }

    @Override
    public HookOutcome rehearse(HookStep step, Duration timeLeft) {
        Instant deadline = clock.instant().plus(timeLeft);
        Map<String, String> observed = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        boolean retriable = true;
        Application app;
        CloudIntegrationTenant from;
        CloudIntegrationTenant to;
        try {
            app = application(step);
            from = tenant(app, step, step.fromRegion());
            to = tenant(app, step, step.toRegion());
        } catch (ActuatorFailure e) {
            return failure(e);
        }
        for (CloudIntegrationTenant tenant : List.of(from, to)) {
            try {
                tenant.checkToken(deadline);
            } catch (ActuatorFailure e) {
                if (tenant == from && step.mode() == HookMode.FORCED) {
                    // a forced switch does not need the region it leaves
                    observed.put(step.fromRegion() + ".token", "UNAVAILABLE");
                    continue;
                }
                problems.add(e.getMessage());
                retriable &= e.retriable();
            }
        }
        for (Artifact artifact : app.artifacts()) {
            try {
                Optional<String> version = to.designtimeVersion(artifact.id(), artifact.version(), deadline);
                if (version.isEmpty()) {
                    problems.add(to.name() + ": design-time artifact " + artifact.id() + " version "
                            + artifact.version() + " does not exist");
                    retriable = false;
                }
            } catch (ActuatorFailure e) {
                problems.add(e.getMessage());
                retriable &= e.retriable();
            }
            for (String region : List.of(step.fromRegion(), step.toRegion())) {
                CloudIntegrationTenant tenant = region.equals(step.fromRegion()) ? from : to;
                try {
                    observed.put(
                            region + "." + artifact.id(),
                            tenant.runtimeArtifact(artifact.id(), deadline)
                                    .map(a -> a.status() + " " + a.version())
                                    .orElse("NOT_DEPLOYED"));
                } catch (ActuatorFailure e) {
                    observed.put(region + "." + artifact.id(), "UNKNOWN");
                    if (region.equals(step.toRegion()) || step.mode() == HookMode.GRACEFUL) {
                        problems.add(e.getMessage());
                        retriable &= e.retriable();
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            String detail = "would not switch: " + String.join("; ", problems);
            return (retriable ? HookOutcome.retriable(detail) : HookOutcome.fatal(detail)).withObserved(observed);
        }
        return HookOutcome.succeeded(
                "would undeploy " + ids(app) + " in " + step.fromRegion() + " and deploy them in " + step.toRegion(),
                observed);
    }

    @Override
    public HookOutcome probe(String application, String region, Duration timeLeft) {
        Instant deadline = clock.instant().plus(timeLeft);
        Application app = applications.get(application);
        CloudIntegrationTenant tenant = app == null ? null : app.tenants().get(region);
        if (tenant == null) {
            return HookOutcome.fatal("hook '" + name + "' has no Cloud Integration tenant for application "
                    + application + " in region " + region);
        }
        Map<String, String> observed = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        try {
            tenant.checkToken(deadline);
            for (Artifact artifact : app.artifacts()) {
                Optional<String> version = tenant.designtimeVersion(artifact.id(), artifact.version(), deadline);
                if (version.isEmpty()) {
                    return HookOutcome.fatal(tenant.name() + ": design-time artifact " + artifact.id() + " version "
                            + artifact.version() + " does not exist: a switch to " + region + " could not deploy it");
                }
                String runtime = tenant.runtimeArtifact(artifact.id(), deadline)
                        .map(a -> a.status() + " " + a.version())
                        .orElse("NOT_DEPLOYED");
                observed.put(region + "." + artifact.id(), runtime);
                seen.add(artifact.id() + " " + version.get() + " (runtime: " + runtime + ")");
            }
        } catch (ActuatorFailure e) {
            return failure(e).withObserved(observed);
        }
        return HookOutcome.succeeded(tenant.name() + ": token obtained; " + String.join(", ", seen), observed);
    }

    private Application application(HookStep step) throws ActuatorFailure {
        Application app = applications.get(step.application());
        if (app == null) {
            throw ActuatorFailure.fatal(
                    "NOT_CONFIGURED",
                    "hook '" + name + "' has no Cloud Integration tenants for application " + step.application());
        }
        return app;
    }

    private CloudIntegrationTenant tenant(Application app, HookStep step, String region) throws ActuatorFailure {
        CloudIntegrationTenant tenant = app.tenants().get(region);
        if (tenant == null) {
            throw ActuatorFailure.fatal(
                    "NOT_CONFIGURED",
                    "hook '" + name + "' has no Cloud Integration tenant for application " + step.application()
                            + " in region " + region);
        }
        return tenant;
    }

    private static HookOutcome failure(ActuatorFailure e) {
        return e.retriable() ? HookOutcome.retriable(e.getMessage()) : HookOutcome.fatal(e.getMessage());
    }

    private static String ids(Application app) {
        return app.artifacts().stream().map(Artifact::id).toList().toString();
    }
}
