/* The scenario table of the room ledger (tests/vectors/rooms.json, as the C tables
 * of build/c/rooms.h made by tests/c/gen_rooms.py), shared by the C suites of every
 * store: test_rooms.c (memory) and test_rooms_redis.c (one Redis server, a Redis
 * Cluster).
 *
 * rooms_run_table(store, make, ctx) runs every scenario on a fresh ledger that
 * `make` creates from the scenario's rules: INVALID_RULES scenarios must be refused
 * by `make` with *out untouched; each step either fails with the status named by
 * "error" (outputs untouched, err filled) or gives every field of "expect": the
 * admission, heartbeat's expiry, leave's bool, the room / sync JSON (the exact
 * compact text), the usage; admit_and_issue's ticket JSON is parsed (groupId,
 * nonceStr of 32 alphanumerics, timeStamp, roomType) and its signature checked with
 * voipsign_verify.
 *
 * Header-only (static functions), included once per test program after check.h and
 * rooms.h. */
#ifndef VOIPSIGN_TEST_ROOMS_TABLE_H
#define VOIPSIGN_TEST_ROOMS_TABLE_H

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

static inline bool all_bytes(const void *p, size_t n, unsigned char b) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        if (c[i] != b) return false;
    return true;
}

/* err after a failure: the same status, a non-empty NUL-terminated message. */
static inline bool err_ok(const voipsign_error *err, voipsign_status st) {
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
static inline int json_flat(const char *s, size_t n, struct jfield *f, int max) {
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

static inline int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode a JSON string token (with its quotes) into out; its length, or -1. Raw
 * bytes are copied as they are; the escapes a JSON writer uses are decoded
 * (\uXXXX outside the surrogates, to UTF-8). */
static inline long json_unescape(const struct jfield *f, char *out, size_t cap) {
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

static inline voipsign_rules scenario_rules(const struct rscenario *s) {
    voipsign_rules r = voipsign_rules_default();
    const struct rrules *o = &s->rules;
    if (o->capacity.set) r.capacity = o->capacity.v;
    if (o->daily_room_limit.set) r.daily_room_limit = o->daily_room_limit.v;
    if (o->daily_room_warning.set) r.daily_room_warning = o->daily_room_warning.v;
    if (o->member_daily_openings.set) r.member_daily_openings = o->member_daily_openings.v;
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

static inline bool admission_eq(const voipsign_admission *a, const struct radmission *w) {
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
static inline void check_ticket(const char *where, const struct rstep *s, const char *ticket, size_t len) {
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

/* Whether a usage holds what the table expects, and both printed for a failure. */
static inline bool usage_eq(const voipsign_usage *u, const struct rusage *w) {
    return u->day == w->day && u->openings == w->openings && u->admissions == w->admissions &&
           u->renewals == w->renewals && u->refused_room_full == w->refused_room_full &&
           u->refused_daily_limit == w->refused_daily_limit && u->refused_member_limit == w->refused_member_limit &&
           u->heartbeats_refused == w->heartbeats_refused && u->leaves == w->leaves &&
           u->adopted_by_sync == w->adopted_by_sync && u->removed_by_sync == w->removed_by_sync &&
           u->expired == w->expired && u->peak_seats == w->peak_seats && u->live_rooms == w->live_rooms &&
           u->live_seats == w->live_seats && u->daily_room_limit == w->daily_room_limit;
}
#define USAGE_FMT "{day %lld, openings %llu, admissions %llu, renewals %llu, refused %llu/%llu/%llu, " \
                  "heartbeats refused %llu, leaves %llu, sync +%llu -%llu, expired %llu, peak %llu, " \
                  "live %lld rooms %lld seats, limit %llu}"
#define USAGE_ARGS(u) (long long)(u)->day, (unsigned long long)(u)->openings, (unsigned long long)(u)->admissions, \
    (unsigned long long)(u)->renewals, (unsigned long long)(u)->refused_room_full, \
    (unsigned long long)(u)->refused_daily_limit, (unsigned long long)(u)->refused_member_limit, \
    (unsigned long long)(u)->heartbeats_refused, (unsigned long long)(u)->leaves, \
    (unsigned long long)(u)->adopted_by_sync, (unsigned long long)(u)->removed_by_sync, \
    (unsigned long long)(u)->expired, (unsigned long long)(u)->peak_seats, (long long)(u)->live_rooms, \
    (long long)(u)->live_seats, (unsigned long long)(u)->daily_room_limit

/* The step's appId's usage right after it, when the table has it. */
static inline void check_after_usage(const char *where, voipsign_ledger *l, const struct rstep *s) {
    if (!s->has_after_usage) return;
    voipsign_usage u;
    voipsign_error err;
    voipsign_status st = voipsign_ledger_usage(l, s->app, s->app_len, VOIPSIGN_UNSET, s->now, &u, &err);
    CHECK(st == VOIPSIGN_OK && usage_eq(&u, &s->after_usage), "%s: usage after it " USAGE_FMT ", want " USAGE_FMT,
          where, USAGE_ARGS(&u), USAGE_ARGS(&s->after_usage));
}

/* Run one step; every output is filled with a sentinel first. */
static inline void run_step(const char *store, voipsign_ledger *l, const struct rscenario *sc, size_t k,
                            const struct rstep *s) {
    char where[320];
    snprintf(where, sizeof where, "%s: %s step %zu (%s)", store, sc->name, k, s->op_name);
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
    case ROP_ROOMS: {
        /* A limit beyond uint32_t reaches the library as 0: refused after the appId. */
        uint32_t limit = !s->has_limit ? 100 : (s->limit < 0 || s->limit > (int64_t)UINT32_MAX) ? 0 : (uint32_t)s->limit;
        st = voipsign_ledger_rooms(l, s->app, s->app_len, limit, s->after, s->after_len, s->now, out, ROOM_CAP,
                                   &out_len, &err);
        break;
    }
    default:
        CHECK(0, "%s: unknown op", where);
        return;
    }

    if (s->error != NULL) {
        CHECK(strcmp(voipsign_status_name(st), s->error) == 0, "%s: status %s, want %s (%s)", where,
              voipsign_status_name(st), s->error, st == VOIPSIGN_OK ? "" : err.message);
        if (st == VOIPSIGN_OK) return;
        check_after_usage(where, l, s);
        CHECK(err_ok(&err, st), "%s: voipsign_error not filled", where);
        CHECK(all_bytes(&adm, sizeof adm, SENTINEL) && all_bytes(&expires, sizeof expires, SENTINEL) &&
                  all_bytes(&removed, sizeof removed, SENTINEL) && all_bytes(&usage, sizeof usage, SENTINEL) &&
                  all_bytes(out, sizeof out, SENTINEL) && out_len == sentinel_len,
              "%s: an output was written on failure", where);
        return;
    }
    CHECK(st == VOIPSIGN_OK, "%s: status %s, want OK: %s", where, voipsign_status_name(st), err.message);
    if (st != VOIPSIGN_OK) return;
    check_after_usage(where, l, s);
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
    case ROP_ROOMS:
        CHECK(strcmp(out, s->room_json) == 0 && out_len == strlen(out), "%s: room\n  got  %s\n  want %s", where, out,
              s->room_json);
        break;
    case ROP_USAGE:
        CHECK(usage_eq(&usage, &s->usage), "%s: usage " USAGE_FMT ", want " USAGE_FMT, where, USAGE_ARGS(&usage),
              USAGE_ARGS(&s->usage));
        break;
    }
}

/* The number of seats in a room JSON ("memberId" keys) and its generation. */
static inline int json_members(const char *json) {
    int n = 0;
    for (const char *p = json; (p = strstr(p, "\"memberId\"")) != NULL; p++) n++;
    return n;
}
static inline long long json_generation(const char *json) {
    const char *p = strstr(json, "\"generation\":");
    return p ? atoll(p + 13) : -1;
}

/* Make the ledger of one scenario from its rules (scenario_rules()): like
 * voipsign_ledger_new_memory, a status, *out written only on success. */
typedef voipsign_status (*rooms_maker)(const struct rscenario *sc, const voipsign_rules *rules,
                                       voipsign_ledger **out, voipsign_error *err, void *ctx);

/* Every scenario and step of the table on ledgers from `make` (`store` names them
 * in failure messages); the number of steps run. */
static inline size_t rooms_run_table(const char *store, rooms_maker make, void *ctx) {
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
        voipsign_status st = make(sc, &rules, &l, &err, ctx);
        if (sc->error != NULL) {
            CHECK(strcmp(voipsign_status_name(st), sc->error) == 0 && err_ok(&err, st) && l == sentinel,
                  "%s: %s: new ledger status %s, want %s; *out %s", store, sc->name, voipsign_status_name(st),
                  sc->error, l == sentinel ? "untouched" : "written");
            if (st == VOIPSIGN_OK && l != sentinel) voipsign_ledger_free(l);
            continue;
        }
        CHECK(st == VOIPSIGN_OK && l != sentinel && l != NULL, "%s: %s: new ledger: %s %s", store, sc->name,
              voipsign_status_name(st), err.message);
        if (st != VOIPSIGN_OK) continue;
        for (size_t k = 0; k < sc->n_steps; k++, steps++) run_step(store, l, sc, k, &ROOM_STEPS[sc->first + k]);
        voipsign_ledger_free(l);
    }
    CHECK(steps == N_ROOM_STEPS, "%s: ran %zu of %zu steps", store, steps, (size_t)N_ROOM_STEPS);
    return steps;
}

#endif /* VOIPSIGN_TEST_ROOMS_TABLE_H */
