/* The room ledger (docs/ROOMS.md) through the C ABI.
 *
 * 1. Every scenario and step of tests/vectors/rooms.json (build/c/rooms.h, made by
 *    tests/c/gen_rooms.py): a fresh ledger per scenario from voipsign_rules_default()
 *    with the scenario's rules; INVALID_RULES scenarios must be refused by
 *    voipsign_ledger_new_memory with *out untouched; each step either fails with the
 *    status named by "error" (outputs untouched, err filled) or gives every field of
 *    "expect": the admission, heartbeat's expiry, leave's bool, the room / sync JSON
 *    (the exact compact text), the usage; admit_and_issue's ticket JSON is parsed
 *    (groupId, nonceStr of 32 alphanumerics, timeStamp, roomType) and its signature
 *    checked with voipsign_verify.
 * 2. Four threads share one ledger: VOIPSIGN_TEST_ROOM_OPS operations in all
 *    (default 10^5) on a few rooms with explicit times from an atomic counter; never
 *    more than the capacity seated (admission.members, the room JSON), and the
 *    openings counted by the threads equal usage.rooms and the rooms' generations.
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

#define TICKET_CAP 4096
#define ROOM_CAP 4096
#define SENTINEL 0xA5

static bool all_bytes(const void *p, size_t n, unsigned char b) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != b) return false;
    return true;
}

/* err after a failure: the same status, a non-empty NUL-terminated message. */
static bool err_ok(const voipsign_error *err, voipsign_status st) {
    return err->status == st && err->message_len > 0 && err->message_len < VOIPSIGN_ERROR_MESSAGE_CAP &&
           err->message[err->message_len] == 0 && strlen(err->message) == err->message_len;
}

/* --- a minimal JSON reader for the ticket: one flat object of strings and integers --- */

struct jfield {
    char key[32];
    const char *val; /* the raw token: a string with its quotes, or an integer */
    size_t len;
    bool is_str;
};

/* Split `s` (n bytes) into at most `max` fields; -1 when it is not such an object. */
static int json_flat(const char *s, size_t n, struct jfield *f, int max) {
    size_t i = 0;
    int k = 0;
    if (n < 2 || s[i++] != '{') return -1;
    if (s[i] == '}') return i + 1 == n ? 0 : -1;
    for (;;) {
        if (k == max || s[i++] != '"') return -1;
        size_t start = i;
        while (i < n && s[i] != '"') {
            if (s[i] == '\\') return -1; /* the ticket's keys need no escapes */
            i++;
        }
        if (i >= n || i - start >= sizeof f[k].key) return -1;
        memcpy(f[k].key, s + start, i - start);
        f[k].key[i - start] = 0;
        i++;
        if (i >= n || s[i++] != ':') return -1;
        start = i;
        if (i < n && s[i] == '"') {
            i++;
            while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
            if (i >= n) return -1;
            i++;
            f[k].is_str = true;
        } else {
            if (i < n && s[i] == '-') i++;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
            if (i == start) return -1;
            f[k].is_str = false;
        }
        f[k].val = s + start;
        f[k].len = i - start;
        k++;
        if (i >= n) return -1;
        if (s[i] == ',') {
            i++;
            continue;
        }
        if (s[i] == '}' && i + 1 == n) return k;
        return -1;
    }
}

