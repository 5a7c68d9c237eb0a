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
            assertEquals("limit is 0; it must be 1-1000 rooms per page", zero.getMessage());
            // A negative int is named as given (core's check_limit), never wrapped to a u32.
            for (int bad : new int[] {-1, 1001, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                InputException e = assertThrows(InputException.class, () -> ledger.rooms(APP, bad, null, NOW));
                assertEquals(Code.INVALID_LIMIT, e.code());
                assertEquals("limit is " + bad + "; it must be 1-1000 rooms per page", e.getMessage());
            }
            assertEquals(0, ledger.rooms(APP, 1, null, NOW).getRooms().size());
            assertEquals(0, ledger.rooms(APP, 1000, null, NOW).getRooms().size());
            InputException after = assertThrows(InputException.class, () -> ledger.rooms(APP, 1, ""));
            assertEquals(Code.INVALID_GROUP_ID, after.code());
            assertTrue(after.getMessage().startsWith("after"), after.getMessage());
            // The contract's order: appId, limit, after.
            assertEquals(Code.INVALID_APP_ID, assertThrows(InputException.class, () -> ledger.rooms("", 0, "")).code());
            assertEquals(Code.INVALID_APP_ID, assertThrows(InputException.class, () -> ledger.rooms("", -1, "")).code());
            assertEquals(Code.INVALID_LIMIT, assertThrows(InputException.class, () -> ledger.rooms(APP, -1, "")).code());
            // Reading comes first: a lone surrogate in after, before the bad appId and limit.
            InputException utf = assertThrows(InputException.class, () -> ledger.rooms("", -1, "\uD800"));
            assertEquals(Code.INVALID_UTF8, utf.code());
            assertEquals("after contains a lone surrogate, which has no UTF-8 form", utf.getMessage());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> ledger.rooms(null, 1, null));
            assertEquals("appId is null", npe.getMessage());
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
            assertEquals(0, yesterday.getOpenings());
            // The next UTC+8 day: the member may open a room again.
            assertTrue(ledger.admit(APP, "r3", "spammer", NOW + 86_400_000L).isOpened());
        }
    }

    @Test
    void theNewCodesHaveTheirKinds() {
        assertEquals(Code.Kind.REFUSAL, Code.MEMBER_DAILY_LIMIT.kind());
        assertEquals(21, Code.MEMBER_DAILY_LIMIT.number());
        assertEquals(Code.Kind.INPUT, Code.INVALID_LIMIT.kind());
        assertEquals(22, Code.INVALID_LIMIT.number());
        // A RefusalException is no IllegalArgumentException; an InputException is one.
        Object refusal = new RefusalException(Code.MEMBER_DAILY_LIMIT, "m");
        assertFalse(refusal instanceof IllegalArgumentException);
        assertTrue(refusal instanceof VoipSignError);
        Object input = new InputException(Code.INVALID_LIMIT, "m");
        assertTrue(input instanceof IllegalArgumentException);
        assertEquals(Code.INVALID_LIMIT, ((VoipSignError) input).code());
        // A catch of IllegalArgumentException around input handling never swallows the member limit.
        try (Ledger ledger = Ledger.memory(Rules.builder().memberDailyOpenings(1).build())) {
            ledger.admit(APP, "r1", "m", NOW);
            RefusalException e = assertThrows(RefusalException.class, () -> {
                try {
                    ledger.admit(APP, "r2", "m", NOW);
                } catch (IllegalArgumentException bad) {
                    throw new AssertionError("a refusal caught as a bad argument", bad);
                }
            });
            assertEquals("MEMBER_DAILY_LIMIT", e.codeName());
        }
    }

    @Test
    void theMemberLimitIsARuleInForce() {
        try (Ledger defaults = Ledger.memory()) {
            assertEquals(Long.valueOf(100), defaults.getRules().getMemberDailyOpenings());
        }
        try (Ledger off = Ledger.memory(Rules.builder().memberDailyOpenings(0).build())) {
            assertEquals(Long.valueOf(0), off.getRules().getMemberDailyOpenings());
            for (int i = 0; i < 150; i++) {
                assertTrue(off.admit(APP, "room-" + i, "m", NOW).isOpened()); // 0: no limit
            }
            assertEquals(150, off.usage(APP, null, NOW).getOpenings());
        }
        for (long bad : new long[] {-1, 100_001}) {
            InputException e = assertThrows(InputException.class,
                    () -> Ledger.memory(Rules.builder().memberDailyOpenings(bad).build()));
            assertEquals(Code.INVALID_RULES, e.code());
            assertTrue(e.getMessage().contains("memberDailyOpenings"), e.getMessage());
        }
    }
}
