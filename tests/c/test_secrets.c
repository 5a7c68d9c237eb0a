/* Secret hygiene of the C ABI: no run of 6 characters of a session_key (nor of
 * its base64-decoded bytes, as hex) appears in any error message or any JSON
 * result:
 * - every invalid case of signatures.json (INVALID_OPS) through the function of
 *   its op, with the status it names;
 * - every invalid case of op sign through every function that takes a key (sign,
 *   verify, sign_many, diagnose with the same inputs; session_signature, issue and
 *   diagnose's older keys with the key alone);
 * - errors raised after the key was validated (a good key and a bad nonce, bad
 *   timestamp, bad signature, bad roomType, bad second key of a list, bad older
 *   key, a buffer too small, a NULL output);
 * - the ticket JSON of issue and the diagnose JSON of every diagnose vector, and
 *   of a diagnose whose rejected signature is the key itself.
 * Prints "N passed, M failed" last. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_op.h"
#include "check.h"
#include "vectors.h"

enum { WINDOW = 6 };

/* The first window of `secret` (of `len` bytes, WINDOW bytes long, without
 * whitespace) found in `text`, or NULL. Secrets shorter than WINDOW are checked
 * whole when at least 4 bytes long. */
static const char *leak(const char *text, size_t text_len, const char *secret, size_t len) {
    static char found[WINDOW + 1];
    size_t w = len < WINDOW ? len : WINDOW;
    if (w < 4) return NULL;
    for (size_t i = 0; i + w <= len; i++) {
        bool space = false;
        for (size_t k = 0; k < w; k++)
            if (secret[i + k] == ' ' || secret[i + k] == '\n' || secret[i + k] == '\r' || secret[i + k] == '\t')
                space = true;
        if (space) continue;
        for (size_t j = 0; j + w <= text_len; j++) {
            if (memcmp(text + j, secret + i, w) == 0) {
                memcpy(found, secret + i, w);
                found[w] = 0;
                return found;
            }
        }
    }
    return NULL;
}

/* Check an error message: no part of `key`, of the good keys or of the decoded key. */
static void check_no_leak(const char *what, const voipsign_error *err, const char *key, size_t key_len) {
    const char *l = leak(err->message, err->message_len, key, key_len);
    CHECK(l == NULL, "%s: the message %s shows %s of the key", what, err->message, l);
    l = leak(err->message, err->message_len, S(KEY));
    CHECK(l == NULL, "%s: the message %s shows %s of the good key", what, err->message, l);
    l = leak(err->message, err->message_len, S(OTHER_KEY));
    CHECK(l == NULL, "%s: the message %s shows %s of another key", what, err->message, l);
    l = leak(err->message, err->message_len, S(KEY_DECODED_HEX));
    CHECK(l == NULL, "%s: the message %s shows the decoded key", what, err->message);
}

/* Check an error: the status it returned, a message, and no part of any key. */
static void check_error(const char *what, voipsign_status st, voipsign_status want, const voipsign_error *err,
                        const char *key, size_t key_len) {
    CHECK_STATUS(st, want, what);
    if (st == VOIPSIGN_OK) return;
    CHECK(err->status == st && err->message_len > 0 && err->message_len == strlen(err->message),
          "%s: error detail", what);
    check_no_leak(what, err, key, key_len);
}

static voipsign_status status_of(const char *name) {
    for (int s = 0; s < 64; s++)
        if (strcmp(voipsign_status_name(s), name) == 0) return (voipsign_status)s;
    return VOIPSIGN_INTERNAL;
}

/* Every invalid case through the function of its op: the named status, and no
 * part of its key nor of any key of its list in the message. */
