package io.mrm.sandbox.dns;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * A small authoritative DNS server for one zone, in this process, built on dnsjava's message
 * classes: UDP and TCP on one loopback port; answers queries (following CNAMEs inside the zone);
 * applies RFC 2136 updates signed with its TSIG key — prerequisites first, then the update section,
 * both under one lock, so an update whose prerequisites fail changes nothing; signs its answers to
 * signed requests. Enough for the sandbox to switch a real DNS answer that {@code dig} can ask for;
 * not a general server (no DNSSEC, zone transfers, delegations, wildcards or notify).
 */
public final class LoopbackAuthoritativeDnsServer implements AutoCloseable {

    private static final int UDP_LIMIT = 512;

    private final Name zone;
    private final TSIG key;
    private final Name keyName;
    private final Map<Name, Map<Integer, List<Record>>> names = new HashMap<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService connections;
    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger updates = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param zone      the zone, e.g. {@code sandbox.test.}; the server makes its SOA and NS records
     * @param keyName   the TSIG key that may update the zone
     * @param algorithm e.g. {@code TSIG.HMAC_SHA256}
     * @param secret    the key's secret
     * @param records   the zone's other records
     */
    public LoopbackAuthoritativeDnsServer(Name zone, Name keyName, Name algorithm, byte[] secret, List<Record> records)
            throws IOException {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.keyName = Objects.requireNonNull(keyName, "keyName");
        this.key = new TSIG(algorithm, keyName, secret);
        Name ns = Name.concatenate(Name.fromConstantString("ns1"), zone);
        put(new SOARecord(
                zone,
                DClass.IN,
                60,
                ns,
                Name.concatenate(Name.fromConstantString("hostmaster"), zone),
                1,
                3600,
                600,
                86400,
                60));
        put(new org.xbill.DNS.NSRecord(zone, DClass.IN, 60, ns));
        put(new org.xbill.DNS.ARecord(ns, DClass.IN, 60, InetAddress.getLoopbackAddress()));
        for (Record record : records) {
            if (!record.getName().subdomain(zone)) {
                throw new IllegalArgumentException(record.getName() + " is not inside " + zone);
            }
            put(record);
        }
        // one port for both: find a UDP port whose TCP twin is free too
        DatagramSocket boundUdp = null;
        ServerSocket boundTcp = null;
        for (int attempt = 0; attempt < 20 && boundTcp == null; attempt++) {
            boundUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                boundTcp = new ServerSocket(boundUdp.getLocalPort(), 16, InetAddress.getLoopbackAddress());
            } catch (IOException taken) {
                boundUdp.close();
            }
        }
        if (boundTcp == null) {
            throw new IOException("no loopback port free for both UDP and TCP");
        }
        udp = boundUdp;
        tcp = boundTcp;
        connections = Executors.newCachedThreadPool(daemon("dns-tcp"));
        daemon("dns-udp").newThread(this::serveUdp).start();
        daemon("dns-tcp-accept").newThread(this::acceptTcp).start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort());
    }

    public int port() {
        return udp.getLocalPort();
    }

    public Name zone() {
        return zone;
    }

    public Name keyName() {
        return keyName;
    }

    /** Queries answered so far. */
    public int queries() {
        return queries.get();
    }

    /** Updates applied so far (not counting refused ones). */
    public int updates() {
        return updates.get();
    }

    /** The zone's serial: it rises with every applied update. */
    public synchronized long serial() {
        return ((SOARecord) names.get(zone).get(Type.SOA).get(0)).getSerial();
    }

    /**
     * The answer to one request, or null to stay silent (not a request, or not readable).
     * Package-visible so that the rules can be tested without sockets.
     */
    byte[] respond(byte[] wire, int limit) {
        Message request;
        try {
            request = new Message(wire);
        } catch (IOException malformed) {
            return null;
        }
        if (request.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Message response = new Message(request.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setOpcode(request.getHeader().getOpcode());
        if (request.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = request.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        TSIGRecord signature = request.getTSIG();
        if (signature != null) {
            int error = key.verify(request, wire, null);
            if (error != Rcode.NOERROR) {
                // RFC 8945 §5.3: NOTAUTH, with an unsigned TSIG record that carries the error
                response.getHeader().setRcode(Rcode.NOTAUTH);
                signerFor(signature).apply(response, error, signature);
                return response.toWire();
            }
        }
        int opcode = request.getHeader().getOpcode();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
        } else if (opcode == Opcode.QUERY) {
            queries.incrementAndGet();
            answer(question, response);
        } else if (opcode == Opcode.UPDATE) {
            response.getHeader().setRcode(signature == null ? Rcode.REFUSED : update(request));
        } else {
            response.getHeader().setRcode(Rcode.NOTIMP);
        }
        return render(response, request, signature, limit);
    }

    private byte[] render(Message response, Message request, TSIGRecord signature, int limit) {
        if (signature != null) {
            key.apply(response, signature);
        }
        byte[] wire = response.toWire();
        if (wire.length <= limit) {
            return wire;
        }
        // too big for UDP: the header and question only, flagged truncated, so the client asks over TCP
        Message truncated = new Message(request.getHeader().getID());
        truncated.getHeader().setFlag(Flags.QR);
        truncated.getHeader().setFlag(Flags.AA);
        truncated.getHeader().setFlag(Flags.TC);
        truncated.getHeader().setOpcode(request.getHeader().getOpcode());
        truncated.addRecord(request.getQuestion(), Section.QUESTION);
        if (signature != null) {
            key.apply(truncated, signature);
        }
        return truncated.toWire();
    }

    private TSIG signerFor(TSIGRecord signature) {
        try {
            // a key we do not know: answer in its name, without a MAC (there is none to compute)
            return signature.getName().equals(keyName)
                    ? key
                    : new TSIG(signature.getAlgorithm(), signature.getName(), new byte[] {0});
        } catch (IllegalArgumentException unknownAlgorithm) {
            return key;
        }
    }

    private synchronized void answer(Record question, Message response) {
        Name name = question.getName();
        int type = question.getType();
        if (!name.subdomain(zone) || (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY)) {
            // not ours, and there is no recursion here
            response.getHeader().setRcode(Rcode.REFUSED);
            return;
        }
        response.getHeader().setFlag(Flags.AA);
        Name current = name;
        for (int hops = 0; hops < 8; hops++) {
            Map<Integer, List<Record>> node = names.get(current);
            if (node == null) {
                if (current.equals(name) && !hasDescendant(name)) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                }
                addSoa(response);
                return;
            }
            if (type == Type.ANY) {
                node.values().forEach(rrs -> rrs.forEach(r -> response.addRecord(r, Section.ANSWER)));
                return;
            }
            List<Record> rrs = node.get(type);
            if (rrs != null) {
                rrs.forEach(r -> response.addRecord(r, Section.ANSWER));
                return;
            }
            List<Record> cname = node.get(Type.CNAME);
            if (cname == null) {
                addSoa(response);
                return;
            }
            response.addRecord(cname.get(0), Section.ANSWER);
            current = ((CNAMERecord) cname.get(0)).getTarget();
            if (!current.subdomain(zone)) {
                return;
            }
        }
    }

    private void addSoa(Message response) {
        response.addRecord(names.get(zone).get(Type.SOA).get(0), Section.AUTHORITY);
    }

    private boolean hasDescendant(Name name) {
        return names.keySet().stream().anyMatch(n -> !n.equals(name) && n.subdomain(name));
    }

    /** RFC 2136 §3: zone, prerequisites, prescan, then apply; all or nothing. */
    private synchronized int update(Message request) {
        List<Record> zoneSection = request.getSection(Section.ZONE);
        if (zoneSection.size() != 1 || zoneSection.get(0).getType() != Type.SOA) {
            return Rcode.FORMERR;
        }
        if (!zoneSection.get(0).getName().equals(zone)) {
            return Rcode.NOTAUTH;
        }
        int rcode = prerequisites(request.getSection(Section.PREREQ));
        if (rcode != Rcode.NOERROR) {
            return rcode;
        }
        List<Record> changes = request.getSection(Section.UPDATE);
        rcode = prescan(changes);
        if (rcode != Rcode.NOERROR) {
            return rcode;
        }
        boolean changed = false;
        for (Record change : changes) {
            changed |= apply(change);
        }
        if (changed) {
            SOARecord soa = (SOARecord) names.get(zone).get(Type.SOA).get(0);
            names.get(zone)
                    .put(
                            Type.SOA,
                            List.of(new SOARecord(
                                    zone,
                                    DClass.IN,
                                    soa.getTTL(),
                                    soa.getHost(),
                                    soa.getAdmin(),
                                    soa.getSerial() + 1,
                                    soa.getRefresh(),
                                    soa.getRetry(),
                                    soa.getExpire(),
                                    soa.getMinimum())));
            updates.incrementAndGet();
        }
        return Rcode.NOERROR;
    }

    /** RFC 2136 §3.2. */
    private int prerequisites(List<Record> prerequisites) {
        Map<Name, Map<Integer, Set<String>>> valueDependent = new LinkedHashMap<>();
        for (Record p : prerequisites) {
            if (p.getTTL() != 0) {
                return Rcode.FORMERR;
            }
            if (!p.getName().subdomain(zone)) {
                return Rcode.NOTZONE;
            }
            boolean empty = p.rdataToWireCanonical().length == 0;
            int type = p.getType();
            if (p.getDClass() == DClass.ANY) {
                if (!empty) {
                    return Rcode.FORMERR;
                }
                if (type == Type.ANY
                        ? !names.containsKey(p.getName())
                        : rrset(p.getName(), type).isEmpty()) {
                    return type == Type.ANY ? Rcode.NXDOMAIN : Rcode.NXRRSET;
                }
            } else if (p.getDClass() == DClass.NONE) {
                if (!empty) {
                    return Rcode.FORMERR;
                }
                if (type == Type.ANY
                        ? names.containsKey(p.getName())
                        : !rrset(p.getName(), type).isEmpty()) {
                    return type == Type.ANY ? Rcode.YXDOMAIN : Rcode.YXRRSET;
                }
            } else if (p.getDClass() == DClass.IN) {
                valueDependent
                        .computeIfAbsent(p.getName(), n -> new HashMap<>())
                        .computeIfAbsent(type, t -> new LinkedHashSet<>())
                        .add(key(p));
            } else {
                return Rcode.FORMERR;
            }
        }
        for (Map.Entry<Name, Map<Integer, Set<String>>> byName : valueDependent.entrySet()) {
            for (Map.Entry<Integer, Set<String>> byType : byName.getValue().entrySet()) {
                if (!keys(rrset(byName.getKey(), byType.getKey())).equals(byType.getValue())) {
                    return Rcode.NXRRSET;
                }
            }
        }
        return Rcode.NOERROR;
    }

    /** RFC 2136 §3.4.1. */
    private int prescan(List<Record> changes) {
        for (Record u : changes) {
            if (!u.getName().subdomain(zone)) {
                return Rcode.NOTZONE;
            }
            int type = u.getType();
            boolean meta = type == Type.ANY
                    || type == Type.AXFR
                    || type == Type.IXFR
                    || type == Type.MAILA
                    || type == Type.MAILB;
            boolean empty = u.rdataToWireCanonical().length == 0;
            boolean valid = switch (u.getDClass()) {
                case DClass.IN -> !meta;
                case DClass.ANY -> u.getTTL() == 0 && empty && (type == Type.ANY || !meta);
                case DClass.NONE -> u.getTTL() == 0 && !meta;
                default -> false;
            };
            if (!valid) {
                return Rcode.FORMERR;
            }
        }
        return Rcode.NOERROR;
    }

    /** RFC 2136 §3.4.2; true if the zone changed. SOA and the apex NS records are left alone. */
    private boolean apply(Record u) {
        Name name = u.getName();
        int type = u.getType();
        boolean apex = name.equals(zone);
        if (type == Type.SOA || (apex && type == Type.NS)) {
            return false;
        }
        if (u.getDClass() == DClass.IN) {
            Map<Integer, List<Record>> node = names.getOrDefault(name, Map.of());
            // a CNAME cannot share its name with other data (RFC 2136 §3.4.2.2)
            if (type == Type.CNAME
                    ? node.keySet().stream().anyMatch(t -> t != Type.CNAME)
                    : node.containsKey(Type.CNAME)) {
                return false;
            }
            List<Record> before = rrset(name, type);
            String added = key(u);
            List<Record> after = new ArrayList<>();
            if (type != Type.CNAME) {
                // a name has at most one CNAME, so a new one replaces it; other types add to the set
                before.stream().filter(r -> !key(r).equals(added)).forEach(after::add);
            }
            after.add(u);
            // one TTL per record set: the newest
            after = after.stream()
                    .map(r -> Record.newRecord(name, type, DClass.IN, u.getTTL(), r.rdataToWireCanonical()))
                    .toList();
            boolean changed =
                    !keys(before).equals(keys(after)) || before.stream().anyMatch(r -> r.getTTL() != u.getTTL());
            names.computeIfAbsent(name, n -> new HashMap<>()).put(type, after);
            return changed;
        }
        Map<Integer, List<Record>> node = names.get(name);
        if (node == null) {
            return false;
        }
        boolean changed;
        if (u.getDClass() == DClass.ANY) {
            if (type == Type.ANY) {
                changed = apex ? node.keySet().removeIf(t -> t != Type.SOA && t != Type.NS) : !node.isEmpty();
                if (!apex) {
                    node.clear();
                }
            } else {
                changed = node.remove(type) != null;
            }
        } else {
            List<Record> rrs = node.get(type);
            String removed = key(u);
            changed = rrs != null && rrs.stream().anyMatch(r -> key(r).equals(removed));
            if (changed) {
                List<Record> left =
                        rrs.stream().filter(r -> !key(r).equals(removed)).toList();
                if (left.isEmpty()) {
                    node.remove(type);
                } else {
                    node.put(type, left);
                }
            }
        }
        if (node.isEmpty()) {
            names.remove(name);
        }
        return changed;
    }

    private List<Record> rrset(Name name, int type) {
        return names.getOrDefault(name, Map.of()).getOrDefault(type, List.of());
    }

    private void put(Record record) {
        names.computeIfAbsent(record.getName(), n -> new HashMap<>())
                .merge(record.getType(), List.of(record), (a, b) -> {
                    List<Record> all = new ArrayList<>(a);
                    all.addAll(b);
                    return List.copyOf(all);
                });
    }

    private static Set<String> keys(List<Record> records) {
        Set<String> keys = new LinkedHashSet<>();
        records.forEach(r -> keys.add(key(r)));
        return keys;
    }

    // data in canonical wire form: names compare without case
    private static String key(Record record) {
        return HexFormat.of().formatHex(record.rdataToWireCanonical());
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] wire = Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] answer = respond(wire, udpLimit(wire));
                if (answer != null) {
                    udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                // one bad packet must not stop the server
            }
        }
    }

    private static int udpLimit(byte[] wire) {
        try {
            OPTRecord opt = new Message(wire).getOPT();
            return opt == null ? UDP_LIMIT : Math.max(UDP_LIMIT, opt.getPayloadSize());
        } catch (IOException e) {
            return UDP_LIMIT;
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket socket = tcp.accept();
                connections.execute(() -> serveTcp(socket));
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** RFC 1035 §4.2.2: each message prefixed by its two-byte length; several per connection. */
    private void serveTcp(Socket socket) {
        try (socket;
                DataInputStream in = new DataInputStream(socket.getInputStream());
                java.io.OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException done) {
                    return;
                }
                byte[] wire = in.readNBytes(length);
                if (wire.length < length) {
                    return;
                }
                byte[] answer = respond(wire, 65535);
                if (answer != null) {
                    // length and message in one write: split into two segments, the client's delayed
                    // ACK holds the second for tens of milliseconds
                    byte[] framed = new byte[answer.length + 2];
                    framed[0] = (byte) (answer.length >>> 8);
                    framed[1] = (byte) answer.length;
                    System.arraycopy(answer, 0, framed, 2, answer.length);
                    out.write(framed);
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: drop the connection
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (SocketException ignored) {
            // closing anyway
        } catch (IOException ignored) {
            // closing anyway
        }
        connections.shutdownNow();
    }
}
