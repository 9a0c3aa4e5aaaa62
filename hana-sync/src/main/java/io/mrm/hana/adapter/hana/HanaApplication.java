package io.mrm.hana.adapter.hana;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One application's HANA Cloud databases and what is replicated between them.
 *
 * @param applicationId  the application
 * @param initialPrimary the region that is primary when neither database has a fencing row yet
 * @param remoteSources  region → the remote source <em>in that region's database</em> that reads the
 *                       other region's database (smart data integration, HanaAdapter)
 * @param schema         the schema of the replicated tables (the same name in both databases)
 * @param tables         the tables; empty: every column table of the schema on the primary ({@code M_CS_TABLES})
 * @param appRole        the role the application writes with: it loses its write privileges where not primary
 */
public record HanaApplication(
        String applicationId,
        String initialPrimary,
        Map<String, String> remoteSources,
        String schema,
        List<String> tables,
        String appRole) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Z][A-Z0-9_]{0,119}");

    public HanaApplication {
        remoteSources = Map.copyOf(remoteSources);
        tables = List.copyOf(tables);
        if (remoteSources.size() != 2) {
            throw new IllegalArgumentException("exactly two regions are needed, got " + remoteSources.keySet());
        }
        if (!remoteSources.containsKey(initialPrimary)) {
            throw new IllegalArgumentException(
                    "initial primary " + initialPrimary + " is not one of " + remoteSources.keySet());
        }
        remoteSources.values().forEach(s -> identifier("remote source", s));
        identifier("schema", schema);
        tables.forEach(t -> identifier("table", t));
        identifier("app role", appRole);
    }

    /**
     * Upper-case letters, digits and _, starting with a letter, at most 120 (room for the {@code VT_}
     * and {@code SUB_} prefixes): identifiers are then quoted, so nothing else reaches the SQL text.
     */
    public static String identifier(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' is not valid: upper-case letters, digits and _, starting with a letter, at most 120");
        }
        return value;
    }

    /**
     * The identifier as a delimited (quoted) identifier. Callers pass only names {@link #identifier} accepted;
     * a double quote inside is still doubled, as SQL's delimited identifiers escape it, so that a name that
     * slipped past the check could not end the identifier and add SQL of its own.
     */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The remote subscription that replicates {@code table}. */
    public static String subscription(String table) {
        return "SUB_" + table;
    }

    /**
     * The subscriptions re-protect creates when the tables are configured (the drain marker's included);
     * with no tables configured they follow the primary's catalog and are known only there.
     */
    public List<String> subscriptions() {
        List<String> names = new java.util.ArrayList<>();
        tables.forEach(t -> names.add(subscription(t)));
        if (!names.isEmpty()) {
            names.add(subscription(HanaRemoteSubscriptionReplication.MARKER));
        }
        return names;
    }

    String other(String region) {
        return remoteSources.keySet().stream()
                .filter(r -> !r.equals(region))
                .findFirst()
                .orElseThrow();
    }
}
