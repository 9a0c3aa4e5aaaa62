package io.mrm.aem.adapter;

import com.solacesystems.jcsmp.BytesXMLMessage;
import com.solacesystems.jcsmp.ConsumerFlowProperties;
import com.solacesystems.jcsmp.DeliveryMode;
import com.solacesystems.jcsmp.Destination;
import com.solacesystems.jcsmp.FlowReceiver;
import com.solacesystems.jcsmp.JCSMPChannelProperties;
import com.solacesystems.jcsmp.JCSMPErrorResponseException;
import com.solacesystems.jcsmp.JCSMPException;
import com.solacesystems.jcsmp.JCSMPFactory;
import com.solacesystems.jcsmp.JCSMPProperties;
import com.solacesystems.jcsmp.JCSMPSession;
import com.solacesystems.jcsmp.JCSMPStreamingPublishCorrelatingEventHandler;
import com.solacesystems.jcsmp.Queue;
import com.solacesystems.jcsmp.XMLMessageListener;
import com.solacesystems.jcsmp.XMLMessageProducer;
import io.mrm.aem.domain.DeliveryCheck;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.kafka.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The verify step's consumer-activation check through Solace JCSMP: opens a session on the newly
 * active VPN, binds to the probe queue, publishes one persistent message (to the probe topic the
 * queue subscribes to, or straight to the queue when no topic is configured), and waits until the
 * broker has acknowledged it and delivered it back, matched by a per-check token. One session per
 * check (a verify step is rare), closed afterwards; no automatic reconnection, so a refusal shows at
 * once. Everything on the probe queue is acknowledged, so it must be MRM's own.
 */
public final class JcsmpDeliveryCheck implements DeliveryCheck {