static const struct jfield *jget(const struct jfield *f, int n, const char *key) {
    for (int i = 0; i < n; i++)
        if (strcmp(f[i].key, key) == 0) return &f[i];
    return NULL;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode a JSON string token (with its quotes) into out; its length, or -1. Raw
 * bytes are copied as they are; the escapes a JSON writer uses are decoded
 * (\uXXXX outside the surrogates, to UTF-8). */
static long json_unescape(const struct jfield *f, char *out, size_t cap) {
    if (f == NULL || !f->is_str || f->len < 2) return -1;
    size_t o = 0, end = f->len - 1; /* the closing quote */
    for (size_t i = 1; i < end; i++) {
        char tmp[3];
        size_t m = 0;
        if (f->val[i] != '\\') {
            tmp[m++] = f->val[i];
        } else {
            if (++i >= end) return -1;
            unsigned long c = 0;
            switch (f->val[i]) {
            case '"': case '\\': case '/': c = (unsigned char)f->val[i]; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                for (int d = 0; d < 4; d++) {
                    int h = ++i < end ? hexval(f->val[i]) : -1;
                    if (h < 0) return -1;
                    c = c * 16 + (unsigned long)h;
                }
                if (c >= 0xD800 && c <= 0xDFFF) return -1;
                break;
            default: return -1;
            }
            if (c < 0x80) {
                tmp[m++] = (char)c;
            } else if (c < 0x800) {
                tmp[m++] = (char)(0xC0 | (c >> 6));
                tmp[m++] = (char)(0x80 | (c & 0x3F));
            } else {
                tmp[m++] = (char)(0xE0 | (c >> 12));
                tmp[m++] = (char)(0x80 | ((c >> 6) & 0x3F));
                tmp[m++] = (char)(0x80 | (c & 0x3F));
            }
        }
        if (o + m > cap) return -1;
        memcpy(out + o, tmp, m);
        o += m;
    }
    return (long)o;
}

/* --- the vectors --- */

static voipsign_rules scenario_rules(const struct rscenario *s) {
    voipsign_rules r = voipsign_rules_default();
    const struct rrules *o = &s->rules;
    if (o->capacity.set) r.capacity = o->capacity.v;
    if (o->daily_room_limit.set) r.daily_room_limit = o->daily_room_limit.v;
    if (o->daily_room_warning.set) r.daily_room_warning = o->daily_room_warning.v;
    if (o->reserve_ttl_ms.set) r.reserve_ttl_ms = o->reserve_ttl_ms.v;
    if (o->lease_ttl_ms.set) r.lease_ttl_ms = o->lease_ttl_ms.v;
    if (o->sync_grace_ms.set) r.sync_grace_ms = o->sync_grace_ms.v;
    if (o->day_offset_minutes.set) r.day_offset_minutes = o->day_offset_minutes.v;
    /* In C onUnavailable is a number (0 allow, 1 refuse), not the JSON's string;
     * gen_rooms.py maps "allow"/"refuse" to 0/1 and the invalid "maybe" to
     * ROOM_ON_UNAVAILABLE_INVALID (7), a number the core refuses. */
    if (o->on_unavailable.set) r.on_unavailable = o->on_unavailable.v;
    return r;
}

static bool admission_eq(const voipsign_admission *a, const struct radmission *w) {
    return a->opened == w->opened && a->renewed == w->renewed && a->quota_warning == w->quota_warning &&
           a->degraded == w->degraded && a->members == w->members && a->generation == w->generation &&
           a->rooms_today == w->rooms_today && a->daily_room_limit == w->daily_room_limit &&
           a->lease_expires_at == w->lease_expires_at;
}

#define ADM_FMT "{opened %d, renewed %d, quotaWarning %d, degraded %d, members %u, generation %llu, " \
                "roomsToday %llu, dailyRoomLimit %llu, leaseExpiresAt %lld}"
#define ADM_ARGS(a) (a)->opened, (a)->renewed, (a)->quota_warning, (a)->degraded, (unsigned)(a)->members, \
                    (unsigned long long)(a)->generation, (unsigned long long)(a)->rooms_today,          \
                    (unsigned long long)(a)->daily_room_limit, (long long)(a)->lease_expires_at

/* The ticket of admit_and_issue: exactly groupId, nonceStr, timeStamp, signature,
 * roomType, with the expected values and a signature voipsign_verify accepts. */
static void check_ticket(const char *where, const struct rstep *s, const char *ticket, size_t len) {
    struct jfield f[8];
    int n = json_flat(ticket, len, f, 8);
    CHECK(n == 5, "%s: ticket is not a flat object of 5 fields: %s", where, ticket);
    if (n != 5) return;
    const struct jfield *g = jget(f, n, "groupId"), *no = jget(f, n, "nonceStr"), *ts = jget(f, n, "timeStamp"),
                        *sig = jget(f, n, "signature"), *rt = jget(f, n, "roomType");
    CHECK(g && no && ts && sig && rt && g->is_str && no->is_str && !ts->is_str && sig->is_str && rt->is_str,
          "%s: ticket fields: %s", where, ticket);
    if (!(g && no && ts && sig && rt)) return;

    char group[2048];
    long glen = json_unescape(g, group, sizeof group);
    CHECK(glen >= 0 && (size_t)glen == s->t_group_len && memcmp(group, s->t_group, s->t_group_len) == 0 &&
              (size_t)glen == s->group_len && memcmp(group, s->group, s->group_len) == 0,
          "%s: ticket groupId %.*s", where, (int)g->len, g->val);

    char nonce[64];
    long nlen = json_unescape(no, nonce, sizeof nonce);
    bool alnum = nlen == 32;
    for (long i = 0; alnum && i < nlen; i++) {
        char c = nonce[i];
        alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
    CHECK(alnum, "%s: ticket nonceStr %.*s is not 32 [A-Za-z0-9]", where, (int)no->len, no->val);

    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)s->t_ts);
    CHECK(ts->len == strlen(num) && memcmp(ts->val, num, ts->len) == 0, "%s: ticket timeStamp %.*s, want %s", where,
          (int)ts->len, ts->val, num);

    char room[16];
    long rlen = json_unescape(rt, room, sizeof room);
    CHECK(rlen >= 0 && (size_t)rlen == strlen(s->t_room_type) && memcmp(room, s->t_room_type, rlen) == 0,
          "%s: ticket roomType %.*s, want %s", where, (int)rt->len, rt->val, s->t_room_type);

    char sigv[80];
    long slen = json_unescape(sig, sigv, sizeof sigv);
    bool valid = false;
    voipsign_error err;
    voipsign_status st = slen == 64 && alnum
                             ? voipsign_verify(s->app, s->app_len, s->group, s->group_len, nonce, 32, s->t_ts, s->key,
                                               s->key_len, sigv, 64, &valid, &err)
                             : VOIPSIGN_INVALID_SIGNATURE;
    CHECK(st == VOIPSIGN_OK && valid, "%s: ticket signature does not verify (%s)", where, voipsign_status_name(st));
}

