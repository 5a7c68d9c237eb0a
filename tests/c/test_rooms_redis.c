/* The room ledger on the Redis store through the C ABI (voipsign_ledger_new_redis),
 * against real servers: tests/redis/servers.sh exports their URLs
 * (VOIPSIGN_REDIS_URL, VOIPSIGN_REDIS_CLUSTER_URL, VOIPSIGN_REDIS_SENTINEL_URL,
 * VOIPSIGN_REDIS_PASSWORD_URL and
 * VOIPSIGN_REDIS_PASSWORD, VOIPSIGN_REDIS_CLUSTER_PORTS); a test whose variable is
 * missing says it was skipped, unless VOIPSIGN_REDIS_REQUIRED=1 (`make
 * test-c-redis` sets it), where that is a failure. The shared servers are never
 * flushed: every ledger has a key prefix of its own.
 *
 * 1. voipsign_redis_options_default(), and voipsign_ledger_new_redis's checks: NULL
 *    and UTF-8 arguments, the URL (VOIPSIGN_INVALID_REDIS_URL) before the rules and
 *    the options (VOIPSIGN_INVALID_RULES), *out untouched on failure; explicit
 *    times beyond 2^52 ms.
 * 2. Every scenario and step of tests/vectors/rooms.json (rooms_table.h) on the
 *    single server and on the 3-master cluster, a fresh key prefix per scenario;
 *    on the cluster, the keys of one appId (4 rooms and the day counters) on one
 *    slot (redis-cli --scan, CLUSTER KEYSLOT).
 * 3. The race: 4 processes (fork, each its own ledger, as 4 backend instances) x 8
 *    threads sharing that ledger admit 64 distinct members into one room at once,
 *    VOIPSIGN_TEST_RACE_ROUNDS rounds (default 100), everyone leaving between
 *    rounds. Per round, counted in shared memory: exactly capacity (10) admitted,
 *    exactly 1 opening, never more than 10 members in an admission, never
 *    degraded; at the end usage.openings == rounds, every other counter the sum of
 *    what the clients were told (admissions == leaves == 10 x rounds, ROOM_FULL the
 *    other 54 of a round's 64, peak 10, nothing live) and the room empty. On the
 *    server and the cluster.
 * 4. Passwords: the right one works; a wrong one, none, a dead port with a
 *    password in the URL give LEDGER_UNAVAILABLE (refuse) or a degraded admission
 *    (allow), and malformed URLs INVALID_REDIS_URL; no message contains the password.
 * 5. Faults, on a private redis-server this test starts (fork/exec) on a free port:
 *    killed (SIGKILL), every call answers within 2 x the timeout, degraded (allow)
 *    or LEDGER_UNAVAILABLE (refuse); restarted, the same ledgers work again.
 *    Paused (SIGSTOP): LEDGER_UNAVAILABLE after the command timeout, under 2 x
 *    (connect + command timeout); resumed, they work again.
 * 6. Signals handled by the host arriving during calls must not fail them
 *    (SIGUSR1 every 200 us during 2000 admit+leave pairs).
 *
 * Prints "N passed, M failed" last. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rooms.h"
#include "rooms_table.h"

#define RAPP "wx20afc706a711eefc"

/* --- helpers --- */

/* The URL in the environment variable `var`, or NULL: skipped (said on stdout), or a
 * failure when VOIPSIGN_REDIS_REQUIRED=1. */
