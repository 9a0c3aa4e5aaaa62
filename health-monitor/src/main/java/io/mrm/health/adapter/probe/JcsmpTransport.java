package io.mrm.health.adapter.probe;

import com.solacesystems.jcsmp.BytesXMLMessage;
import com.solacesystems.jcsmp.ConsumerFlowProperties;
import com.solacesystems.jcsmp.DeliveryMode;
import com.solacesystems.jcsmp.FlowEvent;
import com.solacesystems.jcsmp.FlowEventArgs;
import com.solacesystems.jcsmp.FlowEventHandler;
import com.solacesystems.jcsmp.FlowReceiver;
import com.solacesystems.jcsmp.JCSMPChannelProperties;
import com.solacesystems.jcsmp.JCSMPException;
import com.solacesystems.jcsmp.JCSMPFactory;
import com.solacesystems.jcsmp.JCSMPProperties;
import com.solacesystems.jcsmp.JCSMPSession;
import com.solacesystems.jcsmp.JCSMPStreamingPublishCorrelatingEventHandler;
import com.solacesystems.jcsmp.Queue;
import com.solacesystems.jcsmp.SessionEvent;
import com.solacesystems.jcsmp.SessionEventArgs;
import com.solacesystems.jcsmp.SessionEventHandler;
import com.solacesystems.jcsmp.Topic;
import com.solacesystems.jcsmp.XMLMessageListener;
import com.solacesystems.jcsmp.XMLMessageProducer;
import io.mrm.events.Require;
import io.mrm.health.domain.RoundTripFailure;
import io.mrm.health.domain.RoundTripTransport;
import io.mrm.kafka.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Solace / SAP Advanced Event Mesh through the Solace JCSMP API: one session per target, kept across
 * probes, that publishes persistent (guaranteed) messages to the probe topic and consumes them from the
 * probe queue.
 *
 * <p>Why a configured durable queue rather than a temporary one: a temporary queue needs a client
 * profile that allows clients to create guaranteed endpoints ({@code allow-guaranteed-endpoint-create}),
 * which the client usernames handed out on AEM and Solace Cloud services often lack; a durable queue
 * that an administrator created, subscribed to the probe topic and granted to the probe's client
 * username needs only the ordinary rights to send and receive guaranteed messages. The probe consumes
 * (acknowledges) everything on that queue, so it must be the probe's own, one per monitor instance.
 *
 * <p>Blocking JCSMP calls (connect, login, binding the flow, handing a message over) run on the bounded
 * {@link BlockingProbePool}, never on the caller's thread. JCSMP's own connect and read timeouts bound
 * them, its automatic reconnection is off (the next probe reconnects, so an outage shows at once), and
 * a session is closed in the background when it is given up. Acknowledgements and deliveries arrive on
 * JCSMP's reactor thread (a daemon thread shared by all sessions) and are handed straight to the
 * listener. The password is read from its secret reference at each connect and never logged.
 */
public final class JcsmpTransport implements RoundTripTransport {

    private static final Logger log = LoggerFactory.getLogger(JcsmpTransport.class);
    private static final byte[] PAYLOAD = "mrm health-monitor round-trip probe".getBytes(StandardCharsets.UTF_8);
    private static final Events NO_LISTENER = new Events() {
        @Override
        public void acknowledged(String token) {}

        @Override
        public void refused(String token, String reason) {}

        @Override
        public void arrived(String token) {}

        @Override
        public void failed(String reason) {}
    };
    /** Closes given-up sessions (which may block while JCSMP finishes a connect) off every probe's path. */
    private static final Executor CLOSER = closer();

