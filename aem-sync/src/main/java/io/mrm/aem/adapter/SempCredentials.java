package io.mrm.aem.adapter;

import io.mrm.kafka.SecretReference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** How aem-sync authenticates to SEMP: basic authentication or an OAuth bearer token, both read from a secret reference per request. */
public sealed interface SempCredentials {

    /** The {@code Authorization} header's value; never logged. */
    String authorization();

    /** For messages: who, never the secret. */
    String describe();

    record Basic(String username, SecretReference password) implements SempCredentials {

        @Override
        public String authorization() {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString((username + ":" + password.read()).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String describe() {
            return "SEMP user " + username;
        }
    }

    /** A token obtained outside MRM (e.g. refreshed into a mounted file by a sidecar). */
    record Bearer(SecretReference token) implements SempCredentials {

        @Override
        public String authorization() {
            return "Bearer " + token.read();
        }

        @Override
        public String describe() {
            return "bearer token from " + token;
        }
    }
}