static void test_every_invalid_case_by_op(void) {
    static char out[8192];
    for (size_t i = 0; i < N_INVALID_OPS; i++) {
        const struct iv *c = &INVALID_OPS[i];
        char what[200];
        voipsign_error err;
        memset(&err, 0, sizeof err);
        snprintf(what, sizeof what, "%s %s", c->op_name, c->name);
        voipsign_status st = call_invalid(c, out, sizeof out, &err);
        check_error(what, st, status_of(c->error), &err, c->key, c->key_len);
        for (size_t k = 0; k < c->n_keys; k++) check_no_leak(what, &err, c->keys[k], c->key_lens[k]);
    }
}

/* Every invalid case of op sign through every function that takes a key. The
 * functions given the same four values and key must refuse them as sign does
 * (diagnose: unless the timestamp is in milliseconds, a finding there); those
 * given the key alone must agree with session_signature on it. */
static void test_every_sign_case_through_every_function(void) {
    for (size_t i = 0; i < N_INVALID; i++) {
        const struct sv *c = &INVALID[i];
        voipsign_status want = status_of(c->expect);
        char what[160], out[8192];
        size_t len;
        voipsign_error err;
        bool valid;

        snprintf(what, sizeof what, "sign %s", c->name);
        check_error(what, voipsign_sign(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                        c->nonce_len, c->ts, c->key, c->key_len, out, 64, &err),
                    want, &err, c->key, c->key_len);

        snprintf(what, sizeof what, "verify %s", c->name);
        check_error(what, voipsign_verify(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                          c->nonce_len, c->ts, c->key, c->key_len, S(DOC_SIG), &valid, &err),
                    want, &err, c->key, c->key_len);

        /* The bad key second, after a good one. */
        const char *keys[2] = {KEY, c->key};
        size_t lens[2] = {strlen(KEY), c->key_len};
        snprintf(what, sizeof what, "sign_many %s", c->name);
        check_error(what, voipsign_sign_many(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                             c->nonce_len, c->ts, keys, lens, 2, out, 128, &err),
                    want, &err, c->key, c->key_len);

        snprintf(what, sizeof what, "diagnose %s", c->name);
        voipsign_status st = voipsign_diagnose(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce,
                                               c->nonce_len, c->ts, c->key, c->key_len, S(DOC_SIG), NULL, NULL, 0,
                                               out, sizeof out, &len, &err);
        /* diagnose takes a 13-digit timestamp as a finding, not an error. */
        bool millis = c->ts >= 1000000000000LL && c->ts <= 9999999999999LL;
        if (want == VOIPSIGN_INVALID_TIMESTAMP && millis) {
            if (st != VOIPSIGN_OK) check_no_leak(what, &err, c->key, c->key_len);
        } else {
            check_error(what, st, want, &err, c->key, c->key_len);
        }
        if (st == VOIPSIGN_OK) {
            const char *l = leak(out, len, c->key, c->key_len);
            CHECK(l == NULL, "%s: the JSON shows %s of the key", what, l);
        }

        /* The key alone, everything else good. */
        snprintf(what, sizeof what, "session_signature %s", c->name);
        voipsign_status key_status = voipsign_session_signature(c->key, c->key_len, c->key, c->key_len, out, 64, &err);
        if (key_status != VOIPSIGN_OK) check_no_leak(what, &err, c->key, c->key_len);
        if (want == VOIPSIGN_INVALID_SESSION_KEY || want == VOIPSIGN_INVALID_UTF8)
            CHECK_STATUS(key_status, want, what);
        snprintf(what, sizeof what, "diagnose(other key) %s", c->name);
        keys[0] = c->key;
        lens[0] = c->key_len;
        st = voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), keys, lens, 1, out, sizeof out,
                               &len, &err);
        check_error(what, st, key_status, &err, c->key, c->key_len);
        snprintf(what, sizeof what, "issue %s", c->name);
        check_error(what, voipsign_issue(S(APP), S(GROUP), c->key, c->key_len, S("voice"), out, sizeof out, &len,
                                         &err),
                    key_status, &err, c->key, c->key_len);
    }
}