static const char *env_url(const char *var) {
    const char *v = getenv(var);
    if (v != NULL && *v != 0) return v;
    const char *req = getenv("VOIPSIGN_REDIS_REQUIRED");
    if (req != NULL && strcmp(req, "1") == 0) {
        CHECK(0, "%s is not set: run `eval \"$(tests/redis/servers.sh start)\"` first", var);
    } else {
        printf("skipped: %s is not set (tests/redis/servers.sh start)\n", var);
    }
    return NULL;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static double ms_since(long long t0) { return (double)(now_ns() - t0) / 1e6; }

/* A key prefix no other run uses: vstest-c-<what>-<pid>-<clock>; `what` keeps its
 * first 16 alphanumerics. */
static void unique_prefix(char *out, size_t cap, const char *what) {
    static unsigned counter;
    char w[17];
    size_t n = 0;
    for (const char *p = what; *p && n < 16; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) w[n++] = *p;
    w[n] = 0;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    snprintf(out, cap, "vstest-c-%s-%d-%u-%lld", w, (int)getpid(), counter++,
             ((long long)t.tv_sec * 1000000000LL + t.tv_nsec) % 1000000000000LL);
}

/* voipsign_ledger_new_redis with `prefix` (NULL: the default) and both timeouts
 * `timeout_ms` (0: the defaults). */
static voipsign_status new_redis(const char *url, const voipsign_rules *rules, const char *prefix, int64_t timeout_ms,
                                 voipsign_ledger **out, voipsign_error *err) {
    voipsign_redis_options o = voipsign_redis_options_default();
    if (prefix != NULL) {
        o.key_prefix = prefix;
        o.key_prefix_len = strlen(prefix);
    }
    if (timeout_ms > 0) o.connect_timeout_ms = o.command_timeout_ms = timeout_ms;
    return voipsign_ledger_new_redis(url, strlen(url), rules, &o, out, err);
}

/* A ledger with the default or given rules; NULL (a failed check) when it cannot be made. */
static voipsign_ledger *ledger_on(const char *url, const voipsign_rules *rules, const char *prefix,
                                  int64_t timeout_ms) {
    voipsign_rules d = voipsign_rules_default();
    voipsign_ledger *l = NULL;
    voipsign_error err;
    memset(&err, 0, sizeof err);
    voipsign_status st = new_redis(url, rules ? rules : &d, prefix, timeout_ms, &l, &err);
    CHECK(st == VOIPSIGN_OK && l != NULL, "new_redis: %s %s", voipsign_status_name(st), err.message);
    return st == VOIPSIGN_OK ? l : NULL;
}

static bool contains(const char *hay, const char *needle) { return needle[0] != 0 && strstr(hay, needle) != NULL; }

/* --- 1. options and checks --- */

static void test_options_and_checks(void) {
    voipsign_redis_options d = voipsign_redis_options_default();
    CHECK(d.connect_timeout_ms == 250 && d.command_timeout_ms == 250 && d.key_prefix == NULL &&
              d.key_prefix_len == 0,
          "voipsign_redis_options_default()");
    CHECK(VOIPSIGN_INVALID_REDIS_URL == 19 && strcmp(voipsign_status_name(19), "INVALID_REDIS_URL") == 0 &&
              strlen(voipsign_status_message(19)) > 0,
          "status 19: %s", voipsign_status_name(19));

    const char *dead = "redis://127.0.0.1:1"; /* nothing listens: creation never connects */
    voipsign_rules r = voipsign_rules_default();
    voipsign_ledger *sentinel = (voipsign_ledger *)&r;

#define EXPECT_NEW(call, want, what)                                                                   \
    do {                                                                                               \
        voipsign_ledger *l_ = sentinel;                                                                \
        voipsign_ledger **out_ = &l_;                                                                  \
        voipsign_error err_;                                                                           \
        memset(&err_, 0, sizeof err_);                                                                 \
        voipsign_status st_ = (call);                                                                  \
        if ((want) == VOIPSIGN_OK) {                                                                   \
            CHECK(st_ == VOIPSIGN_OK && l_ != sentinel && l_ != NULL, "%s: %s %s", (what),             \
                  voipsign_status_name(st_), err_.message);                                            \
            if (st_ == VOIPSIGN_OK) voipsign_ledger_free(l_);                                          \
        } else {                                                                                       \
            CHECK(st_ == (want) && err_ok(&err_, st_) && l_ == sentinel, "%s: %s (%s), want %s; *out %s", \
                  (what), voipsign_status_name(st_), err_.message, voipsign_status_name(want),         \
                  l_ == sentinel ? "untouched" : "written");                                           \
        }                                                                                              \
    } while (0)

    voipsign_redis_options o = d;
    EXPECT_NEW(voipsign_ledger_new_redis(dead, strlen(dead), &r, NULL, out_, &err_), VOIPSIGN_OK, "options NULL");
    EXPECT_NEW(voipsign_ledger_new_redis(dead, strlen(dead), &r, &o, out_, &err_), VOIPSIGN_OK, "default options");
    EXPECT_NEW(voipsign_ledger_new_redis(NULL, 5, &r, &o, out_, &err_), VOIPSIGN_NULL_ARGUMENT, "url NULL, 5");
    EXPECT_NEW(voipsign_ledger_new_redis(NULL, 0, &r, &o, out_, &err_), VOIPSIGN_INVALID_REDIS_URL, "url (NULL, 0)");
    EXPECT_NEW(voipsign_ledger_new_redis(S("redis://h\377"), &r, &o, out_, &err_), VOIPSIGN_INVALID_UTF8,
               "url not UTF-8");
    EXPECT_NEW(voipsign_ledger_new_redis(dead, strlen(dead), NULL, &o, out_, &err_), VOIPSIGN_NULL_ARGUMENT,
               "rules NULL");
    {
        voipsign_error err;
        voipsign_status st = voipsign_ledger_new_redis(dead, strlen(dead), &r, &o, NULL, &err);
        CHECK(st == VOIPSIGN_NULL_ARGUMENT && err_ok(&err, st), "out NULL: %s", voipsign_status_name(st));
    }
    const char *bad_urls[] = {"", "127.0.0.1:6379", "http://127.0.0.1", "redis://", "redis://a:1,b:2",
                              "redis+cluster://a:1/3", "redis://127.0.0.1:notaport", "redis+cluster://a:1,,b:2"};
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++)
        EXPECT_NEW(voipsign_ledger_new_redis(bad_urls[i], strlen(bad_urls[i]), &r, &o, out_, &err_),
                   VOIPSIGN_INVALID_REDIS_URL, bad_urls[i]);
    const char *good_urls[] = {"redis://127.0.0.1:1", "redis://:pw@127.0.0.1:1/2", "redis://user:pw@localhost",
                               "redis+cluster://127.0.0.1:1,127.0.0.1:2", "rediss://:pw@cache.example:6380",
                               "rediss+cluster://:pw@10.0.0.1:7000"};
    for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++)
        EXPECT_NEW(voipsign_ledger_new_redis(good_urls[i], strlen(good_urls[i]), &r, &o, out_, &err_), VOIPSIGN_OK,
                   good_urls[i]);

    /* The options. */
    struct {
        const char *what;
        int64_t connect, command;
        const char *prefix;
        size_t len;
        voipsign_status want;
    } opts[] = {
        {"connect 0", 0, 250, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"connect -1", -1, 250, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"connect 60001", 60001, 250, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"command 0", 250, 0, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"command 60001", 250, 60001, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"command VOIPSIGN_UNSET", 250, VOIPSIGN_UNSET, NULL, 0, VOIPSIGN_INVALID_RULES},
        {"timeouts 1", 1, 1, NULL, 0, VOIPSIGN_OK},
        {"timeouts 60000", 60000, 60000, NULL, 0, VOIPSIGN_OK},
        {"prefix a{b}", 250, 250, S("a{b}"), VOIPSIGN_INVALID_RULES},
        {"prefix with a space", 250, 250, S("a b"), VOIPSIGN_INVALID_RULES},
        {"prefix 65 bytes", 250, 250, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 65,
         VOIPSIGN_INVALID_RULES},
        {"prefix 64 bytes", 250, 250, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 64, VOIPSIGN_OK},
        {"prefix NULL, 3", 250, 250, NULL, 3, VOIPSIGN_NULL_ARGUMENT},
        {"prefix not UTF-8", 250, 250, S("a\377"), VOIPSIGN_INVALID_UTF8},
        {"prefix length 0 (pointer ignored)", 250, 250, "{{{", 0, VOIPSIGN_OK},
        {"prefix staging", 250, 250, S("staging"), VOIPSIGN_OK},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        o = d;
        o.connect_timeout_ms = opts[i].connect;
        o.command_timeout_ms = opts[i].command;
        o.key_prefix = opts[i].prefix;
        o.key_prefix_len = opts[i].len;
        EXPECT_NEW(voipsign_ledger_new_redis(dead, strlen(dead), &r, &o, out_, &err_), opts[i].want, opts[i].what);
    }
    {
        voipsign_ledger *l = NULL;
        voipsign_error err;
        o = d;
        o.key_prefix = "a}";
        o.key_prefix_len = 2;
        voipsign_status st = voipsign_ledger_new_redis(dead, strlen(dead), &r, &o, &l, &err);
        CHECK(st == VOIPSIGN_INVALID_RULES && strncmp(err.message, "key_prefix", 10) == 0, "prefix a}: %s",
              err.message);
        o.key_prefix = NULL;
        o.key_prefix_len = 0;
        o.connect_timeout_ms = 0;
        st = voipsign_ledger_new_redis(dead, strlen(dead), &r, &o, &l, &err);
        CHECK(st == VOIPSIGN_INVALID_RULES && strncmp(err.message, "connect_timeout_ms", 18) == 0,
              "connect 0: %s", err.message);
    }

    /* The order: the URL, then the rules, then the options. */
    voipsign_rules bad = voipsign_rules_default();
    bad.capacity = 11;
    voipsign_redis_options bad_o = d;
    bad_o.command_timeout_ms = 0;
    EXPECT_NEW(voipsign_ledger_new_redis(S("nope"), &bad, &bad_o, out_, &err_), VOIPSIGN_INVALID_REDIS_URL,
               "bad url, rules and options");
    {
        voipsign_ledger *l = NULL;
        voipsign_error err;
        voipsign_status st = voipsign_ledger_new_redis(dead, strlen(dead), &bad, &bad_o, &l, &err);
        CHECK(st == VOIPSIGN_INVALID_RULES && strncmp(err.message, "capacity", 8) == 0,
              "bad rules and options: %s %s", voipsign_status_name(st), err.message);
    }
    bad = voipsign_rules_default();
    bad.on_unavailable = 7;
    EXPECT_NEW(voipsign_ledger_new_redis(S("nope"), &bad, &o, out_, &err_), VOIPSIGN_INVALID_REDIS_URL,
               "bad url, on_unavailable 7");
    EXPECT_NEW(voipsign_ledger_new_redis(dead, strlen(dead), &bad, NULL, out_, &err_), VOIPSIGN_INVALID_RULES,
               "on_unavailable 7");