    /**
     * @param host               {@code tcps://host:55443} (TLS) or {@code tcp://host:55555}
     * @param vpn                the Message VPN
     * @param username           the client username
     * @param password           where its password lives
     * @param queue              a durable queue MRM may consume from (subscribed to {@code topic} if one is set)
     * @param topic              the topic to publish to, or null to publish to the queue itself
     * @param connectTimeout     bound on connecting
     * @param trustStore         trust store for TLS, or null for the JDK's
     * @param trustStorePassword its password, or null
     */
    public record Settings(
            String host,
            String vpn,
            String username,
            SecretReference password,
            String queue,
            String topic,
            Duration connectTimeout,
            Path trustStore,
            SecretReference trustStorePassword) {

        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(vpn, "vpn");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }
    }

    private static final byte[] PAYLOAD = "mrm aem-sync delivery check".getBytes(StandardCharsets.UTF_8);

    private final Settings settings;

    public JcsmpDeliveryCheck(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String describe() {
        return (settings.topic() == null
                        ? "queue " + settings.queue()
                        : "topic " + settings.topic() + " -> queue " + settings.queue())
                + " on " + settings.host() + ", VPN " + settings.vpn();
    }

    @Override
    public Duration roundTrip(String correlationId, Duration bound) throws ActuatorFailure, InterruptedException {
        try {
            return attempt(correlationId, bound);
        } catch (RuntimeException e) {
            // JCSMP also reports trouble as unchecked exceptions (e.g. a session closed under it)
            throw ActuatorFailure.retriable(
                    "JCSMP_UNAVAILABLE", "delivery check on " + describe() + " failed: " + reason(e));
        }
    }

    private Duration attempt(String correlationId, Duration bound) throws ActuatorFailure, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        String token = correlationId + "/" + UUID.randomUUID();
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        CompletableFuture<Void> delivered = new CompletableFuture<>();
        JCSMPSession session;
        try {
            session = JCSMPFactory.onlyInstance().createSession(properties(bound));
        } catch (JCSMPException e) {
            throw ActuatorFailure.fatal(
                    "JCSMP_INVALID_SETTINGS", "invalid JCSMP settings for " + settings.host() + ": " + reason(e));
        } catch (IllegalStateException e) {
            throw ActuatorFailure.fatal("CREDENTIAL_UNAVAILABLE", e.getMessage());
        }
        try {
            try {
                session.connect();
            } catch (JCSMPException e) {
                throw classify("connecting to " + settings.host() + " (VPN " + settings.vpn() + ")", e);
            }
            Queue queue = JCSMPFactory.onlyInstance().createQueue(settings.queue());
            FlowReceiver flow;
            try {
                flow = session.createFlow(
                        new XMLMessageListener() {
                            @Override
                            public void onReceive(BytesXMLMessage message) {
                                message.ackMessage(); // leftovers of earlier checks go too
                                if (token.equals(message.getApplicationMessageId())) {
                                    delivered.complete(null);
                                }
                            }

                            @Override
                            public void onException(JCSMPException e) {
                                delivered.completeExceptionally(e);
                            }
                        },
                        new ConsumerFlowProperties()
                                .setEndpoint(queue)
                                .setAckMode(JCSMPProperties.SUPPORTED_MESSAGE_ACK_CLIENT));
                flow.start();
            } catch (JCSMPException e) {
                throw classify("binding to queue " + settings.queue(), e);
            }
            XMLMessageProducer producer;
            try {
                producer = session.getMessageProducer(new JCSMPStreamingPublishCorrelatingEventHandler() {
                    @Override
                    public void responseReceivedEx(Object key) {
                        if (token.equals(key)) {
                            acknowledged.complete(null);
                        }
                    }

                    @Override
                    public void handleErrorEx(Object key, JCSMPException cause, long timestamp) {
                        if (token.equals(key)) {
                            acknowledged.completeExceptionally(cause);
                        }
                    }
                });
                BytesXMLMessage message = JCSMPFactory.onlyInstance().createMessage(BytesXMLMessage.class);
                message.setDeliveryMode(DeliveryMode.PERSISTENT);
                message.setApplicationMessageId(token);
                message.setCorrelationKey(token);
                message.writeAttachment(PAYLOAD);
                Destination destination = settings.topic() == null
                        ? queue
                        : JCSMPFactory.onlyInstance().createTopic(settings.topic());
                producer.send(message, destination);
            } catch (JCSMPException e) {
                throw classify("publishing to " + describe(), e);
            }
            await(
                    acknowledged,
                    deadline,
                    "the broker did not acknowledge the persistent message",
                    "publishing to " + describe());
            await(
                    delivered,
                    deadline,
                    "the message did not come back from queue " + settings.queue(),
                    "receiving from " + settings.queue());
            return Duration.ofNanos(System.nanoTime() - start);
        } finally {
            session.closeSession();
        }
    }

    private void await(CompletableFuture<Void> future, long deadline, String timeoutMessage, String step)
            throws ActuatorFailure, InterruptedException {
        try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw ActuatorFailure.retriable(
                    "DELIVERY_TIMEOUT", timeoutMessage + " within the bound (" + describe() + ")");
        } catch (ExecutionException e) {
            throw classify(step, e.getCause());
        }
    }

    private JCSMPProperties properties(Duration bound) {
        JCSMPProperties props = new JCSMPProperties();
        props.setProperty(JCSMPProperties.HOST, settings.host());
        props.setProperty(JCSMPProperties.VPN_NAME, settings.vpn());
        props.setProperty(JCSMPProperties.USERNAME, settings.username());
        props.setProperty(JCSMPProperties.PASSWORD, settings.password().read());
        props.setProperty(JCSMPProperties.APPLICATION_DESCRIPTION, "MRM aem-sync delivery check");
        // certificate, host name and dates are always verified; a private CA goes in the trust store
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE, true);
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE_HOST, true);
        props.setBooleanProperty(JCSMPProperties.SSL_VALIDATE_CERTIFICATE_DATE, true);
        if (settings.trustStore() != null) {
            props.setProperty(
                    JCSMPProperties.SSL_TRUST_STORE, settings.trustStore().toString());
            if (settings.trustStorePassword() != null) {
                props.setProperty(
                        JCSMPProperties.SSL_TRUST_STORE_PASSWORD,
                        settings.trustStorePassword().read());
            }
        }
        int connectMs = (int) Math.max(1, Math.min(settings.connectTimeout().toMillis(), bound.toMillis()));
        int readMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bound.toMillis()));
        JCSMPChannelProperties channel =
                (JCSMPChannelProperties) props.getProperty(JCSMPProperties.CLIENT_CHANNEL_PROPERTIES);
        channel.setConnectTimeoutInMillis(connectMs);
        channel.setReadTimeoutInMillis(readMs);
        // one attempt and no pause after it: the plan's retry policy decides about trying again
        channel.setConnectRetries(0);
        channel.setConnectRetriesPerHost(0);
        channel.setReconnectRetries(0);
        channel.setReconnectRetryWaitInMillis(0);
        return props;
    }

    /** Refusals by the broker that trying again will not fix are fatal; the rest (network, 5xx, timeouts) retriable. */
    static ActuatorFailure classify(String step, Throwable error) {
        if (error instanceof JCSMPErrorResponseException response) {
            int code = response.getResponseCode();
            String phrase = response.getResponsePhrase() == null ? "" : response.getResponsePhrase();
            String what = step + " refused: " + code + " " + phrase;
            if (code == 401) {
                return ActuatorFailure.fatal("JCSMP_LOGIN_FAILED", what);
            }
            if (code == 403) {
                return ActuatorFailure.fatal("JCSMP_FORBIDDEN", what);
            }
            if (phrase.toLowerCase(Locale.ROOT).contains("unknown queue")) {
                return ActuatorFailure.fatal("JCSMP_UNKNOWN_QUEUE", what);
            }
            return ActuatorFailure.of(code >= 500 || code == 429, "JCSMP_" + code, what, null);
        }
        return ActuatorFailure.retriable("JCSMP_UNAVAILABLE", step + " failed: " + reason(error));
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        String message = null;
        while (cause != null) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                message = cause.getMessage();
            }
            if (cause.getCause() == null || cause.getCause() == cause) {
                break;
            }
            cause = cause.getCause();
        }
        return message == null ? error.getClass().getSimpleName() : message;
    }
}