/* Run one step; every output is filled with a sentinel first. */
static void run_step(voipsign_ledger *l, const struct rscenario *sc, size_t k, const struct rstep *s) {
    char where[256];
    snprintf(where, sizeof where, "%s step %zu (%s)", sc->name, k, s->op_name);
    voipsign_error err;
    memset(&err, 0, sizeof err);
    voipsign_admission adm;
    memset(&adm, SENTINEL, sizeof adm);
    int64_t expires;
    memset(&expires, SENTINEL, sizeof expires);
    bool removed;
    memset(&removed, SENTINEL, sizeof removed);
    voipsign_usage usage;
    memset(&usage, SENTINEL, sizeof usage);
    static char out[TICKET_CAP];
    memset(out, SENTINEL, sizeof out);
    size_t out_len;
    memset(&out_len, SENTINEL, sizeof out_len);
    size_t sentinel_len = out_len;

    voipsign_status st;
    switch (s->op) {
    case ROP_ADMIT:
        st = voipsign_ledger_admit(l, s->app, s->app_len, s->group, s->group_len, s->member, s->member_len, s->now,
                                   &adm, &err);
        break;
    case ROP_ADMIT_AND_ISSUE:
        st = voipsign_ledger_admit_and_issue(l, s->app, s->app_len, s->group, s->group_len, s->member, s->member_len,
                                             s->key, s->key_len, s->room_type, s->room_type_len, s->now, &adm, out,
                                             sizeof out, &out_len, &err);
        break;
    case ROP_HEARTBEAT:
        st = voipsign_ledger_heartbeat(l, s->app, s->app_len, s->group, s->group_len, s->member, s->member_len,
                                       s->now, &expires, &err);
        break;
    case ROP_LEAVE:
        st = voipsign_ledger_leave(l, s->app, s->app_len, s->group, s->group_len, s->member, s->member_len, s->now,
                                   &removed, &err);
        break;
    case ROP_SYNC:
        st = voipsign_ledger_sync(l, s->app, s->app_len, s->group, s->group_len, s->open_ids, s->open_id_lens,
                                  s->n_open_ids, s->now, out, ROOM_CAP, &out_len, &err);
        break;
    case ROP_ROOM:
        st = voipsign_ledger_room(l, s->app, s->app_len, s->group, s->group_len, s->now, out, ROOM_CAP, &out_len,
                                  &err);
        break;
    case ROP_USAGE:
        st = voipsign_ledger_usage(l, s->app, s->app_len, s->day_today ? VOIPSIGN_UNSET : s->day, s->now, &usage,
                                   &err);
        break;
    default:
        CHECK(0, "%s: unknown op", where);
        return;
    }

    if (s->error != NULL) {
        CHECK(strcmp(voipsign_status_name(st), s->error) == 0, "%s: status %s, want %s (%s)", where,
              voipsign_status_name(st), s->error, st == VOIPSIGN_OK ? "" : err.message);
        if (st == VOIPSIGN_OK) return;
        CHECK(err_ok(&err, st), "%s: voipsign_error not filled", where);
        CHECK(all_bytes(&adm, sizeof adm, SENTINEL) && all_bytes(&expires, sizeof expires, SENTINEL) &&
                  all_bytes(&removed, sizeof removed, SENTINEL) && all_bytes(&usage, sizeof usage, SENTINEL) &&
                  all_bytes(out, sizeof out, SENTINEL) && out_len == sentinel_len,
              "%s: an output was written on failure", where);
        return;
    }
    CHECK(st == VOIPSIGN_OK, "%s: status %s, want OK: %s", where, voipsign_status_name(st), err.message);
    if (st != VOIPSIGN_OK) return;
    switch (s->op) {
    case ROP_ADMIT:
    case ROP_ADMIT_AND_ISSUE:
        CHECK(admission_eq(&adm, &s->admission), "%s: admission " ADM_FMT ", want " ADM_FMT, where, ADM_ARGS(&adm),
              ADM_ARGS(&s->admission));
        if (s->op == ROP_ADMIT_AND_ISSUE) {
            CHECK(out_len == strlen(out), "%s: *ticket_len %zu != strlen %zu", where, out_len, strlen(out));
            check_ticket(where, s, out, strlen(out));
        }
        break;
    case ROP_HEARTBEAT:
        CHECK(expires == s->expires, "%s: expires %lld, want %lld", where, (long long)expires, (long long)s->expires);
        break;
    case ROP_LEAVE:
        CHECK(removed == s->removed, "%s: removed %d, want %d", where, removed, s->removed);
        break;
    case ROP_SYNC:
    case ROP_ROOM:
        CHECK(strcmp(out, s->room_json) == 0 && out_len == strlen(out), "%s: room\n  got  %s\n  want %s", where, out,
              s->room_json);
        break;
    case ROP_USAGE:
        CHECK(usage.day == s->usage.day && usage.rooms == s->usage.rooms &&
                  usage.daily_room_limit == s->usage.daily_room_limit,
              "%s: usage {day %lld, rooms %llu, limit %llu}, want {%lld, %llu, %llu}", where, (long long)usage.day,
              (unsigned long long)usage.rooms, (unsigned long long)usage.daily_room_limit,
              (long long)s->usage.day, (unsigned long long)s->usage.rooms,
              (unsigned long long)s->usage.daily_room_limit);
        break;
    }
}

