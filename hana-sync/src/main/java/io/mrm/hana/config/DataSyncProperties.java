package io.mrm.hana.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * hana-sync settings (prefix {@code mrm.data}).
 *
 * @param backend which replication backend to drive; each has its own settings
 *                ({@code mrm.data.postgres}, {@code mrm.data.hana})
 */
@Validated
@ConfigurationProperties("mrm.data")
public record DataSyncProperties(
        @NotNull @DefaultValue("NONE") Backend backend) {

    public enum Backend {
        /** no backend: every command is answered FAILED_FATAL NO_BACKEND */
        NONE,
        /** in memory, for tests and demonstrations */
        IN_MEMORY,
        /** PostgreSQL logical replication captured by Debezium embedded, applied by this service */
        POSTGRES_DEBEZIUM,
        /** SAP HANA Cloud remote subscriptions (smart data integration) */
        HANA
    }
}
