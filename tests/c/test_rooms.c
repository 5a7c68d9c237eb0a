/* The room ledger (docs/ROOMS.md) through the C ABI, on the memory store (the Redis
 * store: test_rooms_redis.c).
 *
 * 1. Every scenario and step of tests/vectors/rooms.json (build/c/rooms.h, made by
 *    tests/c/gen_rooms.py, run by rooms_table.h): a fresh ledger per scenario from
 *    voipsign_rules_default() with the scenario's rules; INVALID_RULES scenarios must
 *    be refused by voipsign_ledger_new_memory with *out untouched; each step either
 *    fails with the status named by "error" (outputs untouched, err filled) or gives
 *    every field of "expect" (admit_and_issue's ticket signature checked with
 *    voipsign_verify).
 * 2. Four threads share one ledger: VOIPSIGN_TEST_ROOM_OPS operations in all
 *    (default 10^5) on a few rooms with explicit times from an atomic counter; never
 *    more than the capacity seated (admission.members, the room JSON), and the
 *    openings counted by the threads equal usage.openings and the rooms' generations;
 *    every other counter equals what the threads were told, the seats add up to the
 *    live ones, the live counts to the rooms' (test_pages, test_member_limit:
 *    voipsign_ledger_rooms and the member limit, rooms_pages.h).
 * 3. Ledgers created and freed while idle, many times (valgrind: no leak); bad rules
 *    and member ids; NULL ledger / NULL outputs; too small buffers;
 *    voipsign_ledger_free(NULL).
 *
 * Prints "N passed, M failed" last. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rooms.h"
#include "rooms_table.h"

/* --- the vectors (rooms_table.h) on memory ledgers --- */

static voipsign_status make_memory(const struct rscenario *sc, const voipsign_rules *rules, voipsign_ledger **out,
                                   voipsign_error *err, void *ctx) {
    (void)sc;
    (void)ctx;
    return voipsign_ledger_new_memory(rules, out, err);
}

static void test_vectors(void) { rooms_run_table("memory", make_memory, NULL); }

/* --- four threads on one ledger --- */

enum { STRESS_THREADS = 4, STRESS_ROOMS = 3, STRESS_MEMBERS = 8, STRESS_CAPACITY = 4 };
#define STRESS_APP "wxstress0000000001"
/* 2024-06-01 12:00 in UTC+8: 10^5 ticks of 50 ms stay within the day. */
#define STRESS_BASE 1717214400000LL
#define STRESS_TICK 50

static voipsign_ledger *stress_ledger;
static atomic_llong stress_clock;
static long stress_ops_per_thread;

struct stress {
    int index;
    unsigned long long opened, admitted, renewed, full, left, hb_refused, ops;
    int failures;
    char first_failure[256];
    pthread_barrier_t *barrier;
};

static void stress_fail(struct stress *t, const char *fmt, long long a, long long b) {
    if (t->failures++ == 0) snprintf(t->first_failure, sizeof t->first_failure, fmt, a, b);
}