    /**
     * @param host                {@code tcps://host:port} (TLS) or {@code tcp://host:port}
     * @param vpn                 the message VPN
     * @param username            the client username
     * @param password            where the client password lives
     * @param topic               the topic the probe publishes to
     * @param queue               the durable queue, subscribed to {@code topic}, the probe consumes from
     * @param connectTimeout      bound on the TCP (and TLS) connect
     * @param readTimeout         bound on each answer from the broker (login, bind)
     * @param validateCertificate verify the broker's certificate and host name (TLS); on unless turned off for a test broker
     * @param trustStore          the trust store for TLS, or null for the JDK's default one
     * @param trustStorePassword  its password, or null
     */
    public record Settings(
            String host,
            String vpn,
            String username,
            SecretReference password,
            String topic,
            String queue,
            Duration connectTimeout,
            Duration readTimeout,
            boolean validateCertificate,
            Path trustStore,
            SecretReference trustStorePassword) {

        public Settings {
            Require.text("host", host);
            Require.text("vpn", vpn);
            Require.text("username", username);
            Require.present("password", password);
            Require.text("topic", topic);
            Require.text("queue", queue);
            positive("connectTimeout", connectTimeout);
            positive("readTimeout", readTimeout);
        }

        private static void positive(String field, Duration value) {
            Require.present(field, value);
            if (value.isZero() || value.isNegative() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        field + " must be positive and fit in int milliseconds, was " + value);
            }
        }
    }

    private final Settings settings;
    private final BlockingProbePool pool;
    private final Topic topic;
    private final Queue queue;
    private final AtomicLong sessionsOpened = new AtomicLong();
    private final Object lock = new Object();
    private volatile Events events = NO_LISTENER;
    /** The session in use or being opened; replaced whole after a failure. Written under {@link #lock}. */
    private volatile Link link;

    private boolean closed;

    public JcsmpTransport(Settings settings, BlockingProbePool pool) {
        this.settings = Require.present("settings", settings);
        this.pool = Require.present("pool", pool);
        this.topic = JCSMPFactory.onlyInstance().createTopic(settings.topic());
        this.queue = JCSMPFactory.onlyInstance().createQueue(settings.queue());
    }

    public Settings settings() {
        return settings;
    }

    /** Sessions this transport has started to open: one while the broker stays reachable. */
    public long sessionsOpened() {
        return sessionsOpened.get();
    }

    @Override
    public void listen(Events listener) {
        this.events = Require.present("events", listener);
    }

    @Override
    public String describe() {
        return "topic " + settings.topic() + " -> queue " + settings.queue() + " on " + settings.host() + ", VPN "
                + settings.vpn();
    }

    @Override
    public CompletionStage<Void> send(String token, Runnable handingOver) {
        return pool.submit(() -> {
            Link current = usableLink();
            BytesXMLMessage message = JCSMPFactory.onlyInstance().createMessage(BytesXMLMessage.class);
            message.setDeliveryMode(DeliveryMode.PERSISTENT);
            message.setApplicationMessageId(token);
            message.setCorrelationKey(token); // comes back with the broker's acknowledgement
            message.writeAttachment(PAYLOAD);
            handingOver.run();
            try {
                current.producer.send(message, topic);
            } catch (JCSMPException | RuntimeException e) {
                current.broken = true;
                throw new RoundTripFailure(JcsmpFailures.publish(settings, e));
            }
            return null;
        });
    }

    @Override
    public void reset() {
        Link old;
        synchronized (lock) {
            old = link;
            link = null;
        }
        // a session still connecting is closed by its own thread when connect returns (see usableLink)
        if (old != null && old.ready) {
            closeInBackground(old);
        }
    }

    @Override
    public void close() {
        Link old;
        synchronized (lock) {
            closed = true;
            old = link;
            link = null;
        }
        if (old != null && old.ready) {
            old.close();
        }
    }

    /** The open session, or a new one; blocks while connecting. Runs on the pool, one call at a time. */
    private Link usableLink() {
        Link stale;
        Link fresh;
        synchronized (lock) {
            if (closed) {
                throw new RoundTripFailure("probe is shut down");
            }
            if (link != null && link.usable()) {
                return link;
            }
            stale = link;
            fresh = new Link();
            link = fresh; // current already while connecting, so that its events count
        }
        if (stale != null && stale.ready) {
            closeInBackground(stale);
        }
        try {
            fresh.open();
        } catch (RuntimeException e) {
            synchronized (lock) {
                if (link == fresh) {
                    link = null;
                }
            }
            fresh.close();
            throw e;
        }
        synchronized (lock) {
            if (link == fresh) {
                fresh.ready = true;
                return fresh;
            }
        }
        // reset or closed while connecting: the round this was for is already over
        fresh.close();
        throw new RoundTripFailure("session with " + settings.host() + " given up while connecting");
    }

    private JCSMPProperties properties() {
        JCSMPProperties props = new JCSMPProperties();
        props.setProperty(JCSMPProperties.HOST, settings.host());
        props.setProperty(JCSMPProperties.VPN_NAME, settings.vpn());
        props.setProperty(JCSMPProperties.USERNAME, settings.username());
        props.setProperty(JCSMPProperties.PASSWORD, read(settings.password()));
        props.setProperty(JCSMPProperties.APPLICATION_DESCRIPTION, "MRM health-monitor round-trip probe");
        // deliveries on the reactor thread: the listener only completes a future, and no extra thread is started
        props.setBooleanProperty(JCSMPProperties.MESSAGE_CALLBACK_ON_REACTOR, true);
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE, settings.validateCertificate());
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE_HOST, settings.validateCertificate());
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE_DATE, settings.validateCertificate());
        if (settings.trustStore() != null) {
            props.setProperty(
                    JCSMPProperties.SSL_TRUST_STORE, settings.trustStore().toString());
            if (settings.trustStorePassword() != null) {
                props.setProperty(JCSMPProperties.SSL_TRUST_STORE_PASSWORD, read(settings.trustStorePassword()));
            }
        }
        JCSMPChannelProperties channel =
                (JCSMPChannelProperties) props.getProperty(JCSMPProperties.CLIENT_CHANNEL_PROPERTIES);
        channel.setConnectTimeoutInMillis((int) settings.connectTimeout().toMillis());
        channel.setReadTimeoutInMillis((int) settings.readTimeout().toMillis());
        // one attempt, no automatic reconnection and no pause after a failed attempt (JCSMP waits 3 s by
        // default even after the last one): the probe reconnects on its next round and reports the outage
        channel.setConnectRetries(0);
        channel.setConnectRetriesPerHost(0);
        channel.setReconnectRetries(0);
        channel.setReconnectRetryWaitInMillis(0);
        return props;
    }

    private static String read(SecretReference secret) {
        try {
            return secret.read();
        } catch (IllegalStateException e) {
            throw new RoundTripFailure(e.getMessage());
        }
    }

    private static void closeInBackground(Link old) {
        try {
            CLOSER.execute(old::close);
        } catch (RuntimeException e) {
            old.close();
        }
    }

    private static Executor closer() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "jcsmp-closer-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        return executor;
    }

    /**
     * One JCSMP session with its publisher and its flow from the probe queue. Its callbacks reach the
     * listener only while it is the transport's current link, so a session that was given up cannot
     * fail or complete a later round.
     */
    private final class Link
            implements SessionEventHandler,
                    FlowEventHandler,
                    XMLMessageListener,
                    JCSMPStreamingPublishCorrelatingEventHandler {

        volatile JCSMPSession session;
        volatile XMLMessageProducer producer;
        volatile FlowReceiver flow;
        /** Connected, publisher and flow up. */
        volatile boolean ready;
        /** JCSMP reported the session or the flow gone. */
        volatile boolean broken;

        boolean usable() {
            return ready && !broken && !session.isClosed();
        }

        boolean current() {
            return link == this;
        }

        void open() {
            sessionsOpened.incrementAndGet();
            try {
                session = JCSMPFactory.onlyInstance().createSession(properties(), null, this);
            } catch (JCSMPException e) {
                throw new RoundTripFailure(
                        "invalid JCSMP settings for " + settings.host() + ": " + JcsmpFailures.reason(e));
            }
            try {
                session.connect();
            } catch (JCSMPException | RuntimeException e) {
                throw new RoundTripFailure(JcsmpFailures.connect(settings, e));
            }
            try {
                producer = session.getMessageProducer(this);
            } catch (JCSMPException | RuntimeException e) {
                throw new RoundTripFailure(
                        "cannot open a publisher on " + settings.host() + ": " + JcsmpFailures.reason(e));
            }
            try {
                ConsumerFlowProperties flowProperties = new ConsumerFlowProperties()
                        .setEndpoint(queue)
                        .setAckMode(JCSMPProperties.SUPPORTED_MESSAGE_ACK_CLIENT)
                        .setActiveFlowIndication(true);
                flow = session.createFlow(this, flowProperties, null, this);
                flow.start();
            } catch (JCSMPException | RuntimeException e) {
                throw new RoundTripFailure(JcsmpFailures.bind(settings, e));
            }
        }

        void close() {
            JCSMPSession s = session;
            if (s != null) {
                try {
                    s.closeSession();
                } catch (RuntimeException e) {
                    log.debug("closing the JCSMP session with {} failed: {}", settings.host(), e.toString());
                }
            }
        }

        private void fail(String reason) {
            broken = true;
            if (current()) {
                events.failed(reason);
            }
        }

        @Override
        public void handleEvent(SessionEventArgs event) {
            if (event.getEvent() == SessionEvent.DOWN_ERROR) {
                fail("session with " + settings.host() + " lost: "
                        + JcsmpFailures.event(event.getInfo(), event.getException()));
            }
        }

        @Override
        public void handleEvent(Object source, FlowEventArgs event) {
            FlowEvent type = event.getEvent();
            if (type == FlowEvent.FLOW_INACTIVE) {
                fail("queue " + settings.queue() + " delivers to another consumer (an exclusive queue shared by "
                        + "several monitors?): give each monitor instance its own probe queue");
            } else if (type == FlowEvent.FLOW_DOWN || type == FlowEvent.FLOW_RECONNECTING) {
                fail("flow from queue " + settings.queue() + " lost: "
                        + JcsmpFailures.event(event.getInfo(), event.getException()));
            }
        }

        @Override
        public void onReceive(BytesXMLMessage message) {
            try {
                message.ackMessage(); // everything on the probe queue is the probe's: late rounds must not pile up
            } catch (RuntimeException e) {
                log.debug("acknowledging a message from queue {} failed: {}", settings.queue(), e.toString());
            }
            if (current()) {
                events.arrived(message.getApplicationMessageId());
            }
        }

        @Override
        public void onException(JCSMPException e) {
            fail("receiving from queue " + settings.queue() + " failed: " + JcsmpFailures.reason(e));
        }

        @Override
        public void responseReceivedEx(Object key) {
            if (current() && key instanceof String token) {
                events.acknowledged(token);
            }
        }

        @Override
        public void handleErrorEx(Object key, JCSMPException cause, long timestamp) {
            if (!current()) {
                return;
            }
            if (key instanceof String token) {
                events.refused(token, JcsmpFailures.reason(cause));
            } else {
                fail("publishing to topic " + settings.topic() + " failed: " + JcsmpFailures.reason(cause));
            }
        }
    }
}
