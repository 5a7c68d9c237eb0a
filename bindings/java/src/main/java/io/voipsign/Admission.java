package io.voipsign;

/**
 * The result of {@link Ledger#admit}: the seat granted or renewed. Immutable; the
 * getters are named after the fields of ROOMS.md, so Jackson serialises it to the same
 * JSON object as the other languages ({@code opened}, {@code roomsToday}, …).
 */
public final class Admission {
    /** The length of the native library's {@code long[]} form. */
    static final int FIELDS = 9;

    private final boolean opened;
    private final boolean renewed;
    private final int members;
    private final long generation;
    private final long roomsToday;
    private final long dailyRoomLimit;
    private final boolean quotaWarning;
    private final long leaseExpiresAt;
    private final boolean degraded;

    private Admission(long[] v) {
        opened = v[0] != 0;
        renewed = v[1] != 0;
        members = (int) v[2];
        generation = v[3];
        roomsToday = v[4];
        dailyRoomLimit = v[5];
        quotaWarning = v[6] != 0;
        leaseExpiresAt = v[7];
        degraded = v[8] != 0;
    }

    /**
     * From the native library's opened, renewed, members, generation, roomsToday,
     * dailyRoomLimit, quotaWarning, leaseExpiresAt, degraded (booleans as 0/1).
     */
    static Admission of(long[] values) {
        return new Admission(values);
    }

    /**
     * This call opened the room (it was not live) and was charged to today.
     *
     * @return whether the room was opened
     */
    public boolean isOpened() {
        return opened;
    }

    /**
     * The member already held a seat: its lease was refreshed, nothing charged.
     *
     * @return whether the seat was renewed
     */
    public boolean isRenewed() {
        return renewed;
    }

    /**
     * Live seats after the call.
     *
     * @return the number of members
     */
    public int getMembers() {
        return members;
    }

    /**
     * How many times this groupId was opened (or made live by {@code sync}) while the
     * store remembered it.
     *
     * @return the generation
     */
    public long getGeneration() {
        return generation;
    }

    /**
     * Openings charged to the appId on the day of the call.
     *
     * @return today's rooms
     */
    public long getRoomsToday() {
        return roomsToday;
    }

    /**
     * The daily limit of openings.
     *
     * @return the limit
     */
    public long getDailyRoomLimit() {
        return dailyRoomLimit;
    }

    /**
     * {@code roomsToday >= dailyRoomWarning}.
     *
     * @return whether the quota is nearly used up
     */
    public boolean isQuotaWarning() {
        return quotaWarning;
    }

    /**
     * The member's lease expiry, Unix ms (exclusive).
     *
     * @return the expiry
     */
    public long getLeaseExpiresAt() {
        return leaseExpiresAt;
    }

    /**
     * The store could not be reached and {@code onUnavailable = allow} admitted anyway:
     * nothing was counted.
     *
     * @return whether the admission is degraded
     */
    public boolean isDegraded() {
        return degraded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Admission && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "Admission{opened=" + opened + ", renewed=" + renewed + ", members=" + members
                + ", generation=" + generation + ", roomsToday=" + roomsToday + ", dailyRoomLimit="
                + dailyRoomLimit + ", quotaWarning=" + quotaWarning + ", leaseExpiresAt="
                + leaseExpiresAt + ", degraded=" + degraded + "}";
    }
}