static void *stress_thread(void *arg) {
    struct stress *t = arg;
    uint64_t rng = 0x9E3779B97F4A7C15ull * (uint64_t)(t->index + 1);
    char json[ROOM_CAP];
    unsigned long long last_openings = 0;
    pthread_barrier_wait(t->barrier);
    for (long i = 0; i < stress_ops_per_thread; i++) {
        rng ^= rng >> 12;
        rng ^= rng << 25;
        rng ^= rng >> 27;
        uint64_t r = rng * 0x2545F4914F6CDD1Dull;
        char group[16], member[16];
        int glen = snprintf(group, sizeof group, "room-%d", (int)(r % STRESS_ROOMS));
        int mlen = snprintf(member, sizeof member, "m%d", (int)((r >> 8) % STRESS_MEMBERS));
        int64_t now = atomic_fetch_add(&stress_clock, STRESS_TICK);
        voipsign_error err;
        voipsign_status st;
        unsigned op = (unsigned)((r >> 16) % 20);
        if (op < 8) {
            voipsign_admission a;
            st = voipsign_ledger_admit(stress_ledger, S(STRESS_APP), group, glen, member, mlen, now, &a, &err);
            if (st == VOIPSIGN_OK) {
                t->admitted++;
                if (a.opened) t->opened++;
                if (a.renewed) t->renewed++;
                if (a.members < 1 || a.members > STRESS_CAPACITY)
                    stress_fail(t, "admit: %lld members, capacity %lld", a.members, STRESS_CAPACITY);
                if (a.opened && a.renewed) stress_fail(t, "admit: opened and renewed %lld %lld", 1, 1);
            } else if (st == VOIPSIGN_ROOM_FULL) {
                t->full++;
            } else {
                stress_fail(t, "admit: status %lld (%lld)", st, 0);
            }
        } else if (op < 12) {
            bool removed;
            st = voipsign_ledger_leave(stress_ledger, S(STRESS_APP), group, glen, member, mlen, now, &removed, &err);
            if (st != VOIPSIGN_OK) stress_fail(t, "leave: status %lld (%lld)", st, 0);
            else if (removed) t->left++;
        } else if (op < 15) {
            int64_t exp;
            st = voipsign_ledger_heartbeat(stress_ledger, S(STRESS_APP), group, glen, member, mlen, now, &exp, &err);
            if (st == VOIPSIGN_NOT_ADMITTED) t->hb_refused++;
            else if (st != VOIPSIGN_OK) stress_fail(t, "heartbeat: status %lld (%lld)", st, 0);
        } else if (op < 19) {
            /* sync with no ids (it would adopt listed members without checking the
             * capacity: docs/ROOMS.md) removes old unlisted seats; room reads. */
            size_t len;
            st = op < 17 ? voipsign_ledger_sync(stress_ledger, S(STRESS_APP), group, glen, NULL, NULL, 0, now, json,
                                                sizeof json, &len, &err)
                         : voipsign_ledger_room(stress_ledger, S(STRESS_APP), group, glen, now, json, sizeof json,
                                                &len, &err);
            if (st != VOIPSIGN_OK) {
                stress_fail(t, "sync/room: status %lld (%lld)", st, 0);
            } else if (json_members(json) > STRESS_CAPACITY) {
                stress_fail(t, "room JSON: %lld members, capacity %lld", json_members(json), STRESS_CAPACITY);
            }
        } else {
            voipsign_usage u;
            st = voipsign_ledger_usage(stress_ledger, S(STRESS_APP), VOIPSIGN_UNSET, now, &u, &err);
            if (st != VOIPSIGN_OK) {
                stress_fail(t, "usage: status %lld (%lld)", st, 0);
            } else {
                if (u.openings < last_openings)
                    stress_fail(t, "usage.openings went down: %lld after %lld", (long long)u.openings,
                                (long long)last_openings);
                last_openings = u.openings;
            }
        }
        t->ops++;
    }
    return NULL;
}

static long env_long(const char *name, long dflt) {
    const char *v = getenv(name);
    long n = v ? strtol(v, NULL, 10) : 0;
    return n > 0 ? n : dflt;
}

static void test_stress(void) {
    long total = env_long("VOIPSIGN_TEST_ROOM_OPS", 100000);
    stress_ops_per_thread = total / STRESS_THREADS;
    voipsign_rules rules = voipsign_rules_default();
    rules.capacity = STRESS_CAPACITY;
    rules.reserve_ttl_ms = 5000; /* short leases: seats expire and rooms reopen */
    rules.lease_ttl_ms = 3000;
    rules.sync_grace_ms = 2000;
    rules.member_daily_openings = 0; /* 16 members reopen rooms all day: no member limit here */
    voipsign_error err;
    voipsign_status st = voipsign_ledger_new_memory(&rules, &stress_ledger, &err);
    CHECK(st == VOIPSIGN_OK, "stress: new_memory: %s", voipsign_status_name(st));
    if (st != VOIPSIGN_OK) return;
    atomic_store(&stress_clock, STRESS_BASE);

    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, STRESS_THREADS);
    pthread_t th[STRESS_THREADS];
    struct stress t[STRESS_THREADS];
    memset(t, 0, sizeof t);
    for (int i = 0; i < STRESS_THREADS; i++) {
        t[i].index = i;
        t[i].barrier = &barrier;
        CHECK(pthread_create(&th[i], NULL, stress_thread, &t[i]) == 0, "stress: pthread_create %d", i);
    }
    unsigned long long opened = 0, admitted = 0, renewed = 0, full = 0, left = 0, hb_refused = 0, ops = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(t[i].failures == 0, "stress thread %d: %d failures, first: %s", i, t[i].failures, t[i].first_failure);
        opened += t[i].opened;
        admitted += t[i].admitted;
        renewed += t[i].renewed;
        full += t[i].full;
        left += t[i].left;
        hb_refused += t[i].hb_refused;
        ops += t[i].ops;
    }
    pthread_barrier_destroy(&barrier);
    CHECK(ops == (unsigned long long)(stress_ops_per_thread * STRESS_THREADS), "stress: %llu operations", ops);

    int64_t end = atomic_load(&stress_clock);
    voipsign_usage u;
    st = voipsign_ledger_usage(stress_ledger, S(STRESS_APP), VOIPSIGN_UNSET, end, &u, &err);
    CHECK(st == VOIPSIGN_OK && u.openings == opened, "stress: usage.openings %llu, openings counted %llu",
          (unsigned long long)u.openings, opened);
    /* Every counter equals what the threads were told; the seats add up. */
    CHECK(st == VOIPSIGN_OK && u.admissions + u.renewals == admitted && u.renewals == renewed &&
              u.refused_room_full == full && u.leaves == left && u.heartbeats_refused == hb_refused &&
              u.refused_daily_limit == 0 && u.refused_member_limit == 0 && u.adopted_by_sync == 0 &&
              u.admissions - u.leaves - u.removed_by_sync - u.expired == (uint64_t)u.live_seats &&
              u.live_seats >= 0 && u.peak_seats >= (uint64_t)u.live_seats &&
              u.peak_seats <= STRESS_ROOMS * STRESS_CAPACITY,
          "stress: counters " USAGE_FMT " (told: %llu admitted, %llu renewed, %llu full, %llu left, "
          "%llu heartbeats refused)", USAGE_ARGS(&u), admitted, renewed, full, left, hb_refused);
    /* Every opening raised its room's generation by one (sync adopted nobody). */
    long long generations = 0, live_rooms = 0, live_seats = 0;
    for (int r = 0; r < STRESS_ROOMS; r++) {
        char group[16], json[ROOM_CAP];
        int glen = snprintf(group, sizeof group, "room-%d", r);
        size_t len;
        st = voipsign_ledger_room(stress_ledger, S(STRESS_APP), group, glen, end, json, sizeof json, &len, &err);
        CHECK(st == VOIPSIGN_OK && json_members(json) <= STRESS_CAPACITY, "stress: final room %d: %s", r, json);
        generations += json_generation(json);
        live_seats += json_members(json);
        live_rooms += json_members(json) > 0;
    }
    CHECK(u.live_rooms == live_rooms && u.live_seats == live_seats, "stress: live %lld rooms %lld seats, the rooms "
          "hold %lld, %lld", (long long)u.live_rooms, (long long)u.live_seats, live_rooms, live_seats);
    CHECK(generations == (long long)opened, "stress: generations %lld, openings %llu", generations, opened);
    CHECK(opened > 1 && full > 0 && admitted > opened, "stress: a poor mix: %llu openings, %llu full, %llu admitted",
          opened, full, admitted);
    printf("stress: %d threads, %llu operations, %llu admissions, %llu openings, %llu ROOM_FULL\n", STRESS_THREADS,
           ops, admitted, opened, full);
    voipsign_ledger_free(stress_ledger);
    stress_ledger = NULL;
}

