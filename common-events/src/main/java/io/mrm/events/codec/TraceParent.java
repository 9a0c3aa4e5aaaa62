package io.mrm.events.codec;

/**
 * The W3C trace context a record carries: the CloudEvents distributed-tracing extension
 * (cloudevents/spec, {@code extensions/distributed-tracing.md}: attributes {@code traceparent}, required when the
 * extension is used, and {@code tracestate}, optional), which in Kafka binary mode travel as the headers
 * {@code ce_traceparent} and {@code ce_tracestate}. The values follow W3C Trace Context
 * (https://www.w3.org/TR/trace-context/, "traceparent Header" and "tracestate Header").
 *
 * <p>It is observability only: nothing on the bus signs it, so nothing may depend on it. A malformed one is
 * ignored, as the W3C text asks ("vendors MUST ignore the traceparent"); it never rejects a record.
 *
 * @param traceId    32 lowercase hex digits, not all zero
 * @param parentId   16 lowercase hex digits, not all zero: the span that wrote the record
 * @param sampled    the sampled flag (bit 0 of trace-flags)
 * @param traceState the {@code tracestate} list as received, or null
 */
public record TraceParent(String traceId, String parentId, boolean sampled, String traceState) {

    /** W3C: "Vendors SHOULD propagate at least 512 characters"; more is dropped, not the traceparent. */
    static final int MAX_TRACESTATE_CHARS = 512;
    /** Far above any version's length: a larger header is not parsed at all. */
    private static final int MAX_TRACEPARENT_CHARS = 256;

    public TraceParent {
        if (!hex(traceId, 32) || !hex(parentId, 16)) {
            throw new IllegalArgumentException("not a W3C trace id / parent id: " + traceId + " / " + parentId);
        }
        if (traceState != null && !validTraceState(traceState)) {
            traceState = null;
        }
    }

    /**
     * Reads a {@code traceparent} value and its {@code tracestate}, or null when the traceparent is absent or
     * malformed (then the tracestate is not read either, as W3C says). A higher version than {@code 00} is read
     * by its first four fields, as the W3C versioning rules ask; an invalid tracestate is dropped alone.
     */
    public static TraceParent parse(String traceparent, String tracestate) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.length() > MAX_TRACEPARENT_CHARS) {
            return null;
        }
        String version = traceparent.substring(0, 2);
        if (!hex(version, 2) || version.equals("ff") || traceparent.charAt(2) != '-') {
            return null;
        }
        if (version.equals("00") && traceparent.length() != 55) {
            return null;
        }
        if (traceparent.length() > 55 && traceparent.charAt(55) != '-') {
            return null;
        }
        String traceId = traceparent.substring(3, 35);
        String parentId = traceparent.substring(36, 52);
        String flags = traceparent.substring(53, 55);
        if (traceparent.charAt(35) != '-'
                || traceparent.charAt(52) != '-'
                || !hex(traceId, 32)
                || !hex(parentId, 16)
                || !hex(flags, 2)) {
            return null;
        }
        boolean sampled = (Integer.parseInt(flags, 16) & 1) == 1;
        return new TraceParent(traceId, parentId, sampled, tracestate);
    }

    /** The {@code traceparent} value of version 00. */
    public String traceparent() {
        return "00-" + traceId + "-" + parentId + (sampled ? "-01" : "-00");
    }

    private static boolean hex(String text, int length) {
        if (text == null || text.length() != length) {
            return false;
        }
        boolean nonZero = false;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
            nonZero |= c != '0';
        }
        // the all-zero ids are invalid; a version or flags field may be 00
        return nonZero || length == 2;
    }

    /** Printable ASCII within the length W3C asks to propagate; the list's members are passed on as they are. */
    private static boolean validTraceState(String tracestate) {
        if (tracestate.length() > MAX_TRACESTATE_CHARS || tracestate.isBlank()) {
            return false;
        }
        for (int i = 0; i < tracestate.length(); i++) {
            char c = tracestate.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
