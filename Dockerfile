# syntax=docker/dockerfile:1
# One image per MRM service, from this repository:
#   docker build --build-arg SERVICE=decision-engine -t mrm/decision-engine:local .
# SERVICE is one of health-monitor, decision-engine, dns-actuator, hana-sync, aem-sync, hook-actuator, status-board.
# Needs BuildKit (the default builder since Docker Engine 23 and in Compose v2) for the Maven cache.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The build stage does not depend on SERVICE, so building the seven images compiles the project once.
# Tests are skipped here: CI runs them (.ci/run).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl health-monitor,decision-engine,dns-actuator,hana-sync,aem-sync,hook-actuator,status-board -am package -DskipTests \
 && mkdir /out \
 && for service in health-monitor decision-engine dns-actuator hana-sync aem-sync hook-actuator status-board; do \
      cp "$service"/target/"$service"-*-exec.jar /out/"$service".jar; \
    done

FROM eclipse-temurin:17-jre
ARG SERVICE
# curl is for the container health check (GET /actuator/health/readiness).
RUN test -n "$SERVICE" || { echo "build with --build-arg SERVICE=<module>" >&2; exit 1; } \
 && apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 mrm \
 && useradd --system --uid 10001 --gid mrm --home-dir /var/lib/mrm --shell /usr/sbin/nologin mrm \
 && mkdir -p /var/lib/mrm/state /etc/mrm \
 && chown -R mrm:mrm /var/lib/mrm
COPY --from=build /out/${SERVICE}.jar /opt/mrm/app.jar
LABEL org.opencontainers.image.title="mrm-${SERVICE}" \
      org.opencontainers.image.description="MRM ${SERVICE}"
# Heap follows the container's memory limit; an out-of-memory JVM exits so the orchestrator restarts it.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001:10001
WORKDIR /var/lib/mrm
ENTRYPOINT ["java", "-jar", "/opt/mrm/app.jar"]