static void test_errors_after_the_key_was_accepted(void) {
    char out[8192];
    size_t len;
    voipsign_error err;
    bool valid;
    check_error("sign, bad nonce", voipsign_sign(S(APP), S(GROUP), S("bad nonce"), TS, S(KEY), out, 64, &err),
                VOIPSIGN_INVALID_NONCE, &err, S(KEY));
    check_error("sign, milliseconds", voipsign_sign(S(APP), S(GROUP), S(NONCE), TS * 1000, S(KEY), out, 64, &err),
                VOIPSIGN_INVALID_TIMESTAMP, &err, S(KEY));
    check_error("sign, buffer too small", voipsign_sign(S(APP), S(GROUP), S(NONCE), TS, S(KEY), out, 63, &err),
                VOIPSIGN_BUFFER_TOO_SMALL, &err, S(KEY));
    check_error("sign, NULL out", voipsign_sign(S(APP), S(GROUP), S(NONCE), TS, S(KEY), NULL, 64, &err),
                VOIPSIGN_NULL_ARGUMENT, &err, S(KEY));
    check_error("verify, 63 digits", voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), DOC_SIG, 63, &valid, &err),
                VOIPSIGN_INVALID_SIGNATURE, &err, S(KEY));
    /* A signature that is the key itself: refused without quoting it. */
    check_error("verify, the key as signature",
                voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(KEY), &valid, &err),
                VOIPSIGN_INVALID_SIGNATURE, &err, S(KEY));
    char cloud[128];
    snprintf(cloud, sizeof cloud, "%s_%s", DOC_SIG, KEY);
    check_error("verify, cloud suffix holding the key",
                voipsign_verify(S(APP), S(GROUP), S(NONCE), TS, S(KEY), cloud, strlen(cloud), &valid, &err),
                VOIPSIGN_INVALID_SIGNATURE, &err, S(KEY));
    check_error("issue, room type", voipsign_issue(S(APP), S(GROUP), S(KEY), S("Video"), out, sizeof out, &len, &err),
                VOIPSIGN_INVALID_ROOM_TYPE, &err, S(KEY));
    check_error("issue, buffer too small", voipsign_issue(S(APP), S(GROUP), S(KEY), S("voice"), out, 16, &len, &err),
                VOIPSIGN_BUFFER_TOO_SMALL, &err, S(KEY));
    check_error("session_signature, buffer too small",
                voipsign_session_signature(S(KEY), S("body"), out, 10, &err), VOIPSIGN_BUFFER_TOO_SMALL, &err, S(KEY));
    const char *keys[3] = {KEY, OTHER_KEY, "gDyVgzwa0mFz9uUP7M6GQQ="};
    size_t lens[3] = {24, 24, 23};
    check_error("sign_many, bad third key",
                voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, keys, lens, 3, out, 3 * 64, &err),
                VOIPSIGN_INVALID_SESSION_KEY, &err, keys[2], lens[2]);
    CHECK(strncmp(err.message, "sessionKeys[2]", 14) == 0, "sign_many names the index: %s", err.message);
    check_error("sign_many, bad nonce, two good keys",
                voipsign_sign_many(S(APP), S(GROUP), S(""), TS, keys, lens, 2, out, 2 * 64, &err),
                VOIPSIGN_INVALID_NONCE, &err, S(OTHER_KEY));
    check_error("sign_many, buffer too small",
                voipsign_sign_many(S(APP), S(GROUP), S(NONCE), TS, keys, lens, 2, out, 100, &err),
                VOIPSIGN_BUFFER_TOO_SMALL, &err, S(OTHER_KEY));
    check_error("diagnose, bad older key",
                voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), keys + 1, lens + 1, 2, out,
                                  sizeof out, &len, &err),
                VOIPSIGN_INVALID_SESSION_KEY, &err, keys[2], lens[2]);
    check_error("diagnose, bad appId",
                voipsign_diagnose(S(""), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), keys + 1, lens + 1, 1, out,
                                  sizeof out, &len, &err),
                VOIPSIGN_INVALID_APP_ID, &err, S(OTHER_KEY));
    check_error("diagnose, buffer too small",
                voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), S(DOC_SIG), keys + 1, lens + 1, 1, out, 8,
                                  &len, &err),
                VOIPSIGN_BUFFER_TOO_SMALL, &err, S(OTHER_KEY));
}