#undef EXPECT_NEW

    /* Explicit times beyond 2^52 ms: refused before any I/O. */
    voipsign_ledger *l = ledger_on(dead, NULL, NULL, 0);
    if (l != NULL) {
        voipsign_admission a;
        voipsign_error err;
        voipsign_status st = voipsign_ledger_admit(l, S(RAPP), S("g"), S("m"), INT64_MAX, &a, &err);
        CHECK(st == VOIPSIGN_INVALID_TIMESTAMP && err_ok(&err, st), "admit at INT64_MAX: %s",
              voipsign_status_name(st));
        st = voipsign_ledger_admit(l, S(RAPP), S("g"), S("m"), -(1LL << 53), &a, &err);
        CHECK(st == VOIPSIGN_INVALID_TIMESTAMP, "admit at -2^53: %s", voipsign_status_name(st));
        voipsign_ledger_free(l);
    }
}

/* --- 2. the scenario table --- */

static voipsign_status make_redis(const struct rscenario *sc, const voipsign_rules *rules, voipsign_ledger **out,
                                  voipsign_error *err, void *ctx) {
    char prefix[96];
    unique_prefix(prefix, sizeof prefix, sc->name);
    return new_redis((const char *)ctx, rules, prefix, 0, out, err);
}

static void test_table(const char *var, const char *store) {
    const char *url = env_url(var);
    if (url == NULL) return;
    long long t0 = now_ns();
    size_t steps = rooms_run_table(store, make_redis, (void *)url);
    printf("%s: %zu scenarios, %zu steps in %.0f ms\n", store, (size_t)N_ROOM_SCENARIOS, steps, ms_since(t0));
}

