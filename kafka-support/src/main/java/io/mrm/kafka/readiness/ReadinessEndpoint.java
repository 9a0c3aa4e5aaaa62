package io.mrm.kafka.readiness;

import io.mrm.events.readiness.ReadinessReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * Readiness on demand, on the service's management port: {@code GET /actuator/mrmreadiness} shows the last
 * round's reports, {@code POST} runs a round now and publishes it (as the interval would). Rounds asked for
 * faster than {@link #MIN_GAP} get the last one back instead, so a script in a loop cannot hammer the
 * backends the checks read.
 */
@Endpoint(id = "mrmreadiness")
public class ReadinessEndpoint {

    static final Duration MIN_GAP = Duration.ofSeconds(10);

    private final ReadinessPublisher publisher;
    private final Clock clock;
    private Instant lastRound;
    private List<ReadinessReport> last = List.of();

    public ReadinessEndpoint(ReadinessPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @ReadOperation
    public synchronized Map<String, Object> lastRound() {
        return view(false);
    }

    @WriteOperation
    public synchronized Map<String, Object> checkNow() {
        Instant now = clock.instant();
        if (lastRound != null && Duration.between(lastRound, now).compareTo(MIN_GAP) < 0) {
            return view(false);
        }
        last = publisher.checkAll();
        lastRound = clock.instant();
        return view(true);
    }

    private Map<String, Object> view(boolean fresh) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ranNow", fresh);
        out.put("lastRound", lastRound == null ? null : lastRound.toString());
        out.put("reports", last);
        return out;
    }
}
