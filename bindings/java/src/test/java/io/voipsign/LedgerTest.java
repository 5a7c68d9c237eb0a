package io.voipsign;

import static io.voipsign.Vectors.APP;
import static io.voipsign.Vectors.GROUP;
import static io.voipsign.Vectors.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The Ledger's Java side: rules, the handle's lifetime, overloads, the clock. */
class LedgerTest {
    private static final long NOW = 1_796_083_200_000L;

    @Test
    void rulesInForceFillEveryDefault() {
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(2).dailyRoomLimit(5)
                .onUnavailable(OnUnavailable.REFUSE).build())) {
            Rules r = ledger.getRules();
            assertEquals(2, r.getCapacity());
            assertEquals(5, r.getDailyRoomLimit());
            assertEquals(Long.valueOf(4), r.getDailyRoomWarning());
            assertEquals(Long.valueOf(60_000), r.getSyncGraceMs());
            assertEquals("refuse", r.getOnUnavailable());
            assertTrue(ledger.toString().startsWith("Ledger.memory(Rules{capacity=2, dailyRoomLimit=5, dailyRoomWarning=4"));
        }
        Rules d = Rules.defaults();
        assertNull(d.getDailyRoomWarning());
        assertNull(d.getSyncGraceMs());
        assertEquals("allow", d.getOnUnavailable());
    }

    @Test
    void invalidRulesNumbersFirstThenTheName() {
        VoipSignException e = assertThrows(VoipSignException.class,
                () -> Ledger.memory(Rules.builder().dailyRoomLimit(0).onUnavailable("maybe").build()));
        assertEquals(VoipSignException.Code.INVALID_RULES, e.getCode());
        assertTrue(e.getMessage().startsWith("daily_room_limit is 0; it must be 1-100000"), e.getMessage());
        e = assertThrows(VoipSignException.class, () -> Ledger.memory(Rules.builder().onUnavailable("Allow").build()));
        assertEquals(VoipSignException.Code.INVALID_RULES, e.getCode());
        e = assertThrows(VoipSignException.class, () -> Ledger.memory(Rules.builder().capacity(11).build()));
        assertEquals(VoipSignException.Code.INVALID_RULES, e.getCode());
        // A warning of Long.MIN_VALUE is a value like any other, not "unset".
        e = assertThrows(VoipSignException.class,
                () -> Ledger.memory(Rules.builder().dailyRoomWarning(Long.MIN_VALUE).build()));
        assertEquals(VoipSignException.Code.INVALID_RULES, e.getCode());
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Ledger ledger = Ledger.memory();
        ledger.admit(APP, GROUP, "a", NOW);
        ledger.close();
        ledger.close();
        assertTrue(ledger.isClosed());
        assertEquals("Ledger(closed)", ledger.toString());
        assertThrows(IllegalStateException.class, () -> ledger.admit(APP, GROUP, "a", NOW));
        assertThrows(IllegalStateException.class, () -> ledger.room(APP, GROUP));
        assertThrows(IllegalStateException.class, ledger::getRules);
        assertThrows(IllegalStateException.class, () -> ledger.usage(APP));
    }

    @Test
    void closingWhileOtherThreadsUseTheLedgerNeverCrashes() throws Exception {
        for (int round = 0; round < 20; round++) {
            Ledger ledger = Ledger.memory();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final int thread = t;
                    results.add(pool.submit(() -> {
                        int closedSeen = 0;
                        for (int i = 0; i < 2000; i++) {
                            try {
                                ledger.admit(APP, "room-" + thread, "m" + (i % 10), NOW);
                                ledger.leave(APP, "room-" + thread, "m" + (i % 10), NOW);
                            } catch (IllegalStateException e) {
                                closedSeen++;
                            }
                        }
                        return closedSeen;
                    }));
                }
                Thread.sleep(1);
                ledger.close();
                for (Future<Integer> r : results) {
                    r.get(); // no other exception, no crash
                }
            } finally {
                pool.shutdown();
            }
            assertThrows(IllegalStateException.class, () -> ledger.admit(APP, GROUP, "m", NOW));
        }
    }

    @Test
    void theFlowOfRoomsMd() {
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(2).syncGraceMs(0L).build())) {
            AdmissionAndTicket a = ledger.admitAndIssue(APP, GROUP, "openid-a", KEY, RoomType.VIDEO, NOW);
            assertTrue(a.getAdmission().isOpened());
            assertEquals("video", a.getTicket().getRoomType());
            assertEquals(NOW / 1000, a.getTicket().getTimeStamp());
            ledger.admitAndIssue(APP, GROUP, "openid-b", KEY, "voice", NOW);
            VoipSignException full = assertThrows(VoipSignException.class,
                    () -> ledger.admitAndIssue(APP, GROUP, "openid-c", KEY, RoomType.VOICE, NOW));
            assertEquals(VoipSignException.Code.ROOM_FULL, full.getCode());
            // A bad key takes no seat.
            VoipSignException bad = assertThrows(VoipSignException.class,
                    () -> ledger.admitAndIssue(APP, "other", "openid-c", "x", RoomType.VOICE, NOW));
            assertEquals(VoipSignException.Code.INVALID_SESSION_KEY, bad.getCode());
            assertFalse(ledger.room(APP, "other", NOW).isLive());

            assertEquals(NOW + 15_000 + 45_000, ledger.heartbeat(APP, GROUP, "openid-a", NOW + 15_000));
            // WeChat lists only openid-a: openid-b's seat goes (no grace), openid-a's is refreshed.
            Room room = ledger.sync(APP, GROUP, Arrays.asList("openid-a", "openid-a"), NOW + 30_000);
            assertEquals(1, room.getMembers().size());
            assertEquals("openid-a", room.getMembers().get(0).getMemberId());
            assertEquals(NOW, room.getMembers().get(0).getSince());
            assertThrows(UnsupportedOperationException.class, () -> room.getMembers().clear());
            assertEquals(NOW + 75_000, room.getMembers().get(0).getExpires());
            assertEquals(room, ledger.room(APP, GROUP, NOW + 30_000));
            assertTrue(ledger.leave(APP, GROUP, "openid-a", NOW + 31_000));
            assertFalse(ledger.leave(APP, GROUP, "openid-a", NOW + 31_000));
            VoipSignException gone = assertThrows(VoipSignException.class,
                    () -> ledger.heartbeat(APP, GROUP, "openid-a", NOW + 32_000));
            assertEquals(VoipSignException.Code.NOT_ADMITTED, gone.getCode());

            Usage u = ledger.usage(APP, null, NOW);
            assertEquals(1, u.getRooms());
            assertEquals(u, ledger.usage(APP, u.getDay()));
            assertEquals(u.getDay(), ledger.usage(APP, u.getDay(), NOW + 86_400_000L).getDay());
        }
    }

    @Test
    void aSyncAdoptsBeyondCapacity() {
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(1).build())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(String.format("openid-%02d", i));
            }
            Room room = ledger.sync(APP, GROUP, ids, NOW);
            assertEquals(40, room.getMembers().size());
            assertEquals(1, room.getGeneration());
            assertEquals(ids.get(39), room.getMembers().get(39).getMemberId());
            VoipSignException e = assertThrows(VoipSignException.class,
                    () -> ledger.sync(APP, GROUP, Arrays.asList("ok", "bad id"), NOW));
            assertEquals(VoipSignException.Code.INVALID_MEMBER_ID, e.getCode());
            assertTrue(e.getMessage().startsWith("openIds[1]: "), e.getMessage());
        }
    }

    @Test
    void theStoreClockIsUsedWithoutAnExplicitTime() {
        try (Ledger ledger = Ledger.memory()) {
            long before = System.currentTimeMillis();
            Admission a = ledger.admit(APP, GROUP, "m");
            long after = System.currentTimeMillis();
            assertTrue(before + 60_000 <= a.getLeaseExpiresAt() && a.getLeaseExpiresAt() <= after + 60_000);
            assertTrue(ledger.heartbeat(APP, GROUP, "m") >= before + 45_000);
            assertEquals(1, ledger.room(APP, GROUP).getMembers().size());
            assertEquals(1, ledger.usage(APP).getRooms());
            assertEquals(Collections.singletonList("m"), memberIds(ledger.sync(APP, GROUP, Collections.singletonList("m"))));
            assertTrue(ledger.leave(APP, GROUP, "m"));
            AdmissionAndTicket t = ledger.admitAndIssue(APP, GROUP, "m", KEY);
            assertTrue(Math.abs(t.getTicket().getTimeStamp() - System.currentTimeMillis() / 1000) <= 2);
        }
    }

    private static List<String> memberIds(Room room) {
        List<String> ids = new ArrayList<>();
        room.getMembers().forEach(s -> ids.add(s.getMemberId()));
        return ids;
    }
}
