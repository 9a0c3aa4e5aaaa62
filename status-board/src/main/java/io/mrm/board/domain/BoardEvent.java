package io.mrm.board.domain;

/**
 * One server-sent event of the board: an application changed, and here is its card again.
 *
 * @param id   the board's change counter at the change (the event's id)
 * @param name the event's name ({@value #APPLICATION})
 * @param data JSON: {@code {"application": ..., "version": ..., "html": ...}}
 */
public record BoardEvent(long id, String name, String data) {

    public static final String APPLICATION = "application";

    /** The event for an application's new board. */
    public static BoardEvent of(ApplicationBoard board) {
        String data = "{\"application\":" + Html.json(board.application()) + ",\"version\":" + board.version()
                + ",\"html\":" + Html.json(ApplicationCard.render(board)) + "}";
        return new BoardEvent(board.version(), APPLICATION, data);
    }
}
