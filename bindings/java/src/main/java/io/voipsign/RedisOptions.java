package io.voipsign;

/**
 * Connection settings of a {@link Ledger#redis(String, Rules, RedisOptions) Redis ledger}.
 * Immutable; made with {@link #builder()}. Out-of-range values are refused by the core
 * when the ledger is made ({@code INVALID_RULES}).
 */
public final class RedisOptions {
    private final long connectTimeoutMs;
    private final long commandTimeoutMs;
    private final String keyPrefix;

    private RedisOptions(Builder b) {
        this.connectTimeoutMs = b.connectTimeoutMs;
        this.commandTimeoutMs = b.commandTimeoutMs;
        this.keyPrefix = b.keyPrefix;
    }

    /**
     * A builder holding the defaults (250 ms, 250 ms, {@code "voipsign"}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults: 250 ms to connect, 250 ms a command, keys under {@code voipsign}.
     *
     * @return the default options
     */
    public static RedisOptions defaults() {
        return new Builder().build();
    }

    /**
     * Opening a connection (TCP, TLS, AUTH), ms, 1–60,000.
     *
     * @return the connect timeout (default 250)
     */
    public long getConnectTimeoutMs() {
        return connectTimeoutMs;
    }

    /**
     * Each operation (one script run), ms, 1–60,000.
     *
     * @return the command timeout (default 250)
     */
    public long getCommandTimeoutMs() {
        return commandTimeoutMs;
    }

    /**
     * The first part of every key: ledgers with different prefixes on one server are
     * independent (staging and production, tests). 1–64 bytes of printable ASCII
     * without braces.
     *
     * @return the key prefix (default {@code "voipsign"})
     */
    public String getKeyPrefix() {
        return keyPrefix;
    }

    @Override
    public String toString() {
        return "RedisOptions{connectTimeoutMs=" + connectTimeoutMs + ", commandTimeoutMs=" + commandTimeoutMs
                + ", keyPrefix=" + keyPrefix + "}";
    }

    /** Builds {@link RedisOptions}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private long connectTimeoutMs = 250;
        private long commandTimeoutMs = 250;
        private String keyPrefix = "voipsign";

        private Builder() {}

        /**
         * Opening a connection, ms, 1–60,000.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder connectTimeoutMs(long value) {
            connectTimeoutMs = value;
            return this;
        }

        /**
         * Each operation, ms, 1–60,000.
         *
         * @param value the timeout
         * @return this builder
         */
        public Builder commandTimeoutMs(long value) {
            commandTimeoutMs = value;
            return this;
        }

        /**
         * The first part of every key.
         *
         * @param value 1–64 bytes of printable ASCII without braces
         * @return this builder
         */
        public Builder keyPrefix(String value) {
            keyPrefix = Args.notNull(value, "keyPrefix");
            return this;
        }

        /**
         * The options (checked when a ledger is made with them).
         *
         * @return the options
         */
        public RedisOptions build() {
            return new RedisOptions(this);
        }
    }
}
