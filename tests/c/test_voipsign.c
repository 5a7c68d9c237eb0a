/* The C test suite of libvoipsign: every shared vector through the C ABI (every
 * invalid case through the function of its "op", by code name and message
 * prefix), plus NULL pointers, empty and 64 KiB inputs, embedded NULs, non-UTF-8
 * bytes, too-small buffers and concurrent callers. Prints "N passed, M failed" last. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_op.h"
#include "check.h"
#include "vectors.h"

/* Sign with the documentation's values except the ones given. */
static voipsign_status sign_with(const char *app, size_t app_len, const char *group, size_t group_len,
                                 const char *nonce, size_t nonce_len, int64_t ts, const char *key,
                                 size_t key_len, char *out, size_t cap, voipsign_error *err) {
    return voipsign_sign(app, app_len, group, group_len, nonce, nonce_len, ts, key, key_len, out, cap, err);
}

static bool untouched(const char *buf, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (buf[i] != 'Z') return false;
    return true;
}

static void test_cases(void) {
    for (size_t i = 0; i < N_CASES; i++) {
        const struct sv *c = &CASES[i];
        char sig[VOIPSIGN_SIGNATURE_LEN + 1];
        voipsign_error err;
        voipsign_status st = sign_with(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                       c->nonce_len, c->ts, c->key, c->key_len, sig, sizeof sig, &err);
        CHECK(st == VOIPSIGN_OK && strcmp(sig, c->signature) == 0, "case %s: sign", c->name);

        char canon[2048];
        size_t len = 0;
        st = voipsign_canonical(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                                c->ts, canon, sizeof canon, &len, &err);
        CHECK(st == VOIPSIGN_OK && len == c->expect_len && memcmp(canon, c->expect, len) == 0 && canon[len] == 0,
              "case %s: canonical", c->name);

        bool valid = false;
        st = voipsign_verify(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                             c->ts, c->key, c->key_len, c->signature, 64, &valid, &err);
        CHECK(st == VOIPSIGN_OK && valid, "case %s: verify", c->name);

        const char *keys[1] = {c->key};
        size_t lens[1] = {c->key_len};
        char many[64];
        st = voipsign_sign_many(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                                c->ts, keys, lens, 1, many, sizeof many, &err);
        CHECK(st == VOIPSIGN_OK && memcmp(many, c->signature, 64) == 0, "case %s: sign_many", c->name);
    }
}

/* No 8-byte run from the start of a key appears in the message. */
static bool shows_key(const char *message, const char *key, size_t key_len) {
    if (key == NULL || key_len < 8) return false;
    char probe[9];
    memcpy(probe, key, 8);
    probe[8] = 0;
    return strstr(message, probe) != NULL;
}

/* Every invalid case of signatures.json, whatever its op: refused with the status
 * named by "error", the message starting with "messagePrefix" when there is one,
 * the output untouched, no key in the message; the same status without err. */
static void test_invalid(void) {
    CHECK(N_INVALID_OPS == N_INVALID_JSON && N_INVALID_OPS > 0, "%zu of %d invalid cases generated",
          (size_t)N_INVALID_OPS, N_INVALID_JSON);
    static char out[8192];
    for (size_t i = 0; i < N_INVALID_OPS; i++) {
        const struct iv *c = &INVALID_OPS[i];
        memset(out, 'Z', sizeof out);
        voipsign_error err;
        memset(&err, 0, sizeof err);
        voipsign_status st = call_invalid(c, out, sizeof out, &err);
        CHECK(strcmp(voipsign_status_name(st), c->error) == 0, "invalid %s (%s): got %s, want %s: %s", c->name,
              c->op_name, voipsign_status_name(st), c->error, err.message);
        CHECK(err.status == st && err.message_len == strlen(err.message) && err.message_len > 0,
              "invalid %s: error detail", c->name);
        if (c->message_prefix)
            CHECK(strncmp(err.message, c->message_prefix, strlen(c->message_prefix)) == 0,
                  "invalid %s: message \"%s\" does not start with \"%s\"", c->name, err.message, c->message_prefix);
        CHECK(untouched(out, sizeof out), "invalid %s: output written on failure", c->name);
        bool leaked = shows_key(err.message, c->key, c->key_len);
        for (size_t k = 0; k < c->n_keys; k++) leaked = leaked || shows_key(err.message, c->keys[k], c->key_lens[k]);
        CHECK(!leaked, "invalid %s: message leaks a key", c->name);
        CHECK(call_invalid(c, out, sizeof out, NULL) == st, "invalid %s: a different status when err is NULL", c->name);
    }
}

