package io.voipsign;

/** A member's seat in a room. Immutable. */
public final class Seat {
    private final String memberId;
    private final long since;
    private final long expires;

    Seat(String memberId, long since, long expires) {
        this.memberId = memberId;
        this.since = since;
        this.expires = expires;
    }

    /**
     * The member id (openid).
     *
     * @return the member id
     */
    public String getMemberId() {
        return memberId;
    }

    /**
     * When the seat was granted or adopted, Unix ms (renewals keep it).
     *
     * @return the time
     */
    public long getSince() {
        return since;
    }

    /**
     * When the lease ends, Unix ms (exclusive: live while {@code now < expires}).
     *
     * @return the time
     */
    public long getExpires() {
        return expires;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Seat)) {
            return false;
        }
        Seat s = (Seat) o;
        return s.memberId.equals(memberId) && s.since == since && s.expires == expires;
    }

    @Override
    public int hashCode() {
        return memberId.hashCode() * 31 + Long.hashCode(since) * 17 + Long.hashCode(expires);
    }

    @Override
    public String toString() {
        return "Seat{memberId=" + memberId + ", since=" + since + ", expires=" + expires + "}";
    }
}
