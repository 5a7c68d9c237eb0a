package io.voipsign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ledger.rooms (pages of live rooms), the day counters of usage, and the member limit (issue 23). */
class RoomsPageTest {
    private static final String APP = "wx20afc706a711eefc";
    private static final long NOW = 1_796_083_200_000L;

    @Test
    void pagesFollowNextInByteOrder() {
        try (Ledger ledger = Ledger.memory()) {
            for (String g : new String[] {"b", "a", "é", "B"}) {
                ledger.admit(APP, g, "openid-1", NOW);
            }
            List<String> seen = new ArrayList<>();
            String after = null;
            do {
                RoomPage page = ledger.rooms(APP, 1, after, NOW + 1);
                assertEquals(1, page.getRooms().size());
                RoomSummary r = page.getRooms().get(0);
                assertEquals(1, r.getSeats());
                assertEquals(10, r.getCapacity());
                assertEquals(NOW, r.getOpenedAt());
                seen.add(r.getGroupId());
                after = page.getNext();
            } while (after != null);
            assertEquals(java.util.Arrays.asList("B", "a", "b", "é"), seen);
            assertNull(ledger.rooms(APP, 100, null, NOW + 2).getNext());
            assertEquals(4, ledger.rooms(APP, 100, null, NOW + 2).getRooms().size());
            assertEquals(0, ledger.rooms(APP).getRooms().size()); // now: their leases ended long ago
        }
    }

    @Test
    void badPagesAreInputErrors() {
        try (Ledger ledger = Ledger.memory()) {
            InputException zero = assertThrows(InputException.class, () -> ledger.rooms(APP, 0, null));
            assertEquals(Code.INVALID_LIMIT, zero.code());
            assertTrue(zero instanceof IllegalArgumentException);
            assertEquals(Code.INVALID_LIMIT, assertThrows(InputException.class, () -> ledger.rooms(APP, -1, null)).code());
            assertEquals(Code.INVALID_LIMIT, assertThrows(InputException.class, () -> ledger.rooms(APP, 1001, null)).code());
            InputException after = assertThrows(InputException.class, () -> ledger.rooms(APP, 1, ""));
            assertEquals(Code.INVALID_GROUP_ID, after.code());
            assertTrue(after.getMessage().contains("after"), after.getMessage());
            assertEquals(Code.INVALID_APP_ID, assertThrows(InputException.class, () -> ledger.rooms("", 0, "")).code());
        }
    }

    @Test
    void theMemberLimitIsARefusalAndTheCountersSayIt() {
        try (Ledger ledger = Ledger.memory(Rules.builder().memberDailyOpenings(1).build())) {
            assertTrue(ledger.admit(APP, "r1", "spammer", NOW).isOpened());
            RefusalException e = assertThrows(RefusalException.class, () -> ledger.admit(APP, "r2", "spammer", NOW + 1));
            assertEquals(Code.MEMBER_DAILY_LIMIT, e.code());
            assertFalse(((Object) e) instanceof IllegalArgumentException);
            assertTrue(e.getMessage().contains("one member may open in a day (1)"), e.getMessage());
            ledger.admit(APP, "r1", "openid-2", NOW + 2); // joining a live room is never refused
            Usage u = ledger.usage(APP, null, NOW + 3);
            assertEquals(1, u.getOpenings());
            assertEquals(2, u.getAdmissions());
            assertEquals(1, u.getRefusedMemberLimit());
            assertEquals(Long.valueOf(1), u.getLiveRooms());
            assertEquals(Long.valueOf(2), u.getLiveSeats());
            assertEquals(2, u.getPeakSeats());
            Usage yesterday = ledger.usage(APP, u.getDay() - 1, NOW + 3);
            assertNull(yesterday.getLiveRooms());
            assertNull(yesterday.getLiveSeats());
        }
    }
}