/* The output of a shell command (at most cap - 1 bytes); -1 when it failed. */
static long run_cmd(const char *cmd, char *out, size_t cap) {
    FILE *f = popen(cmd, "r");
    if (f == NULL) return -1;
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    return pclose(f) == 0 ? (long)n : -1;
}

/* On the cluster, every key of one appId (4 rooms with awkward groupIds, the day
 * counters) lives on one slot. */
static void test_cluster_slot(void) {
    const char *url = env_url("VOIPSIGN_REDIS_CLUSTER_URL");
    const char *ports = url ? env_url("VOIPSIGN_REDIS_CLUSTER_PORTS") : NULL;
    if (url == NULL || ports == NULL) return;
    char prefix[96];
    unique_prefix(prefix, sizeof prefix, "slot");
    voipsign_ledger *l = ledger_on(url, NULL, prefix, 0);
    if (l == NULL) return;
    const char *groups[] = {"a", "b{x}", "c:d", "\346\210\277\351\227\264"};
    for (int i = 0; i < 4; i++) {
        voipsign_admission a;
        voipsign_error err;
        voipsign_status st =
            voipsign_ledger_admit(l, S("w{x}:1"), groups[i], strlen(groups[i]), S("m1"), VOIPSIGN_UNSET, &a, &err);
        CHECK(st == VOIPSIGN_OK && a.opened, "cluster admit %d: %s %s", i, voipsign_status_name(st), err.message);
    }
    voipsign_ledger_free(l);
    int keys = 0;
    char slots[8][64];
    int n_slots = 0;
    char list[256];
    snprintf(list, sizeof list, "%s", ports);
    for (char *save = NULL, *port = strtok_r(list, " ", &save); port; port = strtok_r(NULL, " ", &save)) {
        char cmd[256], out[4096];
        snprintf(cmd, sizeof cmd, "redis-cli -p %s --scan --pattern '%s:*'", port, prefix);
        CHECK(run_cmd(cmd, out, sizeof out) >= 0, "%s", cmd);
        for (char *s2 = NULL, *key = strtok_r(out, "\n", &s2); key; key = strtok_r(NULL, "\n", &s2)) {
            char slot[64];
            keys++;
            snprintf(cmd, sizeof cmd, "redis-cli -p %s cluster keyslot '%s'", port, key);
            if (run_cmd(cmd, slot, sizeof slot) < 0) {
                CHECK(0, "%s", cmd);
                continue;
            }
            slot[strcspn(slot, "\r\n")] = 0;
            bool seen = false;
            for (int i = 0; i < n_slots; i++) seen |= strcmp(slots[i], slot) == 0;
            if (!seen && n_slots < 8) snprintf(slots[n_slots++], sizeof slots[0], "%s", slot);
        }
    }
    CHECK(keys == 9 && n_slots == 1,
          "cluster: %d keys on %d slots, want 4 rooms + the appId's 5 (days, seats, live, index, openers) on 1 slot",
          keys, n_slots);
}