static void test_session_signatures(void) {
    for (size_t i = 0; i < N_SESSION_SIGNATURES; i++) {
        const struct ss *c = &SESSION_SIGNATURES[i];
        char sig[VOIPSIGN_SIGNATURE_LEN];
        voipsign_status st = voipsign_session_signature(c->key, c->key_len, c->body_len ? c->body : NULL,
                                                        c->body_len, sig, sizeof sig, NULL);
        CHECK(st == VOIPSIGN_OK && memcmp(sig, c->signature, 64) == 0, "session_signature %s", c->name);
    }
}

static void test_null_and_empty(void) {
    char sig[65];
    voipsign_error err;
    CHECK(sign_with(NULL, 5, S(GROUP), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_NULL_ARGUMENT &&
              strstr(err.message, "appId") != NULL,
          "NULL appId with a length");
    CHECK(sign_with(S(APP), NULL, 3, S(NONCE), TS, S(KEY), sig, sizeof sig, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "NULL groupId");
    CHECK(sign_with(S(APP), S(GROUP), NULL, 1, TS, S(KEY), sig, sizeof sig, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "NULL nonce");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, NULL, 24, sig, sizeof sig, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "NULL key");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S(KEY), NULL, 65, NULL) == VOIPSIGN_NULL_ARGUMENT, "NULL out");
    /* (NULL, 0) is the empty string, refused by the field's own rule. */
    CHECK(sign_with(NULL, 0, S(GROUP), S(NONCE), TS, S(KEY), sig, sizeof sig, NULL) == VOIPSIGN_INVALID_APP_ID,
          "(NULL,0) appId");
    CHECK(sign_with(S(APP), NULL, 0, S(NONCE), TS, S(KEY), sig, sizeof sig, NULL) == VOIPSIGN_INVALID_GROUP_ID,
          "(NULL,0) groupId");
    CHECK(sign_with(S(APP), S(GROUP), "", 0, TS, S(KEY), sig, sizeof sig, NULL) == VOIPSIGN_INVALID_NONCE,
          "empty nonce");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, "", 0, sig, sizeof sig, NULL) == VOIPSIGN_INVALID_SESSION_KEY,
          "empty key");
    /* Several bad fields: the first in the order appId, groupId, nonceStr, timeStamp,
     * sessionKey is reported, as in every binding. */
    CHECK(sign_with("", 0, S(GROUP), S(NONCE), TS, "", 0, sig, sizeof sig, NULL) == VOIPSIGN_INVALID_APP_ID,
          "sign: appId before the key");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), 0, "", 0, sig, sizeof sig, NULL) == VOIPSIGN_INVALID_TIMESTAMP,
          "sign: timeStamp before the key");
    bool valid;
    CHECK(voipsign_verify(S(APP), S(GROUP), "", 0, TS, "", 0, S(DOC_SIG), &valid, NULL) == VOIPSIGN_INVALID_NONCE,
          "verify: nonceStr before the key");
    char ticket[512];
    CHECK(voipsign_issue(S(APP), "", 0, "", 0, NULL, 0, ticket, sizeof ticket, NULL, NULL) == VOIPSIGN_INVALID_GROUP_ID,
          "issue: groupId before the key");
    CHECK(voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), NULL, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "verify NULL out_valid");
    CHECK(voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), NULL, 64, &valid, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "verify NULL signature");
    CHECK(voipsign_canonical(S(APP), S(GROUP), S(NONCE), TS, NULL, 10, NULL, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "canonical NULL out");
    char many[128];
    CHECK(voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, NULL, NULL, 2, many, sizeof many, NULL) ==
              VOIPSIGN_NULL_ARGUMENT,
          "sign_many NULL arrays");
    CHECK(voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, NULL, NULL, 0, NULL, 0, NULL) == VOIPSIGN_OK,
          "sign_many of no keys, out NULL");
    CHECK(voipsign_sign_many(S(APP), S(GROUP), "", 0, TS, NULL, NULL, 0, NULL, 0, NULL) == VOIPSIGN_INVALID_NONCE,
          "sign_many of no keys still validates");
    char json[512];
    CHECK(voipsign_issue(S(APP), S(GROUP), S(KEY), NULL, 0, NULL, sizeof json, NULL, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "issue NULL out");
    CHECK(voipsign_session_signature(S(KEY), NULL, 4, sig, sizeof sig, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "session_signature NULL body with a length");
}

static void test_large_nul_and_utf8(void) {
    size_t big = 64 * 1024;
    char *buf = malloc(big);
    memset(buf, 'a', big);
    char sig[65];
    voipsign_error err;
    CHECK(sign_with(buf, big, S(GROUP), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_APP_ID,
          "64 KiB appId");
    CHECK(sign_with(S(APP), buf, big, S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_GROUP_ID &&
              strstr(err.message, "65536 bytes") != NULL,
          "64 KiB groupId: %s", err.message);
    CHECK(sign_with(S(APP), S(GROUP), buf, big, TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_NONCE,
          "64 KiB nonce");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, buf, big, sig, sizeof sig, &err) == VOIPSIGN_INVALID_SESSION_KEY,
          "64 KiB key");
    CHECK(voipsign_session_signature(S(KEY), buf, big, sig, sizeof sig, NULL) == VOIPSIGN_OK && strlen(sig) == 64,
          "64 KiB body");
    char canon[8];
    size_t need = 0;
    CHECK(voipsign_canonical(S(APP), buf, 1024, S(NONCE), TS, canon, sizeof canon, &need, NULL) ==
              VOIPSIGN_BUFFER_TOO_SMALL && need == 1024 + 18 + 16 + 10,
          "canonical of a 1024-byte groupId reports its length");
    free(buf);

    CHECK(sign_with(S(APP), S("ab\0cd"), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_GROUP_ID,
          "embedded NUL in groupId");
    CHECK(sign_with(S("wx\0"), S(GROUP), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_APP_ID,
          "embedded NUL in appId");
    CHECK(sign_with(S(APP), S(GROUP), S("n\0nce"), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_NONCE,
          "embedded NUL in nonce");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S("gDyVgzwa0mFz9uUP7M6GQQ=\0"), sig, sizeof sig, &err) ==
              VOIPSIGN_INVALID_SESSION_KEY,
          "embedded NUL in key");
    CHECK(sign_with(S(APP), S("room\377"), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_UTF8 &&
              strstr(err.message, "groupId") != NULL,
          "non-UTF-8 groupId");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S("\377DyVgzwa0mFz9uUP7M6GQQ=="), sig, sizeof sig, &err) ==
              VOIPSIGN_INVALID_UTF8 && strstr(err.message, "sessionKey") != NULL,
          "non-UTF-8 key");
    CHECK(sign_with(S(APP), S("\355\240\200"), S(NONCE), TS, S(KEY), sig, sizeof sig, &err) == VOIPSIGN_INVALID_UTF8,
          "UTF-8 surrogate in groupId");
}

static void test_buffers(void) {
    char sig[80];
    voipsign_error err;
    memset(sig, 'Z', sizeof sig);
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S(KEY), sig, 63, &err) == VOIPSIGN_BUFFER_TOO_SMALL &&
              untouched(sig, sizeof sig),
          "sign into 63 bytes");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S(KEY), sig, 64, &err) == VOIPSIGN_OK &&
              memcmp(sig, DOC_SIG, 64) == 0 && sig[64] == 'Z',
          "sign into exactly 64 bytes writes no NUL");
    CHECK(sign_with(S(APP), S(GROUP), S(NONCE), TS, S(KEY), sig, 65, &err) == VOIPSIGN_OK && sig[64] == 0,
          "sign into 65 bytes is NUL-terminated");

    char canon[80];
    size_t len = 0;
    memset(canon, 'Z', sizeof canon);
    CHECK(voipsign_canonical(S(APP), S(GROUP), S(NONCE), TS, canon, 64, &len, &err) == VOIPSIGN_BUFFER_TOO_SMALL &&
              len == 64 && untouched(canon, sizeof canon),
          "canonical of 64 bytes needs 65");
    CHECK(voipsign_canonical(S(APP), S(GROUP), S(NONCE), TS, canon, 65, NULL, &err) == VOIPSIGN_OK &&
              strcmp(canon, DOC_CANONICAL) == 0,
          "canonical into 65 bytes, out_len NULL");

    char many[3 * 64];
    const char *keys[3] = {KEY, THIRD_KEY, "kUpBwvRHPfIDSEEATFMKZg=="};
    size_t lens[3] = {24, 24, 24};
    memset(many, 'Z', sizeof many);
    CHECK(voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, keys, lens, 3, many, 3 * 64 - 1, &err) ==
              VOIPSIGN_BUFFER_TOO_SMALL && untouched(many, sizeof many),
          "sign_many into a short buffer");
    CHECK(voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, keys, lens, 3, many, sizeof many, &err) == VOIPSIGN_OK,
          "sign_many of 3");
    for (int i = 0; i < 3; i++) {
        char one[64];
        sign_with(S(APP), S(GROUP), S(NONCE), TS, keys[i], 24, one, 64, NULL);
        CHECK(memcmp(one, many + 64 * i, 64) == 0, "sign_many member %d equals sign", i);
    }
    lens[1] = 23;
    CHECK(voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, keys, lens, 3, many, sizeof many, &err) ==
              VOIPSIGN_INVALID_SESSION_KEY && strncmp(err.message, "sessionKeys[1]", 14) == 0,
          "sign_many names the bad key's index: %s", err.message);

    char json[40];
    len = 0;
    CHECK(voipsign_issue(S(APP), S(GROUP), S(KEY), S("voice"), json, sizeof json, &len, &err) ==
              VOIPSIGN_BUFFER_TOO_SMALL && len > 100,
          "issue into a short buffer reports the length");
}

