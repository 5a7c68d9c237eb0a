package io.voipsign;

/** What the room ledger does when its store cannot be reached. */
public enum OnUnavailable {
    /**
     * Admit anyway, flagged {@link Admission#isDegraded() degraded} (the default: WeChat
     * still enforces its own rules; a ledger outage should not lock users out).
     */
    ALLOW("allow"),
    /** Refuse with {@code LEDGER_UNAVAILABLE}. */
    REFUSE("refuse");

    private final String wireName;

    OnUnavailable(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The setting's name in every language's rules.
     *
     * @return {@code "allow"} or {@code "refuse"}
     */
    public String wireName() {
        return wireName;
    }
}
