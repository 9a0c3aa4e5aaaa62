package io.mrm.board.config;

import io.mrm.board.adapter.AuditReader;
import io.mrm.board.adapter.BoardController;
import io.mrm.board.adapter.BoardFeed;
import io.mrm.board.adapter.BoardFeedHealthIndicator;
import io.mrm.board.adapter.SseHub;
import io.mrm.board.domain.BoardState;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.kafka.MrmServiceProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the board: its in-memory view, the feed that fills it from the bus, the live pages, the audit reader and
 * the web pages. It only reads Kafka, assigning partitions itself, so it needs no consumer group: the read-only
 * {@code viewer} principal is enough.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StatusBoardProperties.class)
public class StatusBoardConfiguration {

    @Bean
    BoardState boardState(StatusBoardProperties props) {
        return new BoardState(props.recentLimit(), props.recentWindow(), props.maxApplications());
    }

    @Bean(destroyMethod = "close")
    SseHub sseHub(BoardState state, StatusBoardProperties props, Clock clock) {
        return new SseHub(state, props.maxClients(), props.heartbeat(), props.clientTimeout(), clock);
    }

    /**
     * History is old by nature: the board decodes with no age limit (the services' own inbound decoder would
     * refuse a compacted topology published days ago). Not a bean: the services' decoder stays the only one.
     */
    static InboundDecoder historyDecoder(TopicNames names, MrmServiceProperties service, Clock clock) {
        return new InboundDecoder(
                names, service.name(), new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)), clock);
    }

    @Bean
    BoardFeed boardFeed(
            KafkaProperties kafka,
            MrmServiceProperties service,
            TopicNames names,
            BoardState state,
            SseHub hub,
            StatusBoardProperties props,
            Clock clock) {
        return new BoardFeed(
                readerConfig(kafka, service, "feed"),
                names,
                historyDecoder(names, service, clock),
                state,
                hub::publish,
                props.recentWindow(),
                clock);
    }

    @Bean
    BoardFeedHealthIndicator boardFeedHealthIndicator(BoardFeed feed, BoardState state) {
        return new BoardFeedHealthIndicator(feed, state);
    }

    @Bean
    AuditReader auditReader(
            KafkaProperties kafka,
            MrmServiceProperties service,
            TopicNames names,
            StatusBoardProperties props,
            Clock clock) {
        return new AuditReader(
                readerConfig(kafka, service, "audit"),
                names,
                historyDecoder(names, service, clock),
                props.auditTimeout(),
                clock);
    }

    @Bean
    BoardController boardController(
            BoardState state, SseHub hub, AuditReader audits, StatusBoardProperties props, Clock clock) {
        return new BoardController(state, hub, audits, props.auditRange(), props.maxAuditRange(), clock);
    }

    /** A plain reader: assigned partitions, no group, no commits, committed records only. */
    static Map<String, Object> readerConfig(KafkaProperties kafka, MrmServiceProperties service, String purpose) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, service.name() + "-" + service.instance() + "-" + purpose);
        return config;
    }
}