static void check_json(const char *what, const char *json, size_t len, const char *const *keys, size_t n_keys) {
    CHECK(len == strlen(json), "%s: JSON length", what);
    for (size_t k = 0; k < n_keys; k++) {
        const char *l = leak(json, len, keys[k], strlen(keys[k]));
        CHECK(l == NULL, "%s: the JSON shows %s of key %zu: %s", what, l, k, json);
    }
    const char *l = leak(json, len, S(KEY_DECODED_HEX));
    CHECK(l == NULL, "%s: the JSON shows the decoded key: %s", what, json);
}

static void test_json_results(void) {
    char out[8192];
    size_t len = 0;
    voipsign_error err;
    const char *both[2] = {KEY, OTHER_KEY};
    CHECK(voipsign_issue(S(APP), S(GROUP), S(KEY), S("video"), out, sizeof out, &len, &err) == VOIPSIGN_OK, "issue");
    check_json("issue", out, len, both, 1);
    for (size_t i = 0; i < N_DIAGNOSE; i++) {
        const struct dv *c = &DIAGNOSE[i];
        size_t lens[3];
        for (size_t k = 0; k < c->n_others; k++) lens[k] = strlen(c->others[k]);
        voipsign_status st = voipsign_diagnose(S(APP), c->group_id, c->group_id_len, S(NONCE), c->ts, S(KEY),
                                               c->signature, c->signature_len, c->n_others ? c->others : NULL,
                                               c->n_others ? lens : NULL, c->n_others, out, sizeof out, &len, &err);
        CHECK(st == VOIPSIGN_OK, "diagnose %s", c->name);
        if (st != VOIPSIGN_OK) continue;
        const char *keys[4] = {KEY, NULL, NULL, NULL};
        for (size_t k = 0; k < c->n_others; k++) keys[k + 1] = c->others[k];
        char what[128];
        snprintf(what, sizeof what, "diagnose %s", c->name);
        check_json(what, out, len, keys, 1 + c->n_others);
    }
    /* A "rejected signature" that is the key itself or holds it: not quoted back. */
    const char *rejected[] = {KEY, "gDyVgzwa0mFz9uUP7M6GQQ==gDyVgzwa0mFz9uUP7M6GQQ==gDyVgzwa0mFz9uUP",
                              "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbc_gDyVgzwa0mFz9uUP7M6GQQ=="};
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
        voipsign_status st = voipsign_diagnose(S(APP), S(GROUP), S(NONCE), TS, S(KEY), rejected[i],
                                               strlen(rejected[i]), NULL, NULL, 0, out, sizeof out, &len, &err);
        CHECK(st == VOIPSIGN_OK, "diagnose of a key-like signature %zu", i);
        if (st == VOIPSIGN_OK) check_json("diagnose of a key-like signature", out, len, both, 2);
    }
}

int main(void) {
    /* The detector itself: any 6-character run is found, whitespace is skipped. */
    CHECK(leak(S("sessionKey ...a0mFz9... is bad"), S(KEY)) != NULL, "leak() finds a run of the key");
    CHECK(leak(S("sessionKey ends with a newline"), S("gDyVgzwa0mFz9uUP7M6GQQ==\n")) == NULL, "leak() no false hit");
    test_every_invalid_case_by_op();
    test_every_sign_case_through_every_function();
    test_errors_after_the_key_was_accepted();
    test_json_results();
    return check_summary();
}