static void test_issue_and_verify(void) {
    char json[512];
    size_t len = 0;
    voipsign_error err;
    voipsign_status st = voipsign_issue(S(APP), S(GROUP), S(KEY), S("video"), json, sizeof json, &len, &err);
    CHECK(st == VOIPSIGN_OK && len == strlen(json), "issue");
    char nonce[64] = {0}, sig[65] = {0};
    long long ts = 0;
    int n = sscanf(json,
                   "{\"groupId\":\"1559129713_672975982\",\"nonceStr\":\"%63[A-Za-z0-9]\",\"timeStamp\":%lld,"
                   "\"signature\":\"%64[0-9a-f]\",\"roomType\":\"video\"}",
                   nonce, &ts, sig);
    CHECK(n == 3 && strlen(nonce) == 32 && strlen(sig) == 64 && ts > 1700000000, "ticket JSON shape: %s", json);
    bool valid = false;
    st = voipsign_verify(S(APP), S(GROUP), nonce, strlen(nonce), ts, S(KEY), sig, 64, &valid, &err);
    CHECK(st == VOIPSIGN_OK && valid, "issued ticket verifies");
    st = voipsign_issue(S(APP), S(GROUP), S(KEY), S("Video"), json, sizeof json, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_ROOM_TYPE, "room type Video refused");
    st = voipsign_issue(S(APP), S(GROUP), S(KEY), NULL, 0, json, sizeof json, &len, &err);
    CHECK(st == VOIPSIGN_OK && strstr(json, "\"roomType\":\"voice\"") != NULL, "default room type is voice");

    valid = true;
    char upper[65];
    for (int i = 0; i < 64; i++) upper[i] = (char)(DOC_SIG[i] >= 'a' ? DOC_SIG[i] - 32 : DOC_SIG[i]);
    st = voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), upper, 64, &valid, &err);
    CHECK(st == VOIPSIGN_OK && !valid, "upper-case signature is not valid");
    st = voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), DOC_SIG, 63, &valid, &err);
    CHECK(st == VOIPSIGN_INVALID_SIGNATURE, "63-digit signature refused");
    char cloud[80];
    snprintf(cloud, sizeof cloud, "%s_abc", DOC_SIG);
    st = voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), cloud, strlen(cloud), &valid, &err);
    CHECK(st == VOIPSIGN_INVALID_SIGNATURE && strstr(err.message, "cloud") != NULL, "cloud signature explained");
}