/* --- 3. the race: 4 processes x 8 threads --- */

enum { RACE_PROCS = 4, RACE_THREADS = 8, RACE_MAX_ROUNDS = 1000, RACE_CAPACITY = 10 };

/* In memory shared by the processes (mmap MAP_SHARED before fork). */
struct race_shared {
    pthread_barrier_t barrier; /* every thread of every process, PTHREAD_PROCESS_SHARED */
    atomic_int seated[RACE_MAX_ROUNDS];
    atomic_int opened[RACE_MAX_ROUNDS];
    atomic_int failures;
    atomic_flag reported;
};

struct race_thread {
    int index; /* 0..31 across the processes */
    int rounds;
    voipsign_ledger *ledger;
    struct race_shared *sh;
};

static void race_fail(struct race_shared *sh, const char *what, voipsign_status st, const char *msg) {
    atomic_fetch_add(&sh->failures, 1);
    if (!atomic_flag_test_and_set(&sh->reported))
        fprintf(stderr, "race: first failure: %s: %s %s\n", what, voipsign_status_name(st), msg);
}

static void *race_thread(void *arg) {
    struct race_thread *t = arg;
    struct race_shared *sh = t->sh;
    char members[2][16];
    size_t lens[2];
    for (int j = 0; j < 2; j++) lens[j] = (size_t)snprintf(members[j], sizeof members[j], "m%d", t->index * 2 + j);
    for (int round = 0; round < t->rounds; round++) {
        bool mine[2] = {false, false};
        pthread_barrier_wait(&sh->barrier);
        for (int j = 0; j < 2; j++) {
            voipsign_admission a;
            voipsign_error err;
            voipsign_status st =
                voipsign_ledger_admit(t->ledger, S(RAPP), S("race-room"), members[j], lens[j], VOIPSIGN_UNSET, &a, &err);
            if (st == VOIPSIGN_OK) {
                mine[j] = true;
                atomic_fetch_add(&sh->seated[round], 1);
                if (a.opened) atomic_fetch_add(&sh->opened[round], 1);
                if (a.members < 1 || a.members > RACE_CAPACITY || a.degraded || a.renewed)
                    race_fail(sh, "admission", st, a.degraded ? "degraded" : "members out of range or renewed");
            } else if (st != VOIPSIGN_ROOM_FULL) {
                race_fail(sh, "admit", st, err.message);
            }
        }
        pthread_barrier_wait(&sh->barrier);
        for (int j = 0; j < 2; j++) {
            if (!mine[j]) continue;
            bool removed = false;
            voipsign_error err;
            voipsign_status st = voipsign_ledger_leave(t->ledger, S(RAPP), S("race-room"), members[j], lens[j],
                                                       VOIPSIGN_UNSET, &removed, &err);
            if (st != VOIPSIGN_OK || !removed) race_fail(sh, "leave", st, st == VOIPSIGN_OK ? "not removed" : err.message);
        }
    }
    return NULL;
}