/* --- lifetimes, bad inputs, NULLs, small buffers --- */

static voipsign_ledger *new_ledger(void) {
    voipsign_rules r = voipsign_rules_default();
    voipsign_ledger *l = NULL;
    voipsign_status st = voipsign_ledger_new_memory(&r, &l, NULL);
    CHECK(st == VOIPSIGN_OK && l != NULL, "new_memory(defaults): %s", voipsign_status_name(st));
    return l;
}

/* Created and freed while idle (now and then holding a seat and a day count):
 * valgrind reports any leak. */
static void test_create_free(void) {
    int bad = 0;
    for (int i = 0; i < 2000; i++) {
        voipsign_rules r = voipsign_rules_default();
        r.capacity = 1 + i % 10;
        voipsign_ledger *l = NULL;
        if (voipsign_ledger_new_memory(&r, &l, NULL) != VOIPSIGN_OK || l == NULL) {
            bad++;
            continue;
        }
        if (i % 3 == 0) {
            voipsign_admission a;
            if (voipsign_ledger_admit(l, S(APP), S(GROUP), S("openid-a"), STRESS_BASE + i, &a, NULL) != VOIPSIGN_OK)
                bad++;
        }
        voipsign_ledger_free(l);
    }
    CHECK(bad == 0, "create/free: %d failures", bad);
    voipsign_ledger_free(NULL); /* a no-op */
    CHECK(1, "voipsign_ledger_free(NULL) returned");
}

