package io.voipsign;

import static io.voipsign.Vectors.APP;
import static io.voipsign.Vectors.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link Ledger#redis} against real servers (tests/redis/servers.sh; {@code make test}
 * starts them and sets VOIPSIGN_REDIS_REQUIRED=1; without them these tests are skipped,
 * saying why): every scenario of tests/vectors/rooms.json on one server and on a
 * 3-master cluster (a key prefix of its own per scenario), the order of the argument
 * checks, an unreachable server under both policies, eight threads in one room, and
 * passwords that never show.
 */
class RedisLedgerTest {
    private static final JsonNode ROOMS = Vectors.load("rooms.json");
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long NOW = 1_796_083_200_000L;

    private static String url(String variable) {
        String url = System.getenv(variable);
        if (url == null || url.isEmpty()) {
            String why = variable + " is not set: run eval \"$(tests/redis/servers.sh start)\" (make test does it)";
            if ("1".equals(System.getenv("VOIPSIGN_REDIS_REQUIRED"))) {
                fail(why + " (VOIPSIGN_REDIS_REQUIRED=1)");
            }
            Assumptions.assumeTrue(false, why);
        }
        return url;
    }

    /** A key prefix no other test, run or language uses. */
    private static RedisOptions unique(String what) {
        return uniqueBuilder(what).build();
    }

