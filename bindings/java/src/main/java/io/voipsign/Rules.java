package io.voipsign;

/**
 * The rules a {@link Ledger} enforces (docs/ROOMS.md). Immutable; made with
 * {@link #builder()}. Out-of-range values are refused by the core when the ledger is
 * made ({@code INVALID_RULES}), not clamped: WeChat would refuse what the ledger allowed.
 *
 * <pre>{@code
 * Rules rules = Rules.builder().capacity(4).onUnavailable(OnUnavailable.REFUSE).build();
 * }</pre>
 *
 * <p>The getters follow the Java names of ROOMS.md ({@code capacity}, {@code dailyRoomLimit},
 * …), so the rules bind from Spring properties through the builder.
 */
public final class Rules {
    private final long capacity;
    private final long dailyRoomLimit;
    private final Long dailyRoomWarning;
    private final long reserveTtlMs;
    private final long leaseTtlMs;
    private final Long syncGraceMs;
    private final long dayOffsetMinutes;
    private final String onUnavailable;

    private Rules(Builder b) {
        this.capacity = b.capacity;
        this.dailyRoomLimit = b.dailyRoomLimit;
        this.dailyRoomWarning = b.dailyRoomWarning;
        this.reserveTtlMs = b.reserveTtlMs;
        this.leaseTtlMs = b.leaseTtlMs;
        this.syncGraceMs = b.syncGraceMs;
        this.dayOffsetMinutes = b.dayOffsetMinutes;
        this.onUnavailable = b.onUnavailable;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * WeChat's rules with the default leases: 10 seats, 100,000 rooms a day, a warning
     * at 90 %, a 60 s reservation, 45 s leases, days in UTC+8, admit when unavailable.
     *
     * @return the default rules
     */
    public static Rules defaults() {
        return new Builder().build();
    }

    /**
     * Seats per room, 1–10.
     *
     * @return the capacity (default 10)
     */
    public long getCapacity() {
        return capacity;
    }

    /**
     * Rooms an appId may open per day, 1–100,000.
     *
     * @return the limit (default 100,000)
     */
    public long getDailyRoomLimit() {
        return dailyRoomLimit;
    }

    /**
     * From this many openings on, admissions report {@link Admission#isQuotaWarning()}.
     *
     * @return the warning, or {@code null} for the default (90 % of the limit, rounded down)
     */
    public Long getDailyRoomWarning() {
        return dailyRoomWarning;
    }

    /**
     * The lease of a new seat, ms (time for the phone to join), 1,000–3,600,000.
     *
     * @return the reservation (default 60,000)
     */
    public long getReserveTtlMs() {
        return reserveTtlMs;
    }

    /**
     * The lease after each heartbeat or sync, ms, 1,000–3,600,000.
     *
     * @return the lease (default 45,000)
     */
    public long getLeaseTtlMs() {
        return leaseTtlMs;
    }

    /**
     * A seat younger than this is never removed by {@code sync}, ms, 0–3,600,000.
     *
     * @return the grace, or {@code null} for the default (the reservation)
     */
    public Long getSyncGraceMs() {
        return syncGraceMs;
    }

    /**
     * The UTC offset of the calendar day that quotas count, minutes, −720–840.
     *
     * @return the offset (default 480: Beijing time)
     */
    public long getDayOffsetMinutes() {
        return dayOffsetMinutes;
    }

    /**
     * What the ledger does when its store cannot be reached, by name.
     *
     * @return {@code "allow"} (default) or {@code "refuse"} (or the name given to
     *     {@link Builder#onUnavailable(String)}, checked by the core)
     */
    public String getOnUnavailable() {
        return onUnavailable;
    }

    /** The seven numbers in the native library's order. */
    long[] numbers() {
        return new long[] {capacity, dailyRoomLimit, dailyRoomWarning == null ? 0 : dailyRoomWarning,
            reserveTtlMs, leaseTtlMs, syncGraceMs == null ? 0 : syncGraceMs, dayOffsetMinutes};
    }

    /** Rules in force, from the native library's eight numbers. */
    static Rules ofLimits(long[] l) {
        return new Builder().capacity(l[0]).dailyRoomLimit(l[1]).dailyRoomWarning(l[2]).reserveTtlMs(l[3])
                .leaseTtlMs(l[4]).syncGraceMs(l[5]).dayOffsetMinutes(l[6])
                .onUnavailable(l[7] == 0 ? OnUnavailable.ALLOW : OnUnavailable.REFUSE).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rules && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** {@code Rules{capacity=10, dailyRoomLimit=100000, …}}. */
    @Override
    public String toString() {
        return "Rules{capacity=" + capacity + ", dailyRoomLimit=" + dailyRoomLimit
                + ", dailyRoomWarning=" + dailyRoomWarning + ", reserveTtlMs=" + reserveTtlMs
                + ", leaseTtlMs=" + leaseTtlMs + ", syncGraceMs=" + syncGraceMs
                + ", dayOffsetMinutes=" + dayOffsetMinutes + ", onUnavailable=" + onUnavailable + "}";
    }

    /** Builds {@link Rules}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private long capacity = 10;
        private long dailyRoomLimit = 100_000;
        private Long dailyRoomWarning;
        private long reserveTtlMs = 60_000;
        private long leaseTtlMs = 45_000;
        private Long syncGraceMs;
        private long dayOffsetMinutes = 480;
        private String onUnavailable = OnUnavailable.ALLOW.wireName();

        private Builder() {}

        /**
         * Seats per room, 1–10.
         *
         * @param value the capacity
         * @return this builder
         */
        public Builder capacity(long value) {
            capacity = value;
            return this;
        }

        /**
         * Rooms an appId may open per day, 1–100,000.
         *
         * @param value the limit
         * @return this builder
         */
        public Builder dailyRoomLimit(long value) {
            dailyRoomLimit = value;
            return this;
        }

        /**
         * Openings from which admissions report a quota warning, 0–dailyRoomLimit.
         *
         * @param value the warning, or {@code null} for 90 % of the limit
         * @return this builder
         */
        public Builder dailyRoomWarning(Long value) {
            dailyRoomWarning = value;
            return this;
        }

        /**
         * The lease of a new seat, ms, 1,000–3,600,000.
         *
         * @param value the reservation
         * @return this builder
         */
        public Builder reserveTtlMs(long value) {
            reserveTtlMs = value;
            return this;
        }

        /**
         * The lease after each heartbeat or sync, ms, 1,000–3,600,000.
         *
         * @param value the lease
         * @return this builder
         */
        public Builder leaseTtlMs(long value) {
            leaseTtlMs = value;
            return this;
        }

        /**
         * The youngest seat {@code sync} may remove, ms, 0–3,600,000.
         *
         * @param value the grace, or {@code null} for the reservation
         * @return this builder
         */
        public Builder syncGraceMs(Long value) {
            syncGraceMs = value;
            return this;
        }

        /**
         * The UTC offset of the quota day, minutes, −720–840.
         *
         * @param value the offset
         * @return this builder
         */
        public Builder dayOffsetMinutes(long value) {
            dayOffsetMinutes = value;
            return this;
        }

        /**
         * What the ledger does when its store cannot be reached.
         *
         * @param value allow or refuse
         * @return this builder
         */
        public Builder onUnavailable(OnUnavailable value) {
            onUnavailable = Args.notNull(value, "onUnavailable").wireName();
            return this;
        }

        /**
         * The same by name, as a configuration file has it; any other name than
         * {@code "allow"} or {@code "refuse"} is refused by the core when the ledger is
         * made ({@code INVALID_RULES}).
         *
         * @param name {@code "allow"} or {@code "refuse"}
         * @return this builder
         */
        public Builder onUnavailable(String name) {
            onUnavailable = Args.notNull(name, "onUnavailable");
            return this;
        }

        /**
         * The rules (checked when a ledger is made with them).
         *
         * @return the rules
         */
        public Rules build() {
            return new Rules(this);
        }
    }
}