static void test_rules(void) {
    voipsign_rules d = voipsign_rules_default();
    CHECK(d.capacity == 10 && d.daily_room_limit == 100000 && d.daily_room_warning == VOIPSIGN_UNSET &&
              d.reserve_ttl_ms == 60000 && d.lease_ttl_ms == 45000 && d.sync_grace_ms == VOIPSIGN_UNSET &&
              d.day_offset_minutes == 480 && d.on_unavailable == 0 && d.member_daily_openings == 100,
          "voipsign_rules_default()");
    struct {
        const char *name;
        size_t field; /* offset in voipsign_rules */
        int64_t v;
        bool ok;
    } cases[] = {
#define R(f, v, ok) {#f " = " #v, offsetof(voipsign_rules, f), (v), (ok)}
        R(capacity, 0, false), R(capacity, 11, false), R(capacity, -1, false), R(capacity, INT64_MAX, false),
        R(capacity, VOIPSIGN_UNSET, false), R(capacity, 1, true), R(capacity, 10, true),
        R(daily_room_limit, 0, false), R(daily_room_limit, 100001, false), R(daily_room_limit, 1, true),
        R(daily_room_limit, VOIPSIGN_UNSET, false),
        R(daily_room_warning, -1, false), R(daily_room_warning, 100001, false), R(daily_room_warning, 0, true),
        R(daily_room_warning, 100000, true), R(daily_room_warning, VOIPSIGN_UNSET, true),
        R(member_daily_openings, -1, false), R(member_daily_openings, 100001, false),
        R(member_daily_openings, 0, true), R(member_daily_openings, 100000, true),
        R(reserve_ttl_ms, 999, false), R(reserve_ttl_ms, 3600001, false), R(reserve_ttl_ms, 1000, true),
        R(reserve_ttl_ms, 3600000, true), R(reserve_ttl_ms, VOIPSIGN_UNSET, false),
        R(lease_ttl_ms, 999, false), R(lease_ttl_ms, 3600001, false), R(lease_ttl_ms, 1000, true),
        R(lease_ttl_ms, 3600000, true),
        R(sync_grace_ms, -1, false), R(sync_grace_ms, 3600001, false), R(sync_grace_ms, 0, true),
        R(sync_grace_ms, 3600000, true), R(sync_grace_ms, VOIPSIGN_UNSET, true),
        R(day_offset_minutes, -721, false), R(day_offset_minutes, 841, false), R(day_offset_minutes, -720, true),
        R(day_offset_minutes, 840, true), R(day_offset_minutes, VOIPSIGN_UNSET, false),
        /* on_unavailable is a number in C: 0 allow, 1 refuse, anything else refused. */
        R(on_unavailable, 0, true), R(on_unavailable, 1, true), R(on_unavailable, 2, false),
        R(on_unavailable, -1, false), R(on_unavailable, 7, false), R(on_unavailable, VOIPSIGN_UNSET, false),
#undef R
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        voipsign_rules r = voipsign_rules_default();
        memcpy((char *)&r + cases[i].field, &cases[i].v, sizeof(int64_t));
        voipsign_ledger *sentinel = (voipsign_ledger *)&r, *l = sentinel;
        voipsign_error err;
        voipsign_status st = voipsign_ledger_new_memory(&r, &l, &err);
        if (cases[i].ok) {
            CHECK(st == VOIPSIGN_OK && l != sentinel, "rules %s: %s", cases[i].name, voipsign_status_name(st));
            if (st == VOIPSIGN_OK) voipsign_ledger_free(l);
        } else {
            CHECK(st == VOIPSIGN_INVALID_RULES && err_ok(&err, st) && l == sentinel, "rules %s: %s, *out %s",
                  cases[i].name, voipsign_status_name(st), l == sentinel ? "untouched" : "written");
        }
    }
    /* The warning above the limit, also the default warning's 90000 above a limit of 5;
     * a limit of 5 alone takes the warning 4. */
    voipsign_rules r = voipsign_rules_default();
    voipsign_ledger *l = NULL;
    r.daily_room_limit = 5;
    r.daily_room_warning = 6;
    CHECK(voipsign_ledger_new_memory(&r, &l, NULL) == VOIPSIGN_INVALID_RULES && l == NULL, "warning 6 > limit 5");
    r.daily_room_warning = 90000;
    CHECK(voipsign_ledger_new_memory(&r, &l, NULL) == VOIPSIGN_INVALID_RULES && l == NULL, "warning 90000 > limit 5");
    r.daily_room_warning = VOIPSIGN_UNSET;
    CHECK(voipsign_ledger_new_memory(&r, &l, NULL) == VOIPSIGN_OK && l != NULL, "limit 5, warning unset");
    voipsign_ledger_free(l);
}

/* Bad member ids through every op that takes one (sync: as openIds[1]); nothing is
 * seated by a refused call. */