    private static RedisOptions.Builder uniqueBuilder(String what) {
        String prefix = "vstest-java-" + what.replaceAll("[^A-Za-z0-9]", "") + "-" + ProcessHandleCompat.pid()
                + "-" + (System.nanoTime() % 1_000_000_000_000L) + "-" + COUNTER.incrementAndGet();
        return RedisOptions.builder().keyPrefix(prefix.length() > 64 ? prefix.substring(prefix.length() - 64) : prefix);
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioOnOneServer() {
        return scenarios("VOIPSIGN_REDIS_URL");
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioOnACluster() {
        return scenarios("VOIPSIGN_REDIS_CLUSTER_URL");
    }

    /** Through Sentinel, each write acknowledged by both replicas: the same answers. */
    @TestFactory
    Stream<DynamicTest> everyScenarioThroughSentinelWithReplicaAcks() {
        return scenarios("VOIPSIGN_REDIS_SENTINEL_URL", 2);
    }

    private static Stream<DynamicTest> scenarios(String variable) {
        return scenarios(variable, 0);
    }

    /** Patient timeouts with replica acks: WAIT gets half the command timeout. */
    private static Stream<DynamicTest> scenarios(String variable, int acks) {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : ROOMS.get("scenarios")) {
            String name = s.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String url = url(variable);
                RoomsVectorsTest.run(s, rules -> Ledger.redis(url, rules, acks == 0 ? unique(name)
                        : uniqueBuilder(name).minReplicaAcks(acks).commandTimeoutMs(5_000).build()));
            }));
        }
        return tests.stream();
    }

    private static void assertCode(Code code, Executable call) {
        VoipSignError e = Vectors.error(call);
        assertEquals(code, e.code(), e.getMessage());
    }

    @Test
    void theUrlFirstThenTheRulesThenTheOptions() {
        Rules badRules = Rules.builder().capacity(0).build();
        RedisOptions badOptions = RedisOptions.builder().connectTimeoutMs(0).build();
        for (String bad : new String[] {"", "127.0.0.1:6379", "http://127.0.0.1", "redis://", "redis://127.0.0.1:notaport"}) {
            assertCode(Code.INVALID_REDIS_URL, () -> Ledger.redis(bad, badRules, badOptions));
        }
        assertCode(Code.INVALID_RULES, () -> Ledger.redis("redis://127.0.0.1:1", badRules, badOptions));
        assertCode(Code.INVALID_RULES, () -> Ledger.redis("redis://127.0.0.1:1",
                Rules.builder().set("onUnavailable", "maybe").build(), badOptions));
        assertCode(Code.INVALID_RULES, () -> Ledger.redis("redis://127.0.0.1:1",
                Rules.defaults(), badOptions));
        assertCode(Code.INVALID_RULES, () -> Ledger.redis("redis://127.0.0.1:1",
                Rules.defaults(), RedisOptions.builder().keyPrefix("a{b}").build()));
        assertCode(Code.INVALID_RULES, () -> Ledger.redis("redis://127.0.0.1:1",
                Rules.defaults(), RedisOptions.builder().commandTimeoutMs(60_001).build()));
    }

    @Test
    void anUnreachableServerFollowsOnUnavailable() {
        RedisOptions fast = RedisOptions.builder().connectTimeoutMs(50).commandTimeoutMs(50).build();
        // Port 1 never answers: making the ledger is not an error, nothing connects yet.
        try (Ledger allow = Ledger.redis("redis://127.0.0.1:1", Rules.defaults(), fast);
                Ledger refuse = Ledger.redis("redis://127.0.0.1:1",
                        Rules.builder().onUnavailable(OnUnavailable.REFUSE).build(), fast)) {
            Admission a = allow.admit(APP, "g", "m", NOW);
            assertTrue(a.isDegraded());
            assertEquals(NOW + 60_000, a.getLeaseExpiresAt());
            assertEquals(NOW + 45_000, allow.heartbeat(APP, "g", "m", NOW));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> allow.room(APP, "g", NOW));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> refuse.admit(APP, "g", "m", NOW));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> refuse.heartbeat(APP, "g", "m", NOW));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> refuse.usage(APP));
            // usage and rooms report state that cannot be known: an outage under either policy.
            assertCode(Code.LEDGER_UNAVAILABLE, () -> allow.usage(APP));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> allow.rooms(APP));
            assertCode(Code.LEDGER_UNAVAILABLE, () -> refuse.rooms(APP, 10, "g", NOW));
            // The arguments are checked before the store is asked.
            assertCode(Code.INVALID_LIMIT, () -> refuse.rooms(APP, -1, null));
            assertEquals("Ledger.redis(redis://127.0.0.1:1, " + fast + ", " + allow.getRules() + ")", allow.toString());
        }
    }

    @Test
    void passwordsNeverShow() {
        String url = url("VOIPSIGN_REDIS_PASSWORD_URL");
        String password = System.getenv("VOIPSIGN_REDIS_PASSWORD");
        assertTrue(password != null && url.contains(password));
        try (Ledger ledger = Ledger.redis(url, Rules.defaults(), unique("password"))) {
            assertTrue(ledger.admit(APP, "g", "m", NOW).isOpened());
            assertFalse(ledger.toString().contains(password), ledger.toString());
            assertTrue(ledger.toString().startsWith("Ledger.redis(redis://***@127.0.0.1:"), ledger.toString());
        }
        String wrong = url.replace(password, password + "-wrong");
        try (Ledger ledger = Ledger.redis(wrong, Rules.builder().set("onUnavailable", "refuse").build(), unique("wrong"))) {
            VoipSignError e = Vectors.error(() -> ledger.admit(APP, "g", "m", NOW));
            assertEquals(Code.LEDGER_UNAVAILABLE, e.code());
            assertFalse(e.getMessage().contains(password) || e.toString().contains(password), e.getMessage());
        }
        VoipSignError bad = Vectors.error(() -> Ledger.redis("redis://:" + password + "@127.0.0.1:notaport"));
        assertFalse(bad.getMessage().contains(password), bad.getMessage());
        // The core's redaction (the same in every language); a URL it cannot parse shows as "?".
        assertEquals("rediss://***@a:1/3", Native.redactedUrl("rediss://user:" + password + "@a:1/3?x=" + password));
        assertEquals("rediss+cluster://***@a:1,b:2",
                Native.redactedUrl("rediss+cluster://user:" + password + "@a:1,b:2"));
        assertEquals("?", Native.redactedUrl("redis://:" + password + "@127.0.0.1:notaport"));
    }

    @Test
    void eightThreadsInOneRoomNeverExceedItsCapacity() throws Exception {
        String url = url("VOIPSIGN_REDIS_URL");
        try (Ledger ledger = Ledger.redis(url, Rules.builder().capacity(3).build(), unique("race"))) {
            AtomicInteger admitted = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    final int thread = t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 50; i++) {
                            try {
                                Admission a = ledger.admit(APP, "room", "m" + thread + "-" + i, NOW);
                                assertTrue(a.getMembers() <= 3, a.toString());
                                admitted.incrementAndGet();
                                ledger.leave(APP, "room", "m" + thread + "-" + i, NOW);
                            } catch (RefusalException e) {
                                assertEquals(Code.ROOM_FULL, e.code());
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertTrue(admitted.get() > 0);
            assertEquals(0, ledger.room(APP, "room", NOW).getMembers().size());
            AdmissionAndTicket t = ledger.admitAndIssue(APP, "room", "last", KEY, RoomType.VIDEO, NOW);
            assertEquals(VoipSign.sign(APP, "room", t.getTicket().getNonceStr(), NOW / 1000, KEY),
                    t.getTicket().getSignature());
        }
    }

    /** The process id on Java 8 (no ProcessHandle). */
    private static final class ProcessHandleCompat {
        static String pid() {
            String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
            int at = name.indexOf('@');
            return at > 0 ? name.substring(0, at) : name;
        }
    }
}
