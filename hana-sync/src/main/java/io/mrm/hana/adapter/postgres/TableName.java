package io.mrm.hana.adapter.postgres;

import java.util.regex.Pattern;

/**
 * A schema-qualified table name, checked so it can be quoted into SQL: table names come from
 * configuration, and SQL text is never built from unchecked input.
 */
public record TableName(String schema, String name) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public TableName {
        identifier("schema", schema);
        identifier("table", name);
    }

    /** {@code schema.table}, or {@code table} in {@code public}. */
    public static TableName parse(String qualified) {
        if (qualified == null) {
            throw new IllegalArgumentException("table name is missing");
        }
        int dot = qualified.indexOf('.');
        return dot < 0
                ? new TableName("public", qualified)
                : new TableName(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    /** Lower-case letters, digits and underscores, as PostgreSQL folds unquoted names; at most 63. */
    public static String identifier(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' is not valid: lower-case letters, digits and _, starting with a letter or _, at most 63");
        }
        return value;
    }

    public String quoted() {
        return '"' + schema + "\".\"" + name + '"';
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
