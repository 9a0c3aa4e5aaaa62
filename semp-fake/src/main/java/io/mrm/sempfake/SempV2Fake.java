package io.mrm.sempfake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Solace event broker's SEMP v2 management port, on loopback, and the Message VPNs it hosts;
 * two of them (or two VPNs of one) can be coupled as the two sites of a replicated pair. It follows
 * Solace's published SEMP v2 reference, for the parts MRM uses:
 * <ul>
 *   <li><b>Envelope</b> (SEMP v2 reference, "SEMP Overview" / response objects {@code SempMeta},
 *       {@code SempError}): a success is {@code {"data": ..., "links": ..., "meta": {"request": ...,
 *       "responseCode": 200}}}, a collection adds {@code meta.paging.cursorQuery} and
 *       {@code meta.paging.nextPageUri} when more objects follow ({@code count} asks for a page size);
 *       a failure is an HTTP 4xx/5xx whose body is {@code {"meta": {"error": {"code", "description",
 *       "status"}, "request": ..., "responseCode": <the HTTP status>}}}. A missing object is HTTP 400
 *       {@code NOT_FOUND}, creating one that exists HTTP 400 {@code ALREADY_EXISTS}, an unknown attribute
 *       or value HTTP 400 {@code INVALID_PARAMETER}, bad credentials HTTP 401 {@code UNAUTHORIZED}.</li>
 *   <li><b>Config API</b> ({@code /SEMP/v2/config}): {@code PATCH /msgVpns/{msgVpnName}} with
 *       {@code replicationRole} ({@code "active"} or {@code "standby"}, the only values the MsgVpn
 *       reference allows; "Changes to this attribute are synchronized to HA mates via config-sync", so
 *       <em>not</em> to the replication mate: each site holds its own role); {@code POST}, {@code GET}
 *       (with {@code where=queueName==prefix*}, {@code count}, {@code select}) and {@code DELETE} of
 *       {@code /msgVpns/{msgVpnName}/queues} (MsgVpnQueue: "The creation of instances of this object are
 *       synchronized to HA mates and replication sites via config-sync").</li>
 *   <li><b>Monitor API</b> ({@code /SEMP/v2/monitor}): {@code GET /msgVpns/{msgVpnName}} with
 *       {@code msgVpnName}, {@code enabled}, {@code state}, {@code replicationEnabled},
 *       {@code replicationRole}, {@code replicationBridgeName}, {@code replicationBridgeUp} ("whether the
 *       local replication Bridge is operationally up"), {@code replicationRemoteBridgeUp} and
 *       {@code replicationQueueBound} ("whether the remote replication Bridge is bound to the Queue");
 *       {@code GET /msgVpns/{msgVpnName}/queues/%23MSGVPN_REPLICATION_DATA_QUEUE} with
 *       {@code data.msgSpoolUsage} (bytes) and {@code collections.msgs.count}. {@code select} is strict:
 *       an attribute the object does not have is HTTP 400 {@code INVALID_PARAMETER}. These are the two
 *       requests both aem-sync's {@code SempReplicatedVpn} and health-monitor's {@code SempProbe} send.
 *       Any other queue of the VPN answers the same request with the monitor MsgVpnQueue's
 *       {@code ingressEnabled} and {@code egressEnabled} (as configured; the config default is disabled)
 *       and an empty spool.</li>
 *   <li><b>The SEMP user</b> (monitor AboutService, "Get a User object" {@code GET /about/user}:
 *       {@code globalAccessLevel} one of {@code none}, {@code read-only}, {@code read-write}, {@code admin};
 *       "Get a User Message VPN object" {@code GET /about/user/msgVpns/{msgVpnName}}: {@code accessLevel} one
 *       of {@code none}, {@code read-only}, {@code read-write}, "the Message VPN access level for the username
 *       used to access the SEMP API", minimum access "global/none"). The levels are enforced as the config
 *       reference states them: reading a VPN's objects needs {@code vpn/read-only}; creating or deleting a
 *       queue {@code vpn/read-write}; "Update a Message VPN object" {@code vpn/read-write}, and a request that
 *       includes {@code replicationRole} {@code global/read-write} ("Requests which include the following
 *       attributes require greater access scope/level"). Refused: HTTP 403 (<em>chosen</em>: Solace's error
 *       code 2 {@code FAIL}, its "general error code"; the SEMP error-handling page names no dedicated one,
 *       and clients are told to act on the HTTP status, the strings being "only for logging"). A global
 *       {@code read-write} or {@code admin} user is reported and treated as {@code read-write} on every VPN
 *       (<em>chosen</em>).</li>
 * </ul>
 *
 * <p><b>The replicated pair</b> ({@link #replicate}), after Solace's "Replication" chapters:
 * <ul>
 *   <li>config-sync: a queue created or deleted on the site whose VPN is <em>active</em> is created or
 *       deleted on the standby VPN too, while both sites are up and linked ("Config-Sync Overview":
 *       replication-enabled Message VPNs are kept in sync with the mate site's). <em>Chosen here</em>: a
 *       change made on the standby stays local (the reference does not say what the broker does with
 *       it), and nothing is replayed when a site comes back;</li>
 *   <li>roles: the broker takes any role change on its own site, whatever the mate holds — the
 *       documented uncontrolled failover ("Performing an Uncontrolled Failover") makes the standby site
 *       active while the failed site may still be active, and the role is not synchronized to the
 *       replication mate. The only refusals are the documented ones (a value other than
 *       {@code active}/{@code standby}, an attribute the object does not have);</li>
 *   <li>one bridge state for both sites, derived from the pair: up only when both sites answer, the
 *       link between them is up, replication is enabled on both and at most one is active. Both standby
 *       keeps it up: a controlled failover ("Performing a Controlled Failover") first makes the active
 *       site standby and then drains its replication queue over the bridge the other site keeps bound to
 *       it. Both active is a split brain: neither site takes the other's messages (<em>chosen</em>: the
 *       reference does not describe the bridge in that state). A site's {@code replicationBridgeUp}
 *       and its mate's {@code replicationRemoteBridgeUp} are therefore always equal, and always present
 *       ({@code false}, not left out, when down);</li>
 *   <li>the replication queue drains by a set number of messages per read of it while the bridge is up.</li>
 * </ul>
 * A VPN added without a mate stands for one whose mate is elsewhere, up and complementary; its bridge
 * follows {@link #linkUp} only.
 *
 * <p>Sources: Solace's SEMP v2 OpenAPI reference, config API (MsgVpn: {@code replicationRole};
 * QueueService: "Create a Queue object") and monitor API (MsgVpn: {@code replicationBridgeUp},
 * {@code replicationQueueBound}), as published with the broker and rendered e.g. at
 * {@code solacelabs.github.io/solace-tools-typescript/tsdocs/} ({@code SempV2_Config_OpenAPI_Node.*});
 * {@code docs.solace.com/Features/DR-Replication/Switching-Replication-Service.htm} (controlled failover),
 * {@code docs.solace.com/System-and-Software-Maintenance/Recov-Uncon-Fail-Over.htm} (uncontrolled failover),
 * {@code docs.solace.com/Overviews/Config-Sync-Overview.htm},
 * {@code docs.solace.com/Admin/SEMP/SEMP-Error-Handling.htm} (error codes and statuses),
 * {@code SempV2_Config_OpenAPI_Node.AboutUser.globalAccessLevel} and {@code AboutUserMsgVpn.accessLevel} and
 * {@code docs.solace.com/Features/DR-Replication/Monitoring-Replication.htm}.
 *
 * <p><b>One site's own state</b>, set by tests as an administrator would: a VPN without replication
 * ({@link #vpnWithoutReplication}: {@code replicationEnabled} false, the MsgVpn config default role
 * {@code standby}, and no {@code #MSGVPN_REPLICATION_DATA_QUEUE} — <em>chosen</em>: the replication queue
 * is the replication bridge's, so a VPN without replication is taken to have none); a VPN shut down ({@link #enabled}: monitor
 * {@code enabled} false and {@code state} {@code "down"}, "The Message VPN is operationally down", and its
 * pair's bridge down); the replication backlog ({@link #backlog}), read by the monitor as
 * {@code msgSpoolUsage} ("The message spool usage by the Queue, in bytes") at {@link #MESSAGE_BYTES} per
 * message and {@code collections.msgs.count}; a queue removed ({@link #deleteQueue}). The monitor's
 * {@code state} of an enabled VPN with replication on and the standby role is {@code "standby"} (the
 * reference's MsgVpn {@code state}: "up", "down", or "standby" — "The Message VPN is operationally
 * replication standby"); with the active role, or without replication, it is {@code "up"}.
 *
 * <p><b>Faults</b> of the management port, for the clients' error paths: an HTTP error with SEMP's error
 * envelope for the next N requests or until {@link #clearFaults} ({@link #fail}, {@link #failUntilCleared});
 * a non-JSON maintenance page, HTTP 200 {@code text/html}, as a proxy in front of the broker answers during
 * maintenance, before any authentication ({@link #answerMaintenancePage}); and a port that accepts the
 * request but never answers until {@link #clearFaults} or {@link #close} ({@link #hang}).
 *
 * <p>Every request is served under one lock shared by every fake of the pair, so the brokers are
 * linearizable, as Solace applies each request atomically. Tests can also delay a new role in the monitor,
 * and read what was changed by whom.
 */
public final class SempV2Fake implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    static {
        // the JDK server writes headers and body separately; without TCP_NODELAY the second write waits
        // for the client's delayed ACK, ~40 ms per answer (read once, when the first server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public static final String REPLICATION_QUEUE = "#MSGVPN_REPLICATION_DATA_QUEUE";
    public static final String REPLICATION_BRIDGE = "#MSGVPN_REPLICATION_BRIDGE";
    /** The spool usage of one message of the replication backlog, in bytes, as {@code msgSpoolUsage} counts it. */
    public static final long MESSAGE_BYTES = 1024;

    private static final byte[] MAINTENANCE_PAGE = ("<!DOCTYPE html><html><head><title>Maintenance</title></head>"
                    + "<body><h1>Service temporarily unavailable for maintenance</h1></body></html>")
            .getBytes(StandardCharsets.UTF_8);
    private static final Set<String> VPN_MONITOR_FIELDS = Set.of(
            "msgVpnName",
            "enabled",
            "state",
            "replicationEnabled",
            "replicationRole",
            "replicationBridgeName",
            "replicationBridgeUp",
            "replicationRemoteBridgeUp",
            "replicationQueueBound");
    private static final Set<String> QUEUE_MONITOR_FIELDS =
            Set.of("msgVpnName", "queueName", "msgSpoolUsage", "spooledMsgCount", "ingressEnabled", "egressEnabled");
    private static final Set<String> ABOUT_USER_FIELDS = Set.of("globalAccessLevel");
    private static final Set<String> ABOUT_USER_VPN_FIELDS = Set.of("msgVpnName", "accessLevel");
    /** AboutUser.globalAccessLevel's values, weakest first. */
    private static final List<String> GLOBAL_LEVELS = List.of("none", "read-only", "read-write", "admin");
    /** AboutUserMsgVpn.accessLevel's values, weakest first. */
    private static final List<String> VPN_LEVELS = List.of("none", "read-only", "read-write");

    private static final Set<String> QUEUE_CONFIG_FIELDS = Set.of(
            "queueName",
            "msgVpnName",
            "ingressEnabled",
            "egressEnabled",
            "permission",
            "maxMsgSpoolUsage",
            "accessType",
            "owner");
    private static final Set<String> ROLES = Set.of("active", "standby");

    /** One role change: which VPN, to what, by which SEMP user, in which order (across the pair). */
    public record RoleChange(long sequence, String vpn, String role, String user) {}

    /**
     * One queue created or deleted on one VPN, in the same order as the role changes ({@code user} is
     * {@code config-sync} for the copy on the mate site): what tests read to see which interleaving
     * really happened.
     */
    public record QueueChange(long sequence, String vpn, String queueName, boolean created, String user) {}

    /** A SEMP user's access levels: global, and on every Message VPN of this broker. */
    private record Access(String global, String vpn) {}

    /** A canned failure for the next requests: HTTP status and Solace's error object. */
    public record Failure(int httpStatus, int code, String status, String description) {}

    /** What the fakes of one pair share: the lock and the order of changes. */
    private static final class Shared {
        final Object lock = new Object();
        long sequence;
    }

    /** The link between two sites (the replication and config-sync bridges' network path). */
    private static final class Link {
        boolean up = true;
    }

    private static final class Vpn {
        final String name;
        final SempV2Fake site;
        String role;
        String pendingRole;
        int readsUntilVisible;
        boolean replicationEnabled = true;
        boolean enabled = true;
        boolean replicationQueuePresent = true;
        Vpn mate;
        Link link = new Link();
        long queuedMessages;
        long drainPerRead;
        final Map<String, ObjectNode> queues = new TreeMap<>();

        Vpn(String name, SempV2Fake site, String role) {
            this.name = name;
            this.site = site;
            this.role = role;
        }

        String effectiveRole() {
            return pendingRole != null ? pendingRole : role;
        }
    }

    private final Shared shared;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final Map<String, String> users = new LinkedHashMap<>();
    /** Users not named here are {@code admin} globally and {@code read-write} on every VPN. */
    private final Map<String, Access> access = new LinkedHashMap<>();

    private volatile String bearerToken;
    private final Map<String, Vpn> vpns = new LinkedHashMap<>();
    private final List<RoleChange> roleChanges;
    private final List<QueueChange> queueChanges;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private boolean up = true;
    private Failure failure;
    private int failuresLeft;
    private volatile boolean maintenancePage;
    /** Closed while the port hangs: a request waits on it outside the lock, so the other site still answers. */
    private volatile CountDownLatch hangGate;

    private volatile boolean closed;
    private int roleDelayReads;
    private int pageSize = 100;

    /** A broker of its own. */
    public SempV2Fake(String username, String password) throws IOException {
        this(username, password, new Shared(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
    }

    /** A second broker whose VPNs can be replicated with {@code mateSite}'s (one lock, one change log). */
    public SempV2Fake(String username, String password, SempV2Fake mateSite) throws IOException {
        this(username, password, mateSite.shared, mateSite.roleChanges, mateSite.queueChanges);
    }

    private SempV2Fake(
            String username,
            String password,
            Shared shared,
            List<RoleChange> roleChanges,
            List<QueueChange> queueChanges)
            throws IOException {
        this.shared = shared;
        this.roleChanges = roleChanges;
        this.queueChanges = queueChanges;
        users.put(username, password);
        AtomicInteger threads = new AtomicInteger();
        handlers = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "semp-fake-" + threads.incrementAndGet());
            thread.setDaemon(true); // the sandbox's JVM ends without closing every fake
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/SEMP/v2/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Another SEMP user (e.g. one per actuator instance, so tests see who changed what). */
    public SempV2Fake user(String username, String password) {
        synchronized (shared.lock) {
            users.put(username, password);
        }
        return this;
    }

    /**
     * The access levels of a SEMP user (see the class comment): {@code global} one of {@code none},
     * {@code read-only}, {@code read-write}, {@code admin}; {@code vpn}, on every VPN of this broker, one of
     * {@code none}, {@code read-only}, {@code read-write}. Users are {@code admin} / {@code read-write} unless set.
     */
    public SempV2Fake access(String username, String global, String vpn) {
        if (!GLOBAL_LEVELS.contains(global) || !VPN_LEVELS.contains(vpn)) {
            throw new IllegalArgumentException("no such access level: " + global + " / " + vpn);
        }
        synchronized (shared.lock) {
            access.put(username, new Access(global, vpn));
        }
        return this;
    }

    /** Accepts {@code Authorization: Bearer token} too. */
    public SempV2Fake bearer(String token) {
        this.bearerToken = token;
        return this;
    }

    /** A replicating VPN on this broker, up, with {@code role} and an empty replication queue. */
    public SempV2Fake vpn(String name, String role) {
        requireRole(role);
        synchronized (shared.lock) {
            if (vpns.containsKey(name)) {
                throw new IllegalArgumentException("VPN " + name + " exists already on this fake");
            }
            vpns.put(name, new Vpn(name, this, role));
        }
        return this;
    }

    /**
     * A VPN with replication disabled (so without the replication queue) and the config default role
     * {@code standby}, up.
     */
    public SempV2Fake vpnWithoutReplication(String name) {
        vpn(name, "standby");
        replicationEnabled(name, false);
        return this;
    }

    /**
     * Couples this broker's VPN {@code vpn} and {@code mateSite}'s VPN {@code mateVpn} (the same fake
     * for two VPNs of one broker) as the two sites of one replicated pair.
     */
    public SempV2Fake replicate(String vpn, SempV2Fake mateSite, String mateVpn) {
        if (mateSite.shared != shared) {
            throw new IllegalArgumentException("the mate site must be built with new SempV2Fake(user, password, this)");
        }
        synchronized (shared.lock) {
            Vpn local = vpn(vpn);
            Vpn mate = mateSite.vpn(mateVpn);
            if (local == mate || local.mate != null || mate.mate != null) {
                throw new IllegalArgumentException("VPNs " + vpn + " and " + mateVpn + " cannot be paired");
            }
            local.mate = mate;
            mate.mate = local;
            mate.link = local.link;
        }
        return this;
    }

    public void replicationEnabled(String vpn, boolean enabled) {
        synchronized (shared.lock) {
            vpn(vpn).replicationEnabled = enabled;
        }
    }

    /**
     * The VPN enabled or shut down: a shut-down VPN's monitor shows {@code enabled} false and {@code state}
     * {@code "down"}, and its pair's bridge is down.
     */
    public void enabled(String vpn, boolean enabled) {
        synchronized (shared.lock) {
            vpn(vpn).enabled = enabled;
        }
    }

    /** The network path between the VPN's site and its mate's: down cuts the replication and config-sync bridges. */
    public void linkUp(String vpn, boolean up) {
        synchronized (shared.lock) {
            vpn(vpn).link.up = up;
        }
    }

    /** {@code messages} in the replication queue, leaving {@code perRead} at each read of it while the bridge is up. */
    public void backlog(String vpn, long messages, long perRead) {
        synchronized (shared.lock) {
            vpn(vpn).queuedMessages = messages;
            vpn(vpn).drainPerRead = perRead;
        }
    }

    /** A role change shows in the monitor only after this many reads of the VPN. */
    public void roleVisibleAfterReads(int reads) {
        synchronized (shared.lock) {
            roleDelayReads = reads;
        }
    }

    /** The next {@code times} requests (after authentication) answer with {@code failure}. */
    public void fail(int times, Failure failure) {
        if (times < 0) {
            throw new IllegalArgumentException("times must be 0 or more, not " + times);
        }
        synchronized (shared.lock) {
            this.failure = failure;
            this.failuresLeft = times;
        }
    }

    /** Every request (after authentication) answers with {@code failure} until {@link #clearFaults}. */
    public void failUntilCleared(Failure failure) {
        fail(Integer.MAX_VALUE, failure);
    }

    /**
     * Every request, authenticated or not, answers HTTP 200 with an HTML maintenance page until
     * {@link #clearFaults}: a body that is not SEMP, nor JSON.
     */
    public void answerMaintenancePage() {
        maintenancePage = true;
    }

    /**
     * Every request from now on is accepted and read, and answered only after {@link #clearFaults} or
     * {@link #close} (then normally, or not at all): a broker that takes connections but does not respond.
     */
    public void hang() {
        synchronized (shared.lock) {
            if (hangGate == null) {
                hangGate = new CountDownLatch(1);
            }
        }
    }

    /** Ends every fault: no more failures, maintenance page or hanging; hung requests are answered now. */
    public void clearFaults() {
        CountDownLatch gate;
        synchronized (shared.lock) {
            failuresLeft = 0;
            failure = null;
            maintenancePage = false;
            gate = hangGate;
            hangGate = null;
        }
        if (gate != null) {
            gate.countDown();
        }
    }

    public void pageSize(int size) {
        synchronized (shared.lock) {
            pageSize = size;
        }
    }

    /** The role the broker holds now (a change not yet visible in the monitor counts). */
    public String role(String vpn) {
        synchronized (shared.lock) {
            return vpn(vpn).effectiveRole();
        }
    }

    /** The bridge state the monitor reports for the VPN now. */
    public boolean bridgeUp(String vpn) {
        synchronized (shared.lock) {
            return bridgeUp(vpn(vpn));
        }
    }

    public List<String> queueNames(String vpn) {
        synchronized (shared.lock) {
            return List.copyOf(vpn(vpn).queues.keySet());
        }
    }

    /** Creates a queue as an administrator would on this site (e.g. a mark left by a crashed actuator), synced like a POST. */
    public void addQueue(String vpn, String queueName) {
        synchronized (shared.lock) {
            Vpn v = vpn(vpn);
            putQueue(v, queueName, JSON.createObjectNode().put("queueName", queueName), "(admin)");
        }
    }

    /** Creates a queue with ingress and egress as given, as an administrator would (e.g. a probe queue). */
    public void addQueue(String vpn, String queueName, boolean ingressEnabled, boolean egressEnabled) {
        synchronized (shared.lock) {
            putQueue(
                    vpn(vpn),
                    queueName,
                    JSON.createObjectNode()
                            .put("queueName", queueName)
                            .put("ingressEnabled", ingressEnabled)
                            .put("egressEnabled", egressEnabled),
                    "(admin)");
        }
    }

    /**
     * Deletes a queue as an administrator would on this site, synced like a DELETE. The replication queue
     * can be removed too (<em>chosen</em>: the broker creates it with replication and the reference does not
     * describe it missing): its monitor read answers {@code NOT_FOUND} and {@code replicationQueueBound} is
     * false, the bridge itself stays as the pair makes it.
     */
    public void deleteQueue(String vpn, String queueName) {
        synchronized (shared.lock) {
            Vpn v = vpn(vpn);
            boolean existed = queueName.equals(REPLICATION_QUEUE)
                    ? v.replicationEnabled && v.replicationQueuePresent
                    : v.queues.containsKey(queueName);
            if (!existed) {
                throw new IllegalArgumentException("no queue " + queueName + " on VPN " + vpn);
            }
            if (queueName.equals(REPLICATION_QUEUE)) {
                v.replicationQueuePresent = false;
            } else {
                removeQueue(v, queueName, "(admin)");
            }
        }
    }

    /** Every role change on any site of this fake's pair, in order. */
    public List<RoleChange> roleChanges() {
        return List.copyOf(roleChanges);
    }

    /** Every queue created or deleted on any site of this fake's pair, in order. */
    public List<QueueChange> queueChanges() {
        return List.copyOf(queueChanges);
    }

    /** "METHOD raw-path" of every request to this site, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The site is gone (a whole-region outage): its port refuses connections, its mate's bridge goes down. */
    public void stop() {
        synchronized (shared.lock) {
            up = false;
        }
        server.stop(0);
    }

    @Override
    public void close() {
        closed = true;
        CountDownLatch gate = hangGate;
        if (gate != null) {
            gate.countDown();
        }
        stop();
        handlers.shutdownNow();
    }

    private Vpn vpn(String name) {
        Vpn vpn = vpns.get(name);
        if (vpn == null) {
            throw new IllegalArgumentException("no VPN " + name + " on this fake");
        }
        return vpn;
    }

    private static void requireRole(String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("a replication role is active or standby, not " + role);
        }
    }

    /** The pair's one bridge state (see the class comment). */
    private static boolean bridgeUp(Vpn vpn) {
        if (!vpn.replicationEnabled || !vpn.enabled || !vpn.site.up || !vpn.link.up) {
            return false;
        }
        Vpn mate = vpn.mate;
        if (mate == null) {
            return true; // the mate is elsewhere: taken as up and complementary
        }
        return mate.site.up
                && mate.replicationEnabled
                && mate.enabled
                && !(vpn.effectiveRole().equals("active")
                        && mate.effectiveRole().equals("active"));
    }

    /** The mate a config change on {@code vpn} is synchronized to now, or null. */
    private static Vpn syncTarget(Vpn vpn) {
        Vpn mate = vpn.mate;
        if (mate == null
                || !vpn.effectiveRole().equals("active")
                || !vpn.replicationEnabled
                || !mate.replicationEnabled
                || !vpn.link.up
                || !vpn.site.up
                || !mate.site.up) {
            return null;
        }
        return mate;
    }

    private void putQueue(Vpn vpn, String name, ObjectNode attributes, String user) {
        vpn.queues.put(name, attributes.deepCopy().put("msgVpnName", vpn.name));
        queueChanges.add(new QueueChange(++shared.sequence, vpn.name, name, true, user));
        Vpn mate = syncTarget(vpn);
        if (mate != null) {
            mate.queues.put(name, attributes.deepCopy().put("msgVpnName", mate.name));
            queueChanges.add(new QueueChange(++shared.sequence, mate.name, name, true, "config-sync"));
        }
    }

    private boolean removeQueue(Vpn vpn, String name, String user) {
        boolean existed = vpn.queues.remove(name) != null;
        if (!existed) {
            return false;
        }
        queueChanges.add(new QueueChange(++shared.sequence, vpn.name, name, false, user));
        Vpn mate = syncTarget(vpn);
        if (mate != null && mate.queues.remove(name) != null) {
            queueChanges.add(new QueueChange(++shared.sequence, mate.name, name, false, "config-sync"));
        }
        return true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            URI uri = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            requests.add(method + " " + uri.getRawPath());
            CountDownLatch gate = hangGate;
            if (gate != null) {
                gate.await();
                if (closed) {
                    return; // closing drops the connection unanswered
                }
            }
            if (maintenancePage) {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, MAINTENANCE_PAGE.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(MAINTENANCE_PAGE);
                }
                return;
            }
            String user = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
            if (user == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"SEMP\"");
                respond(exchange, 401, error(exchange, 401, 72, "UNAUTHORIZED", "Unauthorized"));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (shared.lock) {
                if (failuresLeft > 0) {
                    failuresLeft--;
                    respond(
                            exchange,
                            failure.httpStatus(),
                            error(
                                    exchange,
                                    failure.httpStatus(),
                                    failure.code(),
                                    failure.status(),
                                    failure.description()));
                    return;
                }
                route(exchange, method, uri, user, body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: the connection goes unanswered
        } catch (RuntimeException e) {
            respond(exchange, 500, error(exchange, 500, 2, "FAIL", "fake failed: " + e));
        } finally {
            exchange.close();
        }
    }

    private String authenticate(String header) {
        if (header == null) {
            return null;
        }
        if (bearerToken != null && header.equals("Bearer " + bearerToken)) {
            return "(bearer)";
        }
        if (!header.startsWith("Basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        synchronized (shared.lock) {
            return decoded.substring(colon + 1).equals(users.get(user)) ? user : null;
        }
    }

    private void route(HttpExchange exchange, String method, URI uri, String user, byte[] body) throws IOException {
        String[] parts = uri.getRawPath().substring("/SEMP/v2/".length()).split("/", -1);
        Map<String, String> query = query(uri.getRawQuery());
        Access levels = access.getOrDefault(user, new Access("admin", "read-write"));
        if (parts[0].equals("monitor") && parts.length >= 3 && parts[1].equals("about") && parts[2].equals("user")) {
            aboutUser(exchange, method, parts, query, levels);
            return;
        }
        if (parts.length >= 3 && parts[1].equals("msgVpns")) {
            String vpnName = decode(parts[2]);
            Vpn vpn = vpns.get(vpnName);
            if (vpn == null) {
                respond(
                        exchange,
                        400,
                        error(exchange, 400, 6, "NOT_FOUND", "Could not find match for msgVpnName " + vpnName));
                return;
            }
            String needed = needed(method, parts, levels);
            if (needed != null) {
                respond(
                        exchange,
                        403,
                        error(
                                exchange,
                                403,
                                2,
                                "FAIL",
                                "Permission denied: " + method + " " + uri.getRawPath() + " needs " + needed));
                return;
            }
            if (parts[0].equals("monitor") && parts.length == 3 && method.equals("GET")) {
                monitorVpn(exchange, vpn, query);
                return;
            }
            if (parts[0].equals("monitor") && parts.length == 5 && parts[3].equals("queues") && method.equals("GET")) {
                monitorQueue(exchange, vpn, decode(parts[4]), query);
                return;
            }
            if (parts[0].equals("config") && parts.length == 3 && method.equals("PATCH")) {
                patchVpn(exchange, vpn, user, body);
                return;
            }
            if (parts[0].equals("config") && parts.length == 4 && parts[3].equals("queues")) {
                if (method.equals("POST")) {
                    createQueue(exchange, vpn, user, body);
                    return;
                }
                if (method.equals("GET")) {
                    listQueues(exchange, vpn, query);
                    return;
                }
            }
            if (parts[0].equals("config")
                    && parts.length == 5
                    && parts[3].equals("queues")
                    && method.equals("DELETE")) {
                String queue = decode(parts[4]);
                if (!removeQueue(vpn, queue, user)) {
                    respond(
                            exchange,
                            400,
                            error(exchange, 400, 6, "NOT_FOUND", "Could not find match for queueName " + queue));
                    return;
                }
                respond(exchange, 200, meta(exchange, 200));
                return;
            }
        }
        respond(
                exchange,
                400,
                error(
                        exchange,
                        400,
                        14,
                        "NOT_SUPPORTED",
                        "not supported by the fake: " + method + " " + uri.getRawPath()));
    }

    /**
     * The access level a request on a VPN needs and the user lacks, or null: reads need VPN read-only,
     * queue writes VPN read-write, and a change of the MsgVpn (replicationRole) global read-write.
     */
    private static String needed(String method, String[] parts, Access levels) {
        if (method.equals("GET")) {
            return VPN_LEVELS.indexOf(levels.vpn()) >= 1 ? null : "vpn/read-only";
        }
        if (parts.length == 3) {
            return GLOBAL_LEVELS.indexOf(levels.global()) >= 2 ? null : "global/read-write";
        }
        return VPN_LEVELS.indexOf(levels.vpn()) >= 2 || GLOBAL_LEVELS.indexOf(levels.global()) >= 2
                ? null
                : "vpn/read-write";
    }

    /** {@code GET /monitor/about/user} and {@code GET /monitor/about/user/msgVpns/{msgVpnName}}. */
    private void aboutUser(
            HttpExchange exchange, String method, String[] parts, Map<String, String> query, Access levels)
            throws IOException {
        if (method.equals("GET") && parts.length == 3) {
            ObjectNode data = JSON.createObjectNode().put("globalAccessLevel", levels.global());
            ObjectNode selected = select(exchange, data, query, ABOUT_USER_FIELDS);
            if (selected != null) {
                respond(exchange, 200, success(exchange, selected, null));
            }
            return;
        }
        if (method.equals("GET") && parts.length == 5 && parts[3].equals("msgVpns")) {
            String vpnName = decode(parts[4]);
            if (!vpns.containsKey(vpnName)) {
                respond(
                        exchange,
                        400,
                        error(exchange, 400, 6, "NOT_FOUND", "Could not find match for msgVpnName " + vpnName));
                return;
            }
            // a global read-write or admin user may change every VPN
            String level = GLOBAL_LEVELS.indexOf(levels.global()) >= 2 ? "read-write" : levels.vpn();
            ObjectNode data = JSON.createObjectNode().put("msgVpnName", vpnName).put("accessLevel", level);
            ObjectNode selected = select(exchange, data, query, ABOUT_USER_VPN_FIELDS);
            if (selected != null) {
                respond(exchange, 200, success(exchange, selected, null));
            }
            return;
        }
        respond(
                exchange,
                400,
                error(exchange, 400, 14, "NOT_SUPPORTED", "not supported by the fake: " + method + " about/user"));
    }

    private void monitorVpn(HttpExchange exchange, Vpn vpn, Map<String, String> query) throws IOException {
        if (vpn.pendingRole != null && --vpn.readsUntilVisible <= 0) {
            vpn.role = vpn.pendingRole;
            vpn.pendingRole = null;
        }
        boolean bridge = bridgeUp(vpn);
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpn.name)
                .put("enabled", vpn.enabled)
                .put(
                        "state",
                        !vpn.enabled ? "down" : vpn.replicationEnabled && "standby".equals(vpn.role) ? "standby" : "up")
                .put("replicationEnabled", vpn.replicationEnabled)
                .put("replicationRole", vpn.role)
                .put("replicationBridgeName", REPLICATION_BRIDGE)
                .put("replicationBridgeUp", bridge)
                .put("replicationRemoteBridgeUp", bridge)
                .put("replicationQueueBound", bridge && vpn.replicationQueuePresent);
        ObjectNode selected = select(exchange, data, query, VPN_MONITOR_FIELDS);
        if (selected != null) {
            respond(exchange, 200, success(exchange, selected, null));
        }
    }

    private void monitorQueue(HttpExchange exchange, Vpn vpn, String queue, Map<String, String> query)
            throws IOException {
        if (!queue.equals(REPLICATION_QUEUE)) {
            monitorConfiguredQueue(exchange, vpn, queue, query);
            return;
        }
        if (!vpn.replicationEnabled || !vpn.replicationQueuePresent) {
            respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for queueName " + queue));
            return;
        }
        if (bridgeUp(vpn) && vpn.queuedMessages > 0) {
            vpn.queuedMessages = Math.max(0, vpn.queuedMessages - vpn.drainPerRead);
        }
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpn.name)
                .put("queueName", queue)
                .put("msgSpoolUsage", vpn.queuedMessages * MESSAGE_BYTES)
                .put("spooledMsgCount", 1_000_000); // cumulative, not the backlog
        ObjectNode selected = select(exchange, data, query, QUEUE_MONITOR_FIELDS);
        if (selected != null) {
            ObjectNode collections = JSON.createObjectNode();
            collections.putObject("msgs").put("count", vpn.queuedMessages);
            respond(exchange, 200, success(exchange, selected, collections));
        }
    }

    /** A queue created through the config API (or {@link #addQueue}), empty: its ingress and egress as configured. */
    private void monitorConfiguredQueue(HttpExchange exchange, Vpn vpn, String queue, Map<String, String> query)
            throws IOException {
        ObjectNode config = vpn.queues.get(queue);
        if (config == null) {
            respond(exchange, 400, error(exchange, 400, 6, "NOT_FOUND", "Could not find match for queueName " + queue));
            return;
        }
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpn.name)
                .put("queueName", queue)
                // the MsgVpnQueue config defaults: ingress and egress disabled
                .put("ingressEnabled", config.path("ingressEnabled").asBoolean(false))
                .put("egressEnabled", config.path("egressEnabled").asBoolean(false))
                .put("msgSpoolUsage", 0L)
                .put("spooledMsgCount", 0L);
        ObjectNode selected = select(exchange, data, query, QUEUE_MONITOR_FIELDS);
        if (selected != null) {
            ObjectNode collections = JSON.createObjectNode();
            collections.putObject("msgs").put("count", 0L);
            respond(exchange, 200, success(exchange, selected, collections));
        }
    }

    /** The selected attributes, or null after answering 400 for one the object does not have. */
    private static ObjectNode select(
            HttpExchange exchange, ObjectNode data, Map<String, String> query, Set<String> known) throws IOException {
        String select = query.get("select");
        if (select == null) {
            return data;
        }
        ObjectNode selected = JSON.createObjectNode();
        for (String field : select.split(",")) {
            if (!known.contains(field)) {
                respond(
                        exchange,
                        400,
                        error(
                                exchange,
                                400,
                                11,
                                "INVALID_PARAMETER",
                                "Invalid select: " + field + " is not a valid attribute"));
                return null;
            }
            if (data.has(field)) {
                selected.set(field, data.get(field));
            }
        }
        return selected;
    }

    private void patchVpn(HttpExchange exchange, Vpn vpn, String user, byte[] body) throws IOException {
        JsonNode request = parse(exchange, body);
        if (request == null) {
            return;
        }
        for (var field : (Iterable<String>) request::fieldNames) {
            if (!field.equals("replicationRole") && !field.equals("msgVpnName")) {
                respond(
                        exchange,
                        400,
                        error(
                                exchange,
                                400,
                                11,
                                "INVALID_PARAMETER",
                                "the fake supports only " + "replicationRole, not " + field));
                return;
            }
        }
        JsonNode role = request.path("replicationRole");
        if (!role.isMissingNode()) {
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                respond(
                        exchange,
                        400,
                        error(exchange, 400, 11, "INVALID_PARAMETER", "Invalid value for replicationRole: " + role));
                return;
            }
            if (!vpn.effectiveRole().equals(role.asText())) {
                roleChanges.add(new RoleChange(++shared.sequence, vpn.name, role.asText(), user));
            }
            if (roleDelayReads > 0 && !vpn.role.equals(role.asText())) {
                vpn.pendingRole = role.asText();
                vpn.readsUntilVisible = roleDelayReads;
            } else {
                vpn.role = role.asText();
                vpn.pendingRole = null;
            }
        }
        ObjectNode data = JSON.createObjectNode()
                .put("msgVpnName", vpn.name)
                .put("replicationEnabled", vpn.replicationEnabled)
                .put("replicationRole", vpn.effectiveRole());
        respond(exchange, 200, success(exchange, data, null));
    }

    private void createQueue(HttpExchange exchange, Vpn vpn, String user, byte[] body) throws IOException {
        JsonNode request = parse(exchange, body);
        if (request == null) {
            return;
        }
        String name = request.path("queueName").asText("");
        if (name.isEmpty() || name.length() > 200) {
            respond(
                    exchange,
                    400,
                    error(exchange, 400, 228, "MISSING_PARAMETER", "queueName is required (1-200 characters)"));
            return;
        }
        for (var field : (Iterable<String>) request::fieldNames) {
            if (!QUEUE_CONFIG_FIELDS.contains(field)) {
                respond(
                        exchange,
                        400,
                        error(exchange, 400, 11, "INVALID_PARAMETER", field + " is not a valid attribute"));
                return;
            }
        }
        if (vpn.queues.containsKey(name)) {
            respond(exchange, 400, error(exchange, 400, 10, "ALREADY_EXISTS", "Queue " + name + " already exists"));
            return;
        }
        putQueue(vpn, name, (ObjectNode) request, user);
        respond(exchange, 200, success(exchange, vpn.queues.get(name).deepCopy(), null));
    }

    private void listQueues(HttpExchange exchange, Vpn vpn, Map<String, String> query) throws IOException {
        String where = query.get("where");
        String prefix = null;
        String exact = null;
        if (where != null) {
            if (!where.startsWith("queueName==")) {
                respond(
                        exchange,
                        400,
                        error(exchange, 400, 11, "INVALID_PARAMETER", "the fake supports where=queueName==..."));
                return;
            }
            String pattern = where.substring("queueName==".length());
            if (pattern.endsWith("*")) {
                prefix = pattern.substring(0, pattern.length() - 1);
            } else {
                exact = pattern;
            }
        }
        int count = query.containsKey("count") ? Integer.parseInt(query.get("count")) : pageSize;
        count = Math.min(count, pageSize);
        String after = query.get("cursor");
        List<String> matching = new ArrayList<>();
        for (String name : vpn.queues.keySet()) {
            if ((prefix == null || name.startsWith(prefix))
                    && (exact == null || name.equals(exact))
                    && (after == null || name.compareTo(after) > 0)) {
                matching.add(name);
            }
        }
        ArrayNode data = JSON.createArrayNode();
        for (String name : matching.subList(0, Math.min(count, matching.size()))) {
            data.add(JSON.createObjectNode().put("queueName", name).put("msgVpnName", vpn.name));
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("data", data);
        ObjectNode meta = (ObjectNode) meta(exchange, 200).get("meta");
        if (matching.size() > count) {
            String last = matching.get(count - 1);
            String next = "http://" + exchange.getRequestHeaders().getFirst("Host")
                    + exchange.getRequestURI().getRawPath() + "?count=" + count
                    + (where == null ? "" : "&where=" + encode(where)) + "&cursor=" + encode(last);
            meta.putObject("paging").put("cursorQuery", last).put("nextPageUri", next);
        }
        body.set("meta", meta);
        respond(exchange, 200, body);
    }

    private static JsonNode parse(HttpExchange exchange, byte[] body) throws IOException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // answered below
        }
        respond(exchange, 400, error(exchange, 400, 27, "PARSE_ERROR", "The request body is not a JSON object"));
        return null;
    }

    private static ObjectNode success(HttpExchange exchange, JsonNode data, JsonNode collections) {
        ObjectNode body = JSON.createObjectNode();
        if (collections != null) {
            body.set("collections", collections);
        }
        body.set("data", data);
        body.putObject("links")
                .put(
                        "uri",
                        "http://" + exchange.getRequestHeaders().getFirst("Host")
                                + exchange.getRequestURI().getRawPath());
        body.setAll(meta(exchange, 200));
        return body;
    }

    private static ObjectNode meta(HttpExchange exchange, int status) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode meta = body.putObject("meta");
        meta.putObject("request")
                .put("method", exchange.getRequestMethod())
                .put("uri", exchange.getRequestURI().toString());
        meta.put("responseCode", status);
        return body;
    }

    private static ObjectNode error(HttpExchange exchange, int status, int code, String name, String description) {
        ObjectNode body = meta(exchange, status);
        ((ObjectNode) body.get("meta"))
                .putObject("error")
                .put("code", code)
                .put("description", description)
                .put("status", name);
        return body;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            map.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return map;
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
