package io.mrm.board;

import io.mrm.kafka.MrmApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** status-board: a read-only web page of every application's state, live, with each run's audit. */
@SpringBootApplication
public class StatusBoardApplication {

    public static final String SERVICE = "status-board";

    public static void main(String[] args) {
        MrmApplication.run(StatusBoardApplication.class, SERVICE, args);
    }
}
