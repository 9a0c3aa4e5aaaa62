package io.mrm.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A database user that can fence and promote must not log in over an unverified connection. */
class DatabaseTlsTest {

    static final String KEY = "x.jdbc-url";
    static final String OPT_OUT = "x.allow-unverified-tls";

    @Test
    void aPostgresUrlOutsideLoopbackWithoutVerifiedTlsIsRefused() {
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://orders-db.example.com:5432/orders", OPT_OUT))
                .contains("sslmode=verify-full", "was not set", OPT_OUT);
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://db.example.com/orders?sslmode=require", OPT_OUT))
                .contains("was sslmode=require");
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://a.example.com,127.0.0.1/o?sslmode=prefer", OPT_OUT))
                .as("one host outside loopback is enough")
                .isNotNull();
    }

    @Test
    void verifiedTlsOrLoopbackPasses() {
        assertThat(DatabaseTls.problem(
                        KEY, "jdbc:postgresql://db.example.com:5432/o?ssl=true&SSLMODE=verify-full", OPT_OUT))
                .isNull();
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://localhost:5432/o", OPT_OUT))
                .isNull();
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://127.0.0.1:5432/o", OPT_OUT))
                .isNull();
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://[::1]:5432/o", OPT_OUT))
                .isNull();
    }

    @Test
    void parameterValuesKeepTheirCaseForDebezium() {
        assertThat(DatabaseTls.parameters("jdbc:postgresql://db/o?SSLMODE=Verify-Full&sslrootcert=/etc/MRM/Root.crt"))
                .containsEntry("sslmode", "Verify-Full")
                .containsEntry("sslrootcert", "/etc/MRM/Root.crt");
        assertThat(DatabaseTls.problem(KEY, "jdbc:postgresql://db.example.com/o?sslmode=Verify-Full", OPT_OUT))
                .isNull();
    }

    @Test
    void aHanaUrlMustEncryptAndValidateTheCertificate() {
        assertThat(DatabaseTls.problem(
                        KEY, "jdbc:sap://abc.hana.prod-eu10.hanacloud.ondemand.com:443?encrypt=true", OPT_OUT))
                .contains("validateCertificate=true");
        assertThat(DatabaseTls.problem(
                        KEY,
                        "jdbc:sap://abc.hana.prod-eu10.hanacloud.ondemand.com:443?encrypt=true&validateCertificate=true",
                        OPT_OUT))
                .isNull();
    }
}