/* One process: its own ledger (one backend instance), shared by 8 threads. */
static int race_process(int proc, const char *url, const char *prefix, int rounds, struct race_shared *sh) {
    alarm(300); /* a process stuck at the barrier ends rather than hanging the suite */
    voipsign_rules r = voipsign_rules_default();
    voipsign_ledger *l = NULL;
    voipsign_error err;
    voipsign_status st = new_redis(url, &r, prefix, 0, &l, &err);
    if (st != VOIPSIGN_OK) {
        race_fail(sh, "new_redis", st, err.message);
        return 1;
    }
    pthread_t th[RACE_THREADS];
    struct race_thread t[RACE_THREADS];
    for (int i = 0; i < RACE_THREADS; i++) {
        t[i] = (struct race_thread){proc * RACE_THREADS + i, rounds, l, sh};
        if (pthread_create(&th[i], NULL, race_thread, &t[i]) != 0) {
            race_fail(sh, "pthread_create", VOIPSIGN_OK, "");
            return 1;
        }
    }
    for (int i = 0; i < RACE_THREADS; i++) pthread_join(th[i], NULL);
    voipsign_ledger_free(l);
    return 0;
}

static void test_race(const char *var, const char *store) {
    const char *url = env_url(var);
    if (url == NULL) return;
    const char *env = getenv("VOIPSIGN_TEST_RACE_ROUNDS");
    int rounds = env ? atoi(env) : 100;
    if (rounds < 1 || rounds > RACE_MAX_ROUNDS) rounds = 100;
    char prefix[96];
    unique_prefix(prefix, sizeof prefix, "race");

    struct race_shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED, "mmap: %s", strerror(errno));
    if (sh == MAP_FAILED) return;
    memset(sh, 0, sizeof *sh);
    pthread_barrierattr_t attr;
    pthread_barrierattr_init(&attr);
    pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(&sh->barrier, &attr, RACE_PROCS * RACE_THREADS);
    pthread_barrierattr_destroy(&attr);

    long long t0 = now_ns();
    fflush(NULL); /* the children must not print the parent's buffered output again */
    pid_t pids[RACE_PROCS];
    for (int p = 0; p < RACE_PROCS; p++) {
        pids[p] = fork();
        if (pids[p] == 0) exit(race_process(p, url, prefix, rounds, sh));
        CHECK(pids[p] > 0, "fork: %s", strerror(errno));
    }
    for (int p = 0; p < RACE_PROCS; p++) {
        int status = 0;
        if (pids[p] <= 0) continue;
        waitpid(pids[p], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s race: process %d ended with status %#x", store, p,
              status);
    }
    double ms = ms_since(t0);
    CHECK(atomic_load(&sh->failures) == 0, "%s race: %d failures (first on stderr)", store,
          atomic_load(&sh->failures));
    int bad_seats = 0, bad_openings = 0, first_bad = -1;
    for (int r = 0; r < rounds; r++) {
        int s = atomic_load(&sh->seated[r]), o = atomic_load(&sh->opened[r]);
        if (s != RACE_CAPACITY) bad_seats++;
        if (o != 1) bad_openings++;
        if ((s != RACE_CAPACITY || o != 1) && first_bad < 0) first_bad = r;
    }
    CHECK(bad_seats == 0 && bad_openings == 0,
          "%s race: %d rounds without exactly %d admitted, %d without exactly 1 opening (round %d: %d, %d)", store,
          bad_seats, RACE_CAPACITY, bad_openings, first_bad, first_bad >= 0 ? atomic_load(&sh->seated[first_bad]) : 0,
          first_bad >= 0 ? atomic_load(&sh->opened[first_bad]) : 0);
    pthread_barrier_destroy(&sh->barrier);
    munmap(sh, sizeof *sh);

    /* The openings counted exactly, and the room empty. */
    voipsign_ledger *l = ledger_on(url, NULL, prefix, 0);
    if (l == NULL) return;
    voipsign_usage u;
    voipsign_error err;
    voipsign_status st = voipsign_ledger_usage(l, S(RAPP), VOIPSIGN_UNSET, VOIPSIGN_UNSET, &u, &err);
    CHECK(st == VOIPSIGN_OK && u.openings == (uint64_t)rounds, "%s race: usage.openings %llu after %d rounds (%s)", store,
          (unsigned long long)u.openings, rounds, voipsign_status_name(st));
    /* Every counter equals the sum of what the clients were told: 10 seats granted
     * and left a round, the other 54 of the 64 admissions refused (ROOM_FULL). */
    uint64_t granted = (uint64_t)RACE_CAPACITY * (uint64_t)rounds;
    uint64_t tried = (uint64_t)RACE_PROCS * RACE_THREADS * 2 * (uint64_t)rounds;
    CHECK(st == VOIPSIGN_OK && u.admissions == granted && u.leaves == granted && u.refused_room_full == tried - granted &&
              u.renewals == 0 && u.expired == 0 && u.refused_daily_limit == 0 && u.refused_member_limit == 0 &&
              u.peak_seats == RACE_CAPACITY && u.live_seats == 0 && u.live_rooms == 0,
          "%s race: counters " USAGE_FMT, store, USAGE_ARGS(&u));
    char json[ROOM_CAP];
    size_t len;
    st = voipsign_ledger_room(l, S(RAPP), S("race-room"), VOIPSIGN_UNSET, json, sizeof json, &len, &err);
    /* (Not its generation: the store forgets it a second after the room empties.) */
    CHECK(st == VOIPSIGN_OK && json_members(json) == 0, "%s race: room %s", store, json);
    voipsign_ledger_free(l);
    printf("%s race: %d processes x %d threads, %d rounds of 64 admissions in %.0f ms\n", store, RACE_PROCS,
           RACE_THREADS, rounds, ms);
}

#include "rooms_redis_faults.h"

int main(void) {
    signal(SIGALRM, on_alarm);
    alarm(600);
    long long t0 = now_ns();
    test_options_and_checks();
    test_table("VOIPSIGN_REDIS_URL", "redis");
    test_table("VOIPSIGN_REDIS_CLUSTER_URL", "redis cluster");
    test_table("VOIPSIGN_REDIS_SENTINEL_URL", "redis sentinel");
    test_cluster_slot();
    test_passwords();
    test_race("VOIPSIGN_REDIS_URL", "redis");
    test_race("VOIPSIGN_REDIS_CLUSTER_URL", "redis cluster");
    test_kill_restart();
    test_signals();
    alarm(0);
    printf("redis suite: %.1f s\n", ms_since(t0) / 1000);
    return check_summary();
}