static void test_member_ids(void) {
    voipsign_ledger *l = new_ledger();
    if (l == NULL) return;
    char long_id[130];
    memset(long_id, 'x', sizeof long_id);
    struct {
        const char *name, *id;
        size_t len;
        voipsign_status want;
    } ids[] = {
        {"empty", "", 0, VOIPSIGN_INVALID_MEMBER_ID},
        {"(NULL, 0)", NULL, 0, VOIPSIGN_INVALID_MEMBER_ID},
        {"NULL with a length", NULL, 5, VOIPSIGN_NULL_ARGUMENT},
        {"129 bytes", long_id, 129, VOIPSIGN_INVALID_MEMBER_ID},
        {"130 bytes", long_id, 130, VOIPSIGN_INVALID_MEMBER_ID},
        {"a space", S("a b"), VOIPSIGN_INVALID_MEMBER_ID},
        {"a tab", S("a\tb"), VOIPSIGN_INVALID_MEMBER_ID},
        {"a NUL", S("a\0b"), VOIPSIGN_INVALID_MEMBER_ID},
        {"DEL", S("a\177"), VOIPSIGN_INVALID_MEMBER_ID},
        {"non-ASCII", S("\303\251"), VOIPSIGN_INVALID_MEMBER_ID},
        {"not UTF-8", S("a\377"), VOIPSIGN_INVALID_UTF8},
        {"a surrogate", S("\355\240\200"), VOIPSIGN_INVALID_UTF8},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *id = ids[i].id;
        size_t n = ids[i].len;
        voipsign_status want = ids[i].want;
        voipsign_error err;
        voipsign_admission a;
        int64_t exp;
        bool removed;
        char buf[TICKET_CAP];
        size_t len;
        voipsign_status st = voipsign_ledger_admit(l, S(APP), S(GROUP), id, n, TS * 1000, &a, &err);
        CHECK(st == want && err_ok(&err, st), "admit memberId %s: %s", ids[i].name, voipsign_status_name(st));
        st = voipsign_ledger_admit_and_issue(l, S(APP), S(GROUP), id, n, S(KEY), NULL, 0, TS * 1000, &a, buf,
                                             sizeof buf, &len, &err);
        CHECK(st == want, "admit_and_issue memberId %s: %s", ids[i].name, voipsign_status_name(st));
        st = voipsign_ledger_heartbeat(l, S(APP), S(GROUP), id, n, TS * 1000, &exp, &err);
        CHECK(st == want, "heartbeat memberId %s: %s", ids[i].name, voipsign_status_name(st));
        st = voipsign_ledger_leave(l, S(APP), S(GROUP), id, n, TS * 1000, &removed, &err);
        CHECK(st == want, "leave memberId %s: %s", ids[i].name, voipsign_status_name(st));
        const char *list[2] = {"alice", id};
        size_t lens[2] = {5, n};
        st = voipsign_ledger_sync(l, S(APP), S(GROUP), list, lens, 2, TS * 1000, buf, sizeof buf, &len, &err);
        CHECK(st == want && strncmp(err.message, "openIds[1]", 10) == 0, "sync openIds[1] %s: %s (%s)", ids[i].name,
              voipsign_status_name(st), err.message);
    }
    /* 128 bytes is the longest id. */
    voipsign_admission a;
    CHECK(voipsign_ledger_admit(l, S(APP), S("room-128"), long_id, 128, TS * 1000, &a, NULL) == VOIPSIGN_OK &&
              a.opened && a.members == 1,
          "admit a 128-byte memberId");
    /* Nothing was seated in GROUP. */
    char buf[ROOM_CAP];
    size_t len;
    voipsign_status st = voipsign_ledger_room(l, S(APP), S(GROUP), TS * 1000, buf, sizeof buf, &len, NULL);
    CHECK(st == VOIPSIGN_OK && strcmp(buf, "{\"members\":[],\"generation\":0,\"live\":false}") == 0,
          "refused calls seated nobody: %s", buf);
    voipsign_ledger_free(l);
}