static void test_vectors(void) {
    CHECK(N_ROOM_SCENARIOS == N_ROOM_SCENARIOS_JSON && N_ROOM_STEPS == N_ROOM_STEPS_JSON && N_ROOM_SCENARIOS > 0,
          "generated %zu of %d scenarios, %zu of %d steps", (size_t)N_ROOM_SCENARIOS, N_ROOM_SCENARIOS_JSON,
          (size_t)N_ROOM_STEPS, N_ROOM_STEPS_JSON);
    size_t steps = 0;
    for (size_t i = 0; i < N_ROOM_SCENARIOS; i++) {
        const struct rscenario *sc = &ROOM_SCENARIOS[i];
        voipsign_rules rules = scenario_rules(sc);
        voipsign_ledger *sentinel = (voipsign_ledger *)&rules; /* any non-NULL address */
        voipsign_ledger *l = sentinel;
        voipsign_error err;
        memset(&err, 0, sizeof err);
        voipsign_status st = voipsign_ledger_new_memory(&rules, &l, &err);
        if (sc->error != NULL) {
            CHECK(strcmp(voipsign_status_name(st), sc->error) == 0 && err_ok(&err, st) && l == sentinel,
                  "%s: new_memory status %s, want %s; *out %s", sc->name, voipsign_status_name(st), sc->error,
                  l == sentinel ? "untouched" : "written");
            if (st == VOIPSIGN_OK && l != sentinel) voipsign_ledger_free(l);
            continue;
        }
        CHECK(st == VOIPSIGN_OK && l != sentinel && l != NULL, "%s: new_memory: %s %s", sc->name,
              voipsign_status_name(st), err.message);
        if (st != VOIPSIGN_OK) continue;
        for (size_t k = 0; k < sc->n_steps; k++, steps++) run_step(l, sc, k, &ROOM_STEPS[sc->first + k]);
        voipsign_ledger_free(l);
    }
    CHECK(steps == N_ROOM_STEPS, "ran %zu of %zu steps", steps, (size_t)N_ROOM_STEPS);
}

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
    unsigned long long opened, admitted, full, ops;
    int failures;
    char first_failure[256];
    pthread_barrier_t *barrier;
};

