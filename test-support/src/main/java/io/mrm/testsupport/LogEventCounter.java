package io.mrm.testsupport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.slf4j.LoggerFactory;

/**
 * Counts every log event a service writes, by logger: the tests that a service does not flood its log (an
 * unreachable broker once made Kafka's clients write tens of thousands of lines a minute). Attach it once the
 * service's logging is set up (Spring Boot resets logback first: from an {@code ApplicationPreparedEvent}
 * listener), and close it to detach.
 */
public final class LogEventCounter extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final AtomicInteger events = new AtomicInteger();
    private final Map<String, AtomicInteger> byLogger = new ConcurrentHashMap<>();

    @Override
    protected void append(ILoggingEvent event) {
        events.incrementAndGet();
        byLogger.computeIfAbsent(event.getLoggerName(), n -> new AtomicInteger())
                .incrementAndGet();
    }

    /** Joins the root logger of the logging set up now. */
    public void attach() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(logging);
        start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    /** Forgets what was counted so far (e.g. start-up, before the broker goes away). */
    public void reset() {
        events.set(0);
        byLogger.clear();
    }

    public int count() {
        return events.get();
    }

    /** The counts by logger, sorted: what a failure message shows. */
    public Map<String, Integer> byLogger() {
        Map<String, Integer> counts = new TreeMap<>();
        byLogger.forEach((logger, count) -> counts.put(logger, count.get()));
        return counts;
    }

    /**
     * Waits {@code window} and fails as soon as more than {@code max} events were counted, so a flood fails within a
     * second or two; then fails if none was counted at all (the service's clients must have noticed).
     */
    public void assertAtMostDuring(int max, Duration window) {
        Awaitility.await("at most " + max + " log events for " + window.toSeconds() + " s")
                .during(window)
                .atMost(window.plusSeconds(10))
                .until(() -> {
                    if (count() > max) {
                        throw new AssertionError(count() + " log events, more than " + max + ": " + byLogger());
                    }
                    return true;
                });
        if (count() == 0) {
            throw new AssertionError("no log event at all: the service's clients did not notice the broker go");
        }
    }

    @Override
    public void close() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