/* A NULL ledger, and a NULL for each output: NULL_ARGUMENT, and nothing seated. */
static void test_nulls(void) {
    voipsign_ledger *l = new_ledger();
    if (l == NULL) return;
    voipsign_admission a;
    int64_t exp;
    bool removed;
    voipsign_usage u;
    char buf[TICKET_CAP];
    size_t len;
    voipsign_error err;
    const int64_t now = TS * 1000;
    const char *ids[1] = {"alice"};
    size_t lens[1] = {5};
    voipsign_rules r = voipsign_rules_default();

    /* new_memory: NULL rules, NULL out */
    voipsign_ledger *sentinel = (voipsign_ledger *)&r, *l2 = sentinel;
    voipsign_status st = voipsign_ledger_new_memory(NULL, &l2, &err);
    CHECK(st == VOIPSIGN_NULL_ARGUMENT && err_ok(&err, st) && l2 == sentinel, "new_memory(NULL rules): %s",
          voipsign_status_name(st));
    st = voipsign_ledger_new_memory(&r, NULL, &err);
    CHECK(st == VOIPSIGN_NULL_ARGUMENT && err_ok(&err, st), "new_memory(NULL out): %s", voipsign_status_name(st));

#define NULL_CASE(call, what)                                                                  \
    do {                                                                                       \
        memset(&err, 0, sizeof err);                                                           \
        voipsign_status s_ = (call);                                                           \
        CHECK(s_ == VOIPSIGN_NULL_ARGUMENT && err_ok(&err, s_), "%s: %s", (what),              \
              voipsign_status_name(s_));                                                       \
    } while (0)
    /* a NULL ledger */
    NULL_CASE(voipsign_ledger_admit(NULL, S(APP), S(GROUP), S("alice"), now, &a, &err), "admit(NULL ledger)");
    NULL_CASE(voipsign_ledger_admit_and_issue(NULL, S(APP), S(GROUP), S("alice"), S(KEY), NULL, 0, now, &a, buf,
                                              sizeof buf, &len, &err),
              "admit_and_issue(NULL ledger)");
    NULL_CASE(voipsign_ledger_heartbeat(NULL, S(APP), S(GROUP), S("alice"), now, &exp, &err), "heartbeat(NULL ledger)");
    NULL_CASE(voipsign_ledger_leave(NULL, S(APP), S(GROUP), S("alice"), now, &removed, &err), "leave(NULL ledger)");
    NULL_CASE(voipsign_ledger_sync(NULL, S(APP), S(GROUP), ids, lens, 1, now, buf, sizeof buf, &len, &err),
              "sync(NULL ledger)");
    NULL_CASE(voipsign_ledger_room(NULL, S(APP), S(GROUP), now, buf, sizeof buf, &len, &err), "room(NULL ledger)");
    NULL_CASE(voipsign_ledger_usage(NULL, S(APP), VOIPSIGN_UNSET, now, &u, &err), "usage(NULL ledger)");
    /* NULL outputs */
    NULL_CASE(voipsign_ledger_admit(l, S(APP), S(GROUP), S("alice"), now, NULL, &err), "admit(NULL out)");
    NULL_CASE(voipsign_ledger_admit_and_issue(l, S(APP), S(GROUP), S("alice"), S(KEY), NULL, 0, now, NULL, buf,
                                              sizeof buf, &len, &err),
              "admit_and_issue(NULL out)");
    NULL_CASE(voipsign_ledger_admit_and_issue(l, S(APP), S(GROUP), S("alice"), S(KEY), NULL, 0, now, &a, NULL,
                                              sizeof buf, &len, &err),
              "admit_and_issue(NULL ticket)");
    NULL_CASE(voipsign_ledger_heartbeat(l, S(APP), S(GROUP), S("alice"), now, NULL, &err), "heartbeat(NULL out)");
    NULL_CASE(voipsign_ledger_leave(l, S(APP), S(GROUP), S("alice"), now, NULL, &err), "leave(NULL out)");
    NULL_CASE(voipsign_ledger_room(l, S(APP), S(GROUP), now, NULL, sizeof buf, &len, &err), "room(NULL out)");
    NULL_CASE(voipsign_ledger_usage(l, S(APP), VOIPSIGN_UNSET, now, NULL, &err), "usage(NULL out)");
    /* sync: NULL id arrays with a count, NULL out */
    NULL_CASE(voipsign_ledger_sync(l, S(APP), S(GROUP), NULL, lens, 1, now, buf, sizeof buf, &len, &err),
              "sync(NULL open_ids)");
    NULL_CASE(voipsign_ledger_sync(l, S(APP), S(GROUP), ids, NULL, 1, now, buf, sizeof buf, &len, &err),
              "sync(NULL open_id_lens)");
    NULL_CASE(voipsign_ledger_sync(l, S(APP), S(GROUP), ids, lens, 1, now, NULL, sizeof buf, &len, &err),
              "sync(NULL out)");
    /* NULL strings with a length */
    NULL_CASE(voipsign_ledger_admit(l, NULL, 3, S(GROUP), S("alice"), now, &a, &err), "admit(NULL appId, 3)");
    NULL_CASE(voipsign_ledger_room(l, S(APP), NULL, 3, now, buf, sizeof buf, &len, &err), "room(NULL groupId, 3)");
    NULL_CASE(voipsign_ledger_admit_and_issue(l, S(APP), S(GROUP), S("alice"), NULL, 24, NULL, 0, now, &a, buf,
                                              sizeof buf, &len, &err),
              "admit_and_issue(NULL sessionKey, 24)");
    NULL_CASE(voipsign_ledger_admit_and_issue(l, S(APP), S(GROUP), S("alice"), S(KEY), NULL, 5, now, &a, buf,
                                              sizeof buf, &len, &err),
              "admit_and_issue(NULL roomType, 5)");
#undef NULL_CASE
    /* (NULL, 0) roomType is voice; count 0 with NULL arrays is an empty list. */
    st = voipsign_ledger_admit_and_issue(l, S(APP), S("room-voice"), S("alice"), S(KEY), NULL, 0, now, &a, buf,
                                         sizeof buf, &len, NULL);
    CHECK(st == VOIPSIGN_OK && strstr(buf, "\"roomType\":\"voice\"") != NULL, "roomType (NULL, 0): %s", buf);
    st = voipsign_ledger_sync(l, S(APP), S("room-voice"), NULL, NULL, 0, now + 1, buf, sizeof buf, &len, NULL);
    CHECK(st == VOIPSIGN_OK && json_members(buf) == 1, "sync(NULL, NULL, 0): %s", buf);

    /* None of the refused calls seated anybody in GROUP. */
    st = voipsign_ledger_room(l, S(APP), S(GROUP), now, buf, sizeof buf, &len, NULL);
    CHECK(st == VOIPSIGN_OK && strcmp(buf, "{\"members\":[],\"generation\":0,\"live\":false}") == 0,
          "refused calls seated nobody: %s", buf);
    voipsign_ledger_free(l);
}