static void test_status_names(void) {
    static const char *names[] = {"OK", "INVALID_APP_ID", "INVALID_GROUP_ID", "INVALID_NONCE", "INVALID_TIMESTAMP",
                                  "INVALID_SESSION_KEY", "INVALID_SIGNATURE", "NULL_ARGUMENT", "INVALID_UTF8",
                                  "BUFFER_TOO_SMALL", "RNG_FAILURE", "INTERNAL", "INVALID_ROOM_TYPE",
                                  "ROOM_FULL", "DAILY_ROOM_LIMIT", "NOT_ADMITTED", "INVALID_MEMBER_ID",
                                  "INVALID_RULES", "LEDGER_UNAVAILABLE", "INVALID_REDIS_URL", "LEDGER_CLOSED",
                                  "MEMBER_DAILY_LIMIT", "INVALID_LIMIT", "INVALID_CONTEXT"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        CHECK(strcmp(voipsign_status_name(i), names[i]) == 0, "status_name(%d)", i);
        CHECK(strlen(voipsign_status_message(i)) > 5, "status_message(%d)", i);
    }
    /* voipsign_status_kind: one status of each kind, and the codes of issue 23
     * (MEMBER_DAILY_LIMIT a refusal, INVALID_LIMIT an input error). */
    CHECK(VOIPSIGN_MEMBER_DAILY_LIMIT == 21 && VOIPSIGN_INVALID_LIMIT == 22, "codes 21, 22");
    CHECK(voipsign_status_kind(VOIPSIGN_OK) == VOIPSIGN_KIND_OK, "kind OK");
    CHECK(voipsign_status_kind(VOIPSIGN_INVALID_APP_ID) == VOIPSIGN_KIND_INPUT, "kind input");
    CHECK(voipsign_status_kind(VOIPSIGN_ROOM_FULL) == VOIPSIGN_KIND_REFUSAL, "kind refusal");
    CHECK(voipsign_status_kind(VOIPSIGN_NOT_ADMITTED) == VOIPSIGN_KIND_REFUSAL, "kind refusal (not admitted)");
    CHECK(voipsign_status_kind(VOIPSIGN_LEDGER_UNAVAILABLE) == VOIPSIGN_KIND_OUTAGE, "kind outage");
    CHECK(voipsign_status_kind(VOIPSIGN_RNG_FAILURE) == VOIPSIGN_KIND_INTERNAL, "kind internal");
    CHECK(voipsign_status_kind(9999) == VOIPSIGN_KIND_INTERNAL, "kind of an unknown number");
    CHECK(voipsign_status_kind(VOIPSIGN_MEMBER_DAILY_LIMIT) == VOIPSIGN_KIND_REFUSAL, "kind of MEMBER_DAILY_LIMIT");
    CHECK(voipsign_status_kind(VOIPSIGN_INVALID_LIMIT) == VOIPSIGN_KIND_INPUT, "kind of INVALID_LIMIT");
    CHECK(voipsign_status_kind(VOIPSIGN_INVALID_CONTEXT) == VOIPSIGN_KIND_INPUT, "kind of INVALID_CONTEXT");
    int past = (int)(sizeof names / sizeof names[0]);
    CHECK(strcmp(voipsign_status_name(past), "UNKNOWN") == 0, "status %d is not in the list above", past);
    CHECK(strcmp(voipsign_status_name(99), "UNKNOWN") == 0 && strcmp(voipsign_status_name(-1), "UNKNOWN") == 0,
          "unknown statuses");
    CHECK(strlen(voipsign_version()) >= 5 && voipsign_signature_len() == VOIPSIGN_SIGNATURE_LEN, "version, length");
}

