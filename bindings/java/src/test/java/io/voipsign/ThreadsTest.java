package io.voipsign;

import static io.voipsign.Vectors.APP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many threads at once give the single-thread results: 8 threads x 10^5 signatures; one shared ledger. */
class ThreadsTest {
    private static final int THREADS = 8;
    private static final int CALLS = 100_000;
    private static final String[] KEYS = {"gDyVgzwa0mFz9uUP7M6GQQ==", "o0q0otL8aEzpcZL/FT9WsQ==",
        "kUpBwvRHPfIDSEEATFMKZg==", "AAAAAAAAAAAAAAAAAAAAAA==", "/////////////////////w=="};

    /** Input i: a groupId (some non-ASCII), a nonce, a time and a key that vary with i. */
    private static String group(int i) {
        return i % 3 == 0 ? "房间-" + i + "-😀" : "room-" + i;
    }

    private static String nonce(int i) {
        return "nonce" + (i * 7919);
    }

    @Test
    void eightThreadsTimesTenToTheFiveEqualOneThread() throws Exception {
        int distinct = 1000;
        String[] expected = new String[distinct];
        for (int i = 0; i < distinct; i++) {
            expected[i] = VoipSign.sign(APP, group(i), nonce(i), 1_559_129_714L + i, KEYS[i % KEYS.length]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String[]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final int offset = t * 131;
                results.add(pool.submit(() -> {
                    start.await();
                    String[] got = new String[distinct];
                    int mismatches = 0;
                    for (int c = 0; c < CALLS; c++) {
                        int i = (c + offset) % distinct;
                        String s = VoipSign.sign(APP, group(i), nonce(i), 1_559_129_714L + i, KEYS[i % KEYS.length]);
                        if (!s.equals(expected[i])) {
                            mismatches++;
                        }
                        got[i] = s;
                    }
                    if (mismatches != 0) {
                        throw new AssertionError(mismatches + " mismatches");
                    }
                    return got;
                }));
            }
            start.countDown();
            for (Future<String[]> r : results) {
                assertArrayEquals(expected, r.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void oneLedgerSharedByEightThreadsNeverSeatsMoreThanItsCapacity() throws Exception {
        try (Ledger ledger = Ledger.memory(Rules.builder().capacity(3).build())) {
            long now = 1_796_083_200_000L;
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger full = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    final int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 2000; i++) {
                            String member = "m" + thread + "-" + i;
                            try {
                                Admission a = ledger.admit(APP, "room", member, now);
                                assertTrue(a.getMembers() <= 3, a.toString());
                                admitted.incrementAndGet();
                                assertTrue(ledger.leave(APP, "room", member, now));
                            } catch (RefusalException e) {
                                assertEquals(Code.ROOM_FULL, e.code());
                                full.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(THREADS * 2000, admitted.get() + full.get());
            assertTrue(admitted.get() > 0);
            assertEquals(0, ledger.room(APP, "room", now).getMembers().size());
            // The day counters are the sum of what the threads were told.
            Usage u = ledger.usage(APP, null, now);
            assertEquals(admitted.get(), u.getAdmissions());
            assertEquals(admitted.get(), u.getLeaves());
            assertEquals(full.get(), u.getRefusedRoomFull());
            assertTrue(1 <= u.getOpenings() && u.getOpenings() <= admitted.get(), u.toString());
            assertTrue(1 <= u.getPeakSeats() && u.getPeakSeats() <= 3, u.toString());
            assertEquals(Long.valueOf(0), u.getLiveSeats());
            assertEquals(Long.valueOf(0), u.getLiveRooms());
        }
    }
}
