package io.voipsign;

/** The kind of room {@code wx.joinVoIPChat} joins. */
public enum RoomType {
    /** Audio only: {@code "voice"} (the default). */
    VOICE("voice"),
    /** Audio and video: {@code "video"}. */
    VIDEO("video");

    private final String wireName;

    RoomType(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The value {@code wx.joinVoIPChat} takes.
     *
     * @return {@code "voice"} or {@code "video"}
     */
    public String wireName() {
        return wireName;
    }

    /** The wire name, as {@link #wireName()}. */
    @Override
    public String toString() {
        return wireName;
    }
}