/* The room JSON into a buffer one byte short (and 0 bytes): BUFFER_TOO_SMALL, the
 * length needed (without the NUL) in *out_len, nothing written; a ticket buffer
 * under 4096 bytes is refused before the admission. */
static void test_small_buffers(void) {
    voipsign_ledger *l = new_ledger();
    if (l == NULL) return;
    const int64_t now = TS * 1000;
    voipsign_admission a;
    const char *members[] = {"alice", "bob", "carol"};
    for (int i = 0; i < 3; i++)
        CHECK(voipsign_ledger_admit(l, S(APP), S(GROUP), members[i], strlen(members[i]), now + i, &a, NULL) ==
                  VOIPSIGN_OK,
              "admit %s", members[i]);
    char full[ROOM_CAP];
    size_t need = 0;
    voipsign_status st = voipsign_ledger_room(l, S(APP), S(GROUP), now + 3, full, sizeof full, &need, NULL);
    CHECK(st == VOIPSIGN_OK && need == strlen(full) && json_members(full) == 3, "room: %s", full);

    size_t caps[] = {0, 1, need / 2, need};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char buf[ROOM_CAP];
        memset(buf, 'Z', sizeof buf);
        size_t len = 12345;
        voipsign_error err;
        st = voipsign_ledger_room(l, S(APP), S(GROUP), now + 3, buf, caps[i], &len, &err);
        CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && len == need && all_bytes(buf, sizeof buf, 'Z') && err_ok(&err, st),
              "room into %zu bytes: %s, *out_len %zu (need %zu)", caps[i], voipsign_status_name(st), len, need);
        /* sync (no ids: it changes nothing here, every seat is younger than the grace) */
        memset(buf, 'Z', sizeof buf);
        len = 12345;
        st = voipsign_ledger_sync(l, S(APP), S(GROUP), NULL, NULL, 0, now + 3, buf, caps[i], &len, &err);
        CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && len == need && all_bytes(buf, sizeof buf, 'Z') && err_ok(&err, st),
              "sync into %zu bytes: %s, *out_len %zu (need %zu)", caps[i], voipsign_status_name(st), len, need);
    }
    /* out_len NULL: still refused; exactly need + 1 bytes: the same text. */
    char buf[ROOM_CAP];
    memset(buf, 'Z', sizeof buf);
    st = voipsign_ledger_room(l, S(APP), S(GROUP), now + 3, buf, need, NULL, NULL);
    CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && all_bytes(buf, sizeof buf, 'Z'), "room, out_len NULL: %s",
          voipsign_status_name(st));
    size_t len = 0;
    st = voipsign_ledger_room(l, S(APP), S(GROUP), now + 3, buf, need + 1, &len, NULL);
    CHECK(st == VOIPSIGN_OK && len == need && strcmp(buf, full) == 0 && buf[need + 1] == 'Z',
          "room into need + 1 bytes: %s", voipsign_status_name(st));

    /* admit_and_issue with a ticket buffer of 4095 bytes: refused, nobody seated. */
    static char ticket[TICKET_CAP];
    memset(ticket, 'Z', sizeof ticket);
    memset(&a, SENTINEL, sizeof a);
    voipsign_error err;
    st = voipsign_ledger_admit_and_issue(l, S(APP), S("room-ticket"), S("dave"), S(KEY), S("video"), now, &a, ticket,
                                         TICKET_CAP - 1, &len, &err);
    CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && err_ok(&err, st) && all_bytes(ticket, sizeof ticket, 'Z') &&
              all_bytes(&a, sizeof a, SENTINEL),
          "admit_and_issue into 4095 bytes: %s", voipsign_status_name(st));
    st = voipsign_ledger_room(l, S(APP), S("room-ticket"), now, buf, sizeof buf, &len, NULL);
    CHECK(st == VOIPSIGN_OK && strcmp(buf, "{\"members\":[],\"generation\":0,\"live\":false}") == 0,
          "a refused ticket seated nobody: %s", buf);
    voipsign_ledger_free(l);
}

/* voipsign_ledger_open: options by name (JSON), parsed by core in the caller's
 * spelling; voipsign_room_json_bound (voipsign_status_kind: test_voipsign.c). */
static voipsign_status open_err(const char *url, size_t url_len, const char *json, size_t len, int sp,
                                voipsign_error *e) {
    voipsign_ledger *l = NULL;
    voipsign_status st = voipsign_ledger_open(url, url_len, json, len, sp, &l, e);
    CHECK(st != VOIPSIGN_OK || l != NULL, "open: OK without a ledger");
    CHECK(st == VOIPSIGN_OK || l == NULL, "open: *out written on failure");
    voipsign_ledger_free(l);
    return st;
}