static void stress_fail(struct stress *t, const char *fmt, long long a, long long b) {
    if (t->failures++ == 0) snprintf(t->first_failure, sizeof t->first_failure, fmt, a, b);
}

/* The number of seats in a room JSON ("memberId" keys) and its generation. */
static int json_members(const char *json) {
    int n = 0;
    for (const char *p = json; (p = strstr(p, "\"memberId\"")) != NULL; p++) n++;
    return n;
}
static long long json_generation(const char *json) {
    const char *p = strstr(json, "\"generation\":");
    return p ? atoll(p + 13) : -1;
}

static void *stress_thread(void *arg) {
    struct stress *t = arg;
    uint64_t rng = 0x9E3779B97F4A7C15ull * (uint64_t)(t->index + 1);
    char json[ROOM_CAP];
    unsigned long long last_rooms = 0;
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
        } else if (op < 15) {
            int64_t exp;
            st = voipsign_ledger_heartbeat(stress_ledger, S(STRESS_APP), group, glen, member, mlen, now, &exp, &err);
            if (st != VOIPSIGN_OK && st != VOIPSIGN_NOT_ADMITTED)
                stress_fail(t, "heartbeat: status %lld (%lld)", st, 0);
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
                if (u.rooms < last_rooms)
                    stress_fail(t, "usage.rooms went down: %lld after %lld", (long long)u.rooms,
                                (long long)last_rooms);
                last_rooms = u.rooms;
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
    unsigned long long opened = 0, admitted = 0, full = 0, ops = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(t[i].failures == 0, "stress thread %d: %d failures, first: %s", i, t[i].failures, t[i].first_failure);
        opened += t[i].opened;
        admitted += t[i].admitted;
        full += t[i].full;
        ops += t[i].ops;
    }
    pthread_barrier_destroy(&barrier);
    CHECK(ops == (unsigned long long)(stress_ops_per_thread * STRESS_THREADS), "stress: %llu operations", ops);

    int64_t end = atomic_load(&stress_clock);
    voipsign_usage u;
    st = voipsign_ledger_usage(stress_ledger, S(STRESS_APP), VOIPSIGN_UNSET, end, &u, &err);
    CHECK(st == VOIPSIGN_OK && u.rooms == opened, "stress: usage.rooms %llu, openings counted %llu",
          (unsigned long long)u.rooms, opened);
    /* Every opening raised its room's generation by one (sync adopted nobody). */
    long long generations = 0;
    for (int r = 0; r < STRESS_ROOMS; r++) {
        char group[16], json[ROOM_CAP];
        int glen = snprintf(group, sizeof group, "room-%d", r);
        size_t len;
        st = voipsign_ledger_room(stress_ledger, S(STRESS_APP), group, glen, end, json, sizeof json, &len, &err);
        CHECK(st == VOIPSIGN_OK && json_members(json) <= STRESS_CAPACITY, "stress: final room %d: %s", r, json);
        generations += json_generation(json);
    }
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
              d.day_offset_minutes == 480 && d.on_unavailable == 0,
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

int main(void) {
    test_vectors();
    test_rules();
    test_member_ids();
    test_nulls();
    test_small_buffers();
    test_create_free();
    test_stress();
    return check_summary();
}
