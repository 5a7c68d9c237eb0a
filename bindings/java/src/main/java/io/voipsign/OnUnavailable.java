package io.voipsign;

/** What a ledger operation does when its store cannot be reached ({@link Rules#getOnUnavailable()}). */
public enum OnUnavailable {
    /** Admit anyway, flagged {@link Admission#isDegraded() degraded} (the default). */
    ALLOW("allow"),
    /** Refuse with {@code LEDGER_UNAVAILABLE} ({@link OutageException}). */
    REFUSE("refuse");

    private final String wireName;

    OnUnavailable(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name the core and the other languages use.
     *
     * @return {@code "allow"} or {@code "refuse"}
     */
    public String wireName() {
        return wireName;
    }

    /** The wire name, as {@link #wireName()}. */
    @Override
    public String toString() {
        return wireName;
    }

    /** The value, or the value of a wire name; {@code null} for anything else. */
    static OnUnavailable of(Object value) {
        for (OnUnavailable o : values()) {
            if (o == value || o.wireName.equals(value)) {
                return o;
            }
        }
        return null;
    }
}
