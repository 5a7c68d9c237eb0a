/* call_invalid(): run one invalid case of tests/vectors/signatures.json (INVALID_OPS,
 * build/c/vectors.h) through the C function of its "op", with the case's fields:
 *
 *   sign               voipsign_sign
 *   canonical          voipsign_canonical
 *   verify             voipsign_verify              (signature)
 *   sign_many          voipsign_sign_many           (sessionKeys)
 *   issue              voipsign_issue               (roomType; absent: (NULL, 0))
 *   diagnose           voipsign_diagnose            (rejectedSignature, otherSessionKeys)
 *   session_signature  voipsign_session_signature   (body)
 *
 * Used by test_voipsign.c (status names and message prefixes) and test_secrets.c
 * (no part of a key in the message). */
#ifndef VOIPSIGN_TEST_CALL_OP_H
#define VOIPSIGN_TEST_CALL_OP_H

#include <stdbool.h>
#include <stddef.h>

#include "voipsign.h"
#include "vectors.h"

/* Call the function of c->op. Buffer outputs go to out (out_cap bytes: 8192 suffice
 * for every op); err (may be NULL) receives the reason on failure. */
static inline voipsign_status call_invalid(const struct iv *c, char *out, size_t out_cap, voipsign_error *err) {
    size_t len = 0;
    bool valid = false;
    /* (NULL, NULL, 0) for an empty key list, as the header allows. */
    const char *const *keys = c->n_keys ? c->keys : NULL;
    const size_t *key_lens = c->n_keys ? c->key_lens : NULL;
    switch (c->op) {
    case OP_SIGN:
        return voipsign_sign(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len, c->ts,
                             c->key, c->key_len, out, out_cap, err);
    case OP_CANONICAL:
        return voipsign_canonical(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                                  c->ts, out, out_cap, &len, err);
    case OP_VERIFY:
        return voipsign_verify(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len, c->ts,
                               c->key, c->key_len, c->signature, c->signature_len, &valid, err);
    case OP_SIGN_MANY:
        return voipsign_sign_many(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                                  c->ts, keys, key_lens, c->n_keys, out, out_cap, err);
    case OP_ISSUE:
        return voipsign_issue(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->key, c->key_len,
                              c->room_type, c->room_type_len, out, out_cap, &len, err);
    case OP_DIAGNOSE:
        return voipsign_diagnose(c->app_id, c->app_id_len, c->group_id, c->group_id_len, c->nonce, c->nonce_len,
                                 c->ts, c->key, c->key_len, c->signature, c->signature_len, keys, key_lens, c->n_keys,
                                 out, out_cap, &len, err);
    case OP_SESSION_SIGNATURE:
        return voipsign_session_signature(c->key, c->key_len, c->body, c->body_len, out, out_cap, err);
    }
    return VOIPSIGN_INTERNAL; /* not reached: every op is handled above */
}

#endif /* VOIPSIGN_TEST_CALL_OP_H */