static void test_open(void) {
    voipsign_ledger *l = NULL;
    voipsign_error e;
    voipsign_status st = voipsign_ledger_open(NULL, 0, S("{\"capacity\":2,\"dailyRoomLimit\":5}"),
                                              VOIPSIGN_SPELLING_CAMEL, &l, &e);
    CHECK_STATUS(st, VOIPSIGN_OK, "open(memory, camel)");
    voipsign_admission a;
    voipsign_usage u;
    CHECK_STATUS(voipsign_ledger_admit(l, S(APP), S(GROUP), S("m1"), STRESS_BASE, &a, NULL), VOIPSIGN_OK, "admit 1");
    CHECK_STATUS(voipsign_ledger_admit(l, S(APP), S(GROUP), S("m2"), STRESS_BASE, &a, NULL), VOIPSIGN_OK, "admit 2");
    CHECK_STATUS(voipsign_ledger_admit(l, S(APP), S(GROUP), S("m3"), STRESS_BASE, &a, NULL), VOIPSIGN_ROOM_FULL,
                 "admit 3 (capacity 2 from the JSON)");
    st = voipsign_ledger_usage(l, S(APP), VOIPSIGN_UNSET, STRESS_BASE, &u, NULL);
    CHECK(st == VOIPSIGN_OK && u.daily_room_limit == 5 && u.openings == 1, "usage: limit %llu", (unsigned long long)u.daily_room_limit);
    voipsign_ledger_free(l);
    CHECK_STATUS(open_err(NULL, 0, NULL, 0, VOIPSIGN_SPELLING_SNAKE, &e), VOIPSIGN_OK, "open(memory, no options)");

    st = open_err(NULL, 0, S("{\"daily_room_limit\":5}"), VOIPSIGN_SPELLING_CAMEL, &e);
    CHECK(st == VOIPSIGN_INVALID_RULES && strstr(e.message, "did you mean dailyRoomLimit?"), "camel: %s", e.message);
    st = open_err(NULL, 0, S("{\"daily_room_warning\":6,\"daily_room_limit\":5}"), VOIPSIGN_SPELLING_SNAKE, &e);
    CHECK(st == VOIPSIGN_INVALID_RULES &&
              strcmp(e.message, "daily_room_warning is 6; it must be 0-5 (at most daily_room_limit)") == 0,
          "snake: %s", e.message);
    st = open_err(NULL, 0, S("{\"keyPrefix\":\"t\"}"), VOIPSIGN_SPELLING_CAMEL, &e);
    CHECK(st == VOIPSIGN_INVALID_RULES && strstr(e.message, "Redis ledger only"), "memory + keyPrefix: %s", e.message);
    st = open_err(NULL, 0, S("{\"capacity\":\"2\"}"), VOIPSIGN_SPELLING_SNAKE, &e);
    CHECK(st == VOIPSIGN_INVALID_RULES && strstr(e.message, "not a string"), "a string capacity: %s", e.message);
    CHECK_STATUS(open_err(NULL, 0, S("[1]"), VOIPSIGN_SPELLING_SNAKE, &e), VOIPSIGN_INVALID_RULES, "not an object");
    CHECK_STATUS(open_err(NULL, 0, S("{}"), 7, &e), VOIPSIGN_INVALID_RULES, "spelling 7");
    /* The URL is checked before the options; the message never shows it. */
    st = open_err(S("http://user:hunter2@h:1"), S("{\"capacity\":0}"), VOIPSIGN_SPELLING_CAMEL, &e);
    CHECK(st == VOIPSIGN_INVALID_REDIS_URL && !strstr(e.message, "hunter2"), "url first: %s", e.message);
    st = open_err(S("redis://127.0.0.1:1"), S("{\"connectTimeoutMs\":0}"), VOIPSIGN_SPELLING_CAMEL, &e);
    CHECK(st == VOIPSIGN_INVALID_RULES && strstr(e.message, "connectTimeoutMs is 0"), "redis option: %s", e.message);
    CHECK_STATUS(voipsign_ledger_open(NULL, 0, S("{}"), 0, NULL, NULL), VOIPSIGN_NULL_ARGUMENT, "open(out NULL)");

    CHECK(voipsign_room_json_bound(0) > 0 && voipsign_room_json_bound(11) - voipsign_room_json_bound(10) >= 300,
          "room_json_bound");
    CHECK(voipsign_room_json_bound(SIZE_MAX) == SIZE_MAX, "room_json_bound saturates");
}

#include "rooms_pages.h"

int main(void) {
    test_vectors();
    test_rules();
    test_pages();
    test_member_limit();
    test_open();
    test_member_ids();
    test_nulls();
    test_small_buffers();
    test_create_free();
    test_stress();
    return check_summary();
}
