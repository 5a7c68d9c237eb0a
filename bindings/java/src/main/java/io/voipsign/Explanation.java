package io.voipsign;

/** What a {@code wx.joinVoIPChat} failure means and what to do about it. Immutable. */
public final class Explanation {
    /** The cause of a {@code wx.joinVoIPChat} failure. */
    public enum Cause {
        /** -1: the user is already in the room. */
        ALREADY_IN_ROOM,
        /** -2: the microphone is busy (a WeChat or phone call). */
        DEVICE_BUSY,
        /** -3: the user left while joining. */
        JOIN_INTERRUPTED,
        /** -1000 with nothing more specific inside. */
        SYSTEM_ERROR,
        /** -12020, or "invalid signature" anywhere in errMsg. */
        INVALID_SIGNATURE,
        /** -13000: the mini program's daily room quota is used up. */
        DAILY_ROOM_LIMIT,
        /** Nothing known. */
        UNKNOWN
    }

    private final Cause cause;
    private final String meaning;
    private final String action;

    private Explanation(String[] fields) {
        this.cause = Cause.valueOf(fields[0]);
        this.meaning = fields[1];
        this.action = fields[2];
    }

    /** From the native library's {cause, meaning, action}. */
    static Explanation of(String[] fields) {
        return new Explanation(fields);
    }

    /**
     * The cause.
     *
     * @return the cause
     */
    public Cause getCause() {
        return cause;
    }

    /**
     * What happened.
     *
     * @return one or two sentences
     */
    public String getMeaning() {
        return meaning;
    }

    /**
     * What to do.
     *
     * @return one or two sentences
     */
    public String getAction() {
        return action;
    }

    @Override
    public String toString() {
        return "Explanation{cause=" + cause + ", meaning=" + meaning + ", action=" + action + "}";
    }
}
