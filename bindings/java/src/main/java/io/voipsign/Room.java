package io.voipsign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A room as the ledger sees it ({@link Ledger#room}, {@link Ledger#sync}). Immutable. */
public final class Room {
    private final List<Seat> members;
    private final long generation;
    private final boolean live;

    private Room(long[] numbers, String[] ids) {
        List<Seat> seats = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            seats.add(new Seat(ids[i], numbers[2 + 2 * i], numbers[3 + 2 * i]));
        }
        this.members = Collections.unmodifiableList(seats);
        this.generation = numbers[0];
        this.live = numbers[1] != 0;
    }

    /**
     * From the native library's {long[] {generation, live, since, expires, ...}, String[] memberIds}.
     */
    static Room of(Object[] parts) {
        return new Room((long[]) parts[0], (String[]) parts[1]);
    }

    /**
     * The live seats, sorted by member id (byte order).
     *
     * @return an unmodifiable list
     */
    public List<Seat> getMembers() {
        return members;
    }

    /**
     * How many times the room became live (0: never seen).
     *
     * @return the generation
     */
    public long getGeneration() {
        return generation;
    }

    /**
     * Whether at least one seat is live.
     *
     * @return whether the room is live
     */
    public boolean isLive() {
        return live;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Room)) {
            return false;
        }
        Room r = (Room) o;
        return r.members.equals(members) && r.generation == generation && r.live == live;
    }

    @Override
    public int hashCode() {
        return members.hashCode() * 31 + Long.hashCode(generation) + (live ? 1 : 0);
    }

    @Override
    public String toString() {
        return "Room{members=" + members + ", generation=" + generation + ", live=" + live + "}";
    }
}