static void test_diagnose_and_explain(void) {
    for (size_t i = 0; i < N_DIAGNOSE; i++) {
        const struct dv *c = &DIAGNOSE[i];
        size_t lens[3];
        for (size_t k = 0; k < c->n_others; k++) lens[k] = strlen(c->others[k]);
        char out[8192];
        size_t len = 0;
        voipsign_error err;
        voipsign_status st = voipsign_diagnose(S(APP), c->group_id, c->group_id_len, S(NONCE), c->ts, S(KEY),
                                               c->signature, c->signature_len, c->n_others ? c->others : NULL,
                                               c->n_others ? lens : NULL, c->n_others, out, sizeof out, &len, &err);
        char verdict[64];
        snprintf(verdict, sizeof verdict, "{\"verdict\":\"%s\",", c->verdict);
        CHECK(st == VOIPSIGN_OK && len == strlen(out) && strncmp(out, verdict, strlen(verdict)) == 0 &&
                  strstr(out, c->mistakes) != NULL && strstr(out, KEY) == NULL,
              "diagnose %s: %s", c->name, st == VOIPSIGN_OK ? out : err.message);
    }
    for (size_t i = 0; i < N_EXPLAIN; i++) {
        const struct ev *c = &EXPLAIN[i];
        char out[4096];
        voipsign_status st = voipsign_explain(c->code, c->msg_len ? c->msg : NULL, c->msg_len, out, sizeof out,
                                              NULL, NULL);
        CHECK(st == VOIPSIGN_OK && strstr(out, c->cause) != NULL, "explain %lld", (long long)c->code);
    }
    for (size_t i = 0; i < N_EXPLAIN_WITH; i++) {
        const struct ew *c = &EXPLAIN_WITH[i];
        for (int sp = 0; sp < 2; sp++) {
            char out[4096];
            voipsign_error err;
            voipsign_status st = voipsign_explain_with(
                c->code, c->msg_len ? c->msg : NULL, c->msg_len, sp ? c->camel : c->snake,
                sp ? c->camel_len : c->snake_len, sp ? VOIPSIGN_SPELLING_CAMEL : VOIPSIGN_SPELLING_SNAKE, out,
                sizeof out, NULL, &err);
            CHECK(st == VOIPSIGN_OK && strstr(out, c->cause) != NULL && strstr(out, c->in_meaning) != NULL,
                  "explain_with %zu (%s): %s", i, sp ? "camel" : "snake", st == VOIPSIGN_OK ? out : err.message);
        }
    }
    for (size_t i = 0; i < N_EXPLAIN_WITH_INVALID; i++) {
        const struct ewi *c = &EXPLAIN_WITH_INVALID[i];
        for (int sp = 0; sp < 2; sp++) {
            char out[4096] = "untouched";
            voipsign_error err;
            voipsign_status st = voipsign_explain_with(
                -1, NULL, 0, sp ? c->camel : c->snake, sp ? c->camel_len : c->snake_len,
                sp ? VOIPSIGN_SPELLING_CAMEL : VOIPSIGN_SPELLING_SNAKE, out, sizeof out, NULL, &err);
            CHECK(st == VOIPSIGN_INVALID_CONTEXT && strstr(err.message, sp ? c->camel_name : c->snake_name) != NULL &&
                      strcmp(out, "untouched") == 0,
                  "explain_with invalid %zu (%s)", i, sp ? "camel" : "snake");
        }
    }
    {
        char out[4096];
        CHECK(voipsign_explain_with(-1, NULL, 0, NULL, 0, VOIPSIGN_SPELLING_SNAKE, out, sizeof out, NULL, NULL) ==
                      VOIPSIGN_OK && strstr(out, "ALREADY_IN_ROOM") != NULL,
              "explain_with without a context");
        CHECK(voipsign_explain_with(-1, NULL, 0, S("{}"), 7, out, sizeof out, NULL, NULL) == VOIPSIGN_INVALID_CONTEXT,
              "explain_with with spelling 7");
        CHECK(voipsign_explain_with(-1, NULL, 0, S("{}"), 0, NULL, 0, NULL, NULL) == VOIPSIGN_NULL_ARGUMENT,
              "explain_with into NULL");
    }
    char small[16];
    size_t need = 0;
    CHECK(voipsign_explain(-1, NULL, 0, small, sizeof small, &need, NULL) == VOIPSIGN_BUFFER_TOO_SMALL && need > 16,
          "explain into a short buffer");
    CHECK(voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), NULL, NULL, 1, small, sizeof small,
                            NULL, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "diagnose with NULL older keys");
    const char *bad[1] = {"nope"};
    size_t bad_len[1] = {4};
    voipsign_error err;
    CHECK(voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), bad, bad_len, 1, small, sizeof small,
                            NULL, &err) == VOIPSIGN_INVALID_SESSION_KEY &&
              strncmp(err.message, "otherSessionKeys[0]", 19) == 0,
          "diagnose names the bad older key");
}

enum { THREADS = 4 };
static int iterations = 10000;

static void *sign_loop(void *arg) {
    long id = (long)arg;
    long bad = 0;
    for (int i = 0; i < iterations; i++) {
        const struct sv *c = &CASES[(size_t)(i + id) % N_CASES];
        char sig[64];
        voipsign_status st = sign_with(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                       c->nonce_len, c->ts, c->key, c->key_len, sig, sizeof sig, NULL);
        if (st != VOIPSIGN_OK || memcmp(sig, c->signature, 64) != 0) bad++;
    }
    return (void *)bad;
}

static void test_threads(void) {
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, sign_loop, (void *)i);
    long bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0, "%d threads x %d signatures: %ld differ from the vectors", THREADS, iterations, bad);
}

int main(void) {
    const char *it = getenv("VOIPSIGN_TEST_ITERATIONS");
    if (it) iterations = atoi(it);
    test_cases();
    test_invalid();
    test_session_signatures();
    test_null_and_empty();
    test_large_nul_and_utf8();
    test_buffers();
    test_issue_and_verify();
    test_status_names();
    test_diagnose_and_explain();
    test_threads();
    return check_summary();
}
