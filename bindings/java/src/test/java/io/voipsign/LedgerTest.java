package io.voipsign;

import static io.voipsign.Vectors.APP;
import static io.voipsign.Vectors.GROUP;
import static io.voipsign.Vectors.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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
            assertEquals(2L, r.getCapacity());
            assertEquals(5L, r.getDailyRoomLimit());
            assertEquals(Long.valueOf(4), r.getDailyRoomWarning());
            assertEquals(Long.valueOf(60_000), r.getSyncGraceMs());
            assertEquals(OnUnavailable.REFUSE, r.getOnUnavailable());
            assertTrue(ledger.toString().startsWith("Ledger.memory(Rules{capacity=2, dailyRoomLimit=5, dailyRoomWarning=4"));
        }
        Rules d = Rules.defaults();
        assertNull(d.getCapacity());
        assertNull(d.getDailyRoomWarning());
        assertNull(d.getOnUnavailable());
        assertTrue(d.toMap().isEmpty());
        assertEquals(OnUnavailable.ALLOW, Rules.builder().set("onUnavailable", "allow").build().getOnUnavailable());
    }

    @Test
    void rulesHoldWhatWasSetAndCompareByIt() {
        Rules a = Rules.builder().capacity(4).leaseTtlMs(Duration.ofSeconds(30)).build();
        Rules b = Rules.builder().set("leaseTtlMs", 30_000).set("capacity", 4L).build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(Long.valueOf(30_000), a.getLeaseTtlMs());
        assertNotEquals(a, Rules.builder().capacity(5).leaseTtlMs(30_000).build());
        assertNotEquals(a, Rules.builder().capacity(4).build());
        assertEquals("Rules{capacity=4, leaseTtlMs=30000}", a.toString());
        assertEquals(Rules.defaults(), Rules.builder().capacity(3).set("capacity", null).build());
        RedisOptions o = RedisOptions.builder().connectTimeoutMs(Duration.ofMillis(1500)).keyPrefix("p").build();
        assertEquals(Long.valueOf(1500), o.getConnectTimeoutMs());
        assertEquals(o, RedisOptions.builder().set("connectTimeoutMs", 1500).set("keyPrefix", "p").build());
        assertNotEquals(o.hashCode(), RedisOptions.defaults().hashCode());
        try (Ledger ledger = Ledger.memory(Rules.builder().reserveTtlMs(Duration.ofMinutes(2)).build())) {
            assertEquals(Long.valueOf(120_000), ledger.getRules().getReserveTtlMs());
            assertEquals(Long.valueOf(120_000), ledger.getRules().getSyncGraceMs());
            assertEquals(ledger.getRules(), ledger.getRules());
        }
    }

    @Test
    void invalidRulesAreTheCoresInCamelCase() {
        VoipSignError e = Vectors.error(() -> Ledger.memory(Rules.builder().dailyRoomLimit(0).set("onUnavailable", "maybe").build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e instanceof IllegalArgumentException);
        assertTrue(e.getMessage().startsWith("dailyRoomLimit is 0; it must be 1-100000"), e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("onUnavailable", "Allow").build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e.getMessage().startsWith("onUnavailable "), e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().capacity(11).build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e.getMessage().startsWith("capacity is 11"), e.getMessage());
        // A warning of Long.MIN_VALUE is a value like any other, not "unset".
        e = Vectors.error(() -> Ledger.memory(Rules.builder().dailyRoomWarning(Long.MIN_VALUE).build()));
        assertEquals(Code.INVALID_RULES, e.code());
        // Unknown names, wrong types and Redis options on a memory ledger: refused by the core.
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("dailyRoomLimt", 5).build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e.getMessage().startsWith("unknown option dailyRoomLimt"), e.getMessage());
        assertTrue(e.getMessage().contains("dailyRoomLimit"), e.getMessage());
        assertFalse(e.getMessage().contains("daily_room_limit"), e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("daily_room_limit", 5).build()));
        assertTrue(e.getMessage().startsWith("unknown option daily_room_limit (did you mean dailyRoomLimit?)"),
                e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("capacity", "ten").build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("keyPrefix", "p").build()));
        assertEquals(Code.INVALID_RULES, e.code());
        assertTrue(e.getMessage().contains("keyPrefix"), e.getMessage());
        e = Vectors.error(() -> Ledger.memory(Rules.builder().set("capacity", 2.5).build()));
        assertEquals(Code.INVALID_RULES, e.code());
    }

    @Test
    void theKindsOfErrors() {
        VoipSignError input = Vectors.error(() -> VoipSign.sign("", "g", "n", 1, "k"));
        assertTrue(input instanceof IllegalArgumentException);
        assertEquals(Code.INVALID_APP_ID, input.code());
        assertEquals(Code.Kind.INPUT, Code.INVALID_APP_ID.kind());
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(1).build())) {
            ledger.admit(APP, GROUP, "a", NOW);
            VoipSignError full = Vectors.error(() -> ledger.admit(APP, GROUP, "b", NOW));
            assertEquals(Code.ROOM_FULL, full.code());
            assertFalse(full instanceof IllegalArgumentException);
            assertTrue(full instanceof RefusalException && full instanceof VoipSignException);
            assertEquals(Code.Kind.REFUSAL, Code.ROOM_FULL.kind());
        }
        assertEquals(Code.Kind.OUTAGE, Code.LEDGER_UNAVAILABLE.kind());
        assertTrue(java.io.UncheckedIOException.class.isAssignableFrom(OutageException.class));
        OutageException outage = new OutageException(Code.LEDGER_UNAVAILABLE, "down");
        assertEquals("down", outage.getCause().getMessage());
        assertEquals(Code.LEDGER_UNAVAILABLE, outage.code());
        assertEquals(Code.Kind.INPUT, Code.LEDGER_CLOSED.kind());
        assertEquals(Code.Kind.INTERNAL, Code.INTERNAL.kind());
        assertNull(Code.fromName("NULL_ARGUMENT"), "a C-only code is not a Java code");
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() {
        Ledger ledger = Ledger.memory();
        ledger.admit(APP, GROUP, "a", NOW);
        ledger.close();
        ledger.close();
        assertTrue(ledger.isClosed());
        assertEquals("Ledger(closed)", ledger.toString());
        assertEquals(Code.LEDGER_CLOSED, Vectors.error(() -> ledger.admit(APP, GROUP, "a", NOW)).code());
        assertEquals(Code.LEDGER_CLOSED, Vectors.error(() -> ledger.room(APP, GROUP)).code());
        assertEquals(Code.LEDGER_CLOSED, Vectors.error(ledger::getRules).code());
        assertEquals(Code.LEDGER_CLOSED, Vectors.error(() -> ledger.usage(APP)).code());
    }

    @Test
    void closingWhileOtherThreadsUseTheLedgerNeverCrashes() throws Exception {
        for (int round = 0; round < 20; round++) {
            // 10 members reopen their room 2000 times: no member limit here.
            Ledger ledger = Ledger.memory(Rules.builder().memberDailyOpenings(0).build());
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
                            } catch (InputException e) {
                                assertEquals(Code.LEDGER_CLOSED, e.code());
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
            assertEquals(Code.LEDGER_CLOSED, Vectors.error(() -> ledger.admit(APP, GROUP, "m", NOW)).code());
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
            VoipSignError full = Vectors.error(() -> ledger.admitAndIssue(APP, GROUP, "openid-c", KEY, RoomType.VOICE, NOW));
            assertEquals(Code.ROOM_FULL, full.code());
            // A bad key takes no seat.
            VoipSignError bad = Vectors.error(() -> ledger.admitAndIssue(APP, "other", "openid-c", "x", RoomType.VOICE, NOW));
            assertEquals(Code.INVALID_SESSION_KEY, bad.code());
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
            VoipSignError gone = Vectors.error(() -> ledger.heartbeat(APP, GROUP, "openid-a", NOW + 32_000));
            assertEquals(Code.NOT_ADMITTED, gone.code());

            Usage u = ledger.usage(APP, null, NOW);
            assertEquals(1, u.getOpenings());
            // The same counters asked by day from the process clock: no live counts (not today).
            Usage byDay = ledger.usage(APP, u.getDay());
            assertEquals(u.getOpenings(), byDay.getOpenings());
            assertEquals(u.getAdmissions(), byDay.getAdmissions());
            assertNull(byDay.getLiveSeats());
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
            VoipSignError e = Vectors.error(() -> ledger.sync(APP, GROUP, Arrays.asList("ok", "bad id"), NOW));
            assertEquals(Code.INVALID_MEMBER_ID, e.code());
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
            assertEquals(1, ledger.usage(APP).getOpenings());
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
