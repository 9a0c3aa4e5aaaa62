package io.mrm.board.domain;

/** Escaping for text that comes from the bus: every name, reason and message on the board goes through it. */
public final class Html {

    private Html() {}

    /** Text safe in an HTML element or a quoted attribute value (the audit report's escaping; null as "null"). */
    public static String esc(Object value) {
        return io.mrm.audit.AuditHtml.esc(String.valueOf(value));
    }

    /** A string as a JSON string literal, quotes included (for the server-sent events' data). */
    public static String json(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                // also '<', so the data never closes a script element, and the line separators JavaScript
                // once treated as line ends
                case '<' -> out.append("\\u003c");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A path segment (application ids are lowercase names, but the board does not rely on it). */
    public static String pathSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
