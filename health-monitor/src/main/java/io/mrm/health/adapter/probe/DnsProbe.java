package io.mrm.health.adapter.probe;

import io.mrm.events.Require;
import io.mrm.health.domain.DnsAnswerRule;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Resolves the application's custom domain (an A query, so CNAMEs come along) through one configured
 * resolver with dnsjava's asynchronous client, and reports which region the answer points at (see
 * {@link DnsAnswerRule}). This is how the health monitor verifies that a DNS switch took effect — from
 * every vantage point, through the resolver that vantage point's users would ask.
 */
public final class DnsProbe implements Probe {

    /**
     * @param domain   the custom domain, e.g. {@code orders.example.com}
     * @param resolver the DNS server to ask (UDP, falling back to TCP for truncated answers)
     * @param timeout  bound on the query
     */
    public record Settings(String domain, InetSocketAddress resolver, Duration timeout) {

        public Settings {
            Require.text("domain", domain);
            Require.present("resolver", resolver);
            Require.present("timeout", timeout);
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            name(domain);
        }

        Name name() {
            return name(domain);
        }

        private static Name name(String domain) {
            try {
                return Name.fromString(domain.trim(), Name.root);
            } catch (TextParseException e) {
                throw new IllegalArgumentException("domain '" + domain + "' is not a DNS name: " + e.getMessage());
            }
        }
    }

    private final Settings settings;
    private final DnsAnswerRule rule;
    private final SimpleResolver resolver;
    private final Name name;
    private final LongSupplier nanoTime;

    public DnsProbe(Settings settings, DnsAnswerRule rule) {
        this(settings, rule, System::nanoTime);
    }

    DnsProbe(Settings settings, DnsAnswerRule rule, LongSupplier nanoTime) {
        this.settings = settings;
        this.rule = rule;
        this.name = settings.name();
        this.nanoTime = nanoTime;
        this.resolver = new SimpleResolver(settings.resolver());
        this.resolver.setTimeout(settings.timeout());
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public CompletionStage<ProbeResult> probe() {
        long start = nanoTime.getAsLong();
        CompletableFuture<Message> answer;
        try {
            Message query = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
            answer = resolver.sendAsync(query).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(ProbeResult.down(elapsed(start), failure(e)));
        }
        return answer.handle((response, error) -> error == null
                        ? judge(response, elapsed(start))
                        : ProbeResult.down(elapsed(start), failure(error)))
                // dnsjava enforces the timeout itself; this bound only guards against a lost completion
                .orTimeout(settings.timeout().toMillis() + 500, TimeUnit.MILLISECONDS)
                .exceptionally(error -> ProbeResult.down(elapsed(start), failure(error)));
    }

    private ProbeResult judge(Message response, Duration latency) {
        int rcode = response.getRcode();
        if (rcode != Rcode.NOERROR) {
            return ProbeResult.down(
                    latency, resolverLabel() + " answered " + Rcode.string(rcode) + " for " + settings.domain());
        }
        List<String> answers = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record instanceof CNAMERecord cname) {
                answers.add("CNAME " + cname.getTarget());
            } else if (record instanceof ARecord a) {
                answers.add("A " + a.getAddress().getHostAddress());
            } else if (record instanceof AAAARecord aaaa) {
                answers.add("AAAA " + aaaa.getAddress().getHostAddress());
            }
        }
        return rule.judge(settings.domain(), answers, latency);
    }

    private String failure(Throwable error) {
        Throwable cause = Failures.unwrap(error);
        if (cause instanceof TimeoutException
                || cause instanceof java.net.SocketTimeoutException
                || Failures.message(cause).toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
            return "DNS timeout: " + resolverLabel() + " gave no answer for " + settings.domain() + " within "
                    + settings.timeout().toMillis() + " ms";
        }
        return "DNS query to " + resolverLabel() + " for " + settings.domain() + " failed: " + Failures.message(cause);
    }

    private String resolverLabel() {
        InetSocketAddress r = settings.resolver();
        return "resolver "
                + (r.getAddress() == null ? r.getHostString() : r.getAddress().getHostAddress()) + ":" + r.getPort();
    }

    private Duration elapsed(long start) {
        return Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - start));
    }
}
