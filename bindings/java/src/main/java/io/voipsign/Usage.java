package io.voipsign;

/** Openings of one day ({@link Ledger#usage}). Immutable. */
public final class Usage {
    private final long day;
    private final long rooms;
    private final long dailyRoomLimit;

    private Usage(long[] v) {
        day = v[0];
        rooms = v[1];
        dailyRoomLimit = v[2];
    }

    /** From the native library's day, rooms, dailyRoomLimit. */
    static Usage of(long[] values) {
        return new Usage(values);
    }

    /**
     * The day: days since 1970-01-01 in the rules' UTC offset.
     *
     * @return the day
     */
    public long getDay() {
        return day;
    }

    /**
     * Openings charged that day.
     *
     * @return the rooms opened
     */
    public long getRooms() {
        return rooms;
    }

    /**
     * The daily limit.
     *
     * @return the limit
     */
    public long getDailyRoomLimit() {
        return dailyRoomLimit;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Usage)) {
            return false;
        }
        Usage u = (Usage) o;
        return u.day == day && u.rooms == rooms && u.dailyRoomLimit == dailyRoomLimit;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(day) * 31 + Long.hashCode(rooms) * 7 + Long.hashCode(dailyRoomLimit);
    }

    @Override
    public String toString() {
        return "Usage{day=" + day + ", rooms=" + rooms + ", dailyRoomLimit=" + dailyRoomLimit + "}";
    }
}
