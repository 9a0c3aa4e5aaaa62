package io.mrm.health.adapter.probe;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * A tiny authoritative DNS server for tests, built on dnsjava's message classes: UDP on
 * {@code 127.0.0.1} with a free port, one thread, answers from a map that a test can change while it
 * runs. A name that is not in the map is NXDOMAIN; a name set to {@link #silence(String) silence} gets
 * no answer at all (for timeouts).
 */
public final class DnsjavaLoopbackDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> answers = new ConcurrentHashMap<>();
    private final Map<Name, Boolean> silent = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    public DnsjavaLoopbackDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "dnsjava-loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    public int queries() {
        return queries.get();
    }

    /** {@code name} is a CNAME to {@code target}, which has address {@code address} (if not null). */
    public void cname(String name, String target, String address) {
        Name owner = name(name);
        Name to = name(target);
        if (address == null) {
            answers.put(owner, List.of(new CNAMERecord(owner, DClass.IN, 60, to)));
        } else {
            answers.put(owner, List.of(new CNAMERecord(owner, DClass.IN, 60, to), a(to, address)));
        }
        silent.remove(owner);
    }

    /** {@code name} has these A addresses. */
    void addresses(String name, String... addresses) {
        Name owner = name(name);
        answers.put(
                owner,
                java.util.Arrays.stream(addresses)
                        .<Record>map(address -> a(owner, address))
                        .toList());
        silent.remove(owner);
    }

    void silence(String name) {
        silent.put(name(name), true);
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                queries.incrementAndGet();
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                if (silent.containsKey(question.getName())) {
                    continue;
                }
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                response.addRecord(question, Section.QUESTION);
                List<Record> records = answers.get(question.getName());
                if (records == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    records.forEach(record -> response.addRecord(record, Section.ANSWER));
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // a malformed query: ignore it, as a real server would
            }
        }
    }

    private static ARecord a(Name owner, String address) {
        try {
            return new ARecord(owner, DClass.IN, 60, InetAddress.getByName(address));
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
