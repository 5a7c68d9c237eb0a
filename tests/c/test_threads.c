/* Concurrency of libvoipsign through the C ABI: 2 x (online CPUs) threads, each
 * making VOIPSIGN_TEST_ITERATIONS calls (default 10^5), started together behind a
 * barrier, must give exactly what one thread computed first, call for call:
 * signatures, verify verdicts, sign_many outputs, and for refused inputs the same
 * status and the same message.
 *
 * The inputs: every valid vector of tests/vectors/signatures.json and every invalid
 * one of op sign (the sign-shaped ones: build/c/vectors.h INVALID), plus
 * 1000 generated ones (distinct session_keys, groupIds of 1 to 32 bytes with
 * multi-byte UTF-8, nonces, timestamps), shared by every thread and walked by
 * each from its own offset with its own stride. One call in 16 is a verify, one
 * in 16 a sign_many of 10 keys, the rest are signs.
 *
 * Iterations per thread (the Makefile's hardening targets): 10^5 in the plain and
 * the AddressSanitizer + UBSan builds (about 0.4 s and 1 s on 2 cores), 2 x 10^4
 * under valgrind (which runs one thread at a time; about 6 s). Environment:
 * VOIPSIGN_TEST_ITERATIONS, VOIPSIGN_TEST_THREADS (default 2 x online CPUs, at
 * least 4). Prints "N passed, M failed" last. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "vectors.h"

enum { GENERATED = 1000, MAX_TEXT = 1100, MANY = 10 };

/* One input and what the single thread computed for it. */
struct input {
    char app[MAX_TEXT], group[MAX_TEXT], nonce[MAX_TEXT], key[MAX_TEXT];
    size_t app_len, group_len, nonce_len, key_len;
    int64_t ts;
    /* expected */
    voipsign_status status;
    char sig[VOIPSIGN_SIGNATURE_LEN];
    char message[VOIPSIGN_ERROR_MESSAGE_CAP];
};

static struct input *inputs;
static size_t n_inputs;
/* One room signed for MANY members (keys of the generated inputs) per input. */
static char (*many_expected)[MANY * VOIPSIGN_SIGNATURE_LEN];
static voipsign_status *many_status;

static void put(char *dst, size_t *len, const char *src, size_t n) {
    if (n >= MAX_TEXT) n = MAX_TEXT - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
    *len = n;
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void base64_16(const unsigned char in[16], char out[25]) {
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < 15; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = A[v >> 18 & 63];
        out[o++] = A[v >> 12 & 63];
        out[o++] = A[v >> 6 & 63];
        out[o++] = A[v & 63];
    }
    uint32_t v = (uint32_t)in[15] << 16;
    out[o++] = A[v >> 18 & 63];
    out[o++] = A[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
    out[o] = 0;
}

static void generate(struct input *in) {
    static const char *const pieces[] = {"room", "房间", "-", "_", "7", "Zz", "é", "🎧", "42", "."};
    char buf[MAX_TEXT];
    int n = snprintf(buf, sizeof buf, "wx%016llx", (unsigned long long)next_u64());
    put(in->app, &in->app_len, buf, (size_t)n);
    size_t g = 0, parts = 1 + next_u64() % 8;
    for (size_t p = 0; p < parts; p++) {
        const char *s = pieces[next_u64() % (sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(s);
        memcpy(buf + g, s, l);
        g += l;
    }
    put(in->group, &in->group_len, buf, g);
    size_t nl = 1 + next_u64() % 40;
    for (size_t k = 0; k < nl; k++) buf[k] = (char)(0x21 + next_u64() % 94);
    put(in->nonce, &in->nonce_len, buf, nl);
    in->ts = 1 + (int64_t)(next_u64() % 9999999999ull);
    unsigned char raw[16];
    for (size_t k = 0; k < 16; k++) raw[k] = (unsigned char)next_u64();
    base64_16(raw, buf);
    put(in->key, &in->key_len, buf, 24);
}

static voipsign_status sign_input(const struct input *in, char *sig, voipsign_error *err) {
    return voipsign_sign(in->app, in->app_len, in->group, in->group_len, in->nonce, in->nonce_len, in->ts, in->key,
                         in->key_len, sig, VOIPSIGN_SIGNATURE_LEN, err);
}

static voipsign_status sign_many_input(size_t i, char *out) {
    const struct input *in = &inputs[i];
    const char *keys[MANY];
    size_t lens[MANY];
    for (size_t m = 0; m < MANY; m++) {
        const struct input *k = &inputs[(i + m * 97) % n_inputs];
        keys[m] = k->key;
        lens[m] = k->key_len;
    }
    return voipsign_sign_many(in->app, in->app_len, in->group, in->group_len, in->nonce, in->nonce_len, in->ts, keys,
                              lens, MANY, out, MANY * VOIPSIGN_SIGNATURE_LEN, NULL);
}

static void build_inputs(void) {
    n_inputs = N_CASES + N_INVALID + GENERATED;
    inputs = calloc(n_inputs, sizeof *inputs);
    many_expected = calloc(n_inputs, sizeof *many_expected);
    many_status = calloc(n_inputs, sizeof *many_status);
    size_t k = 0;
    for (size_t i = 0; i < N_CASES + N_INVALID; i++, k++) {
        const struct sv *c = i < N_CASES ? &CASES[i] : &INVALID[i - N_CASES];
        struct input *in = &inputs[k];
        put(in->app, &in->app_len, c->app_id, c->app_id_len);
        put(in->group, &in->group_len, c->group_id, c->group_id_len);
        put(in->nonce, &in->nonce_len, c->nonce, c->nonce_len);
        put(in->key, &in->key_len, c->key, c->key_len);
        in->ts = c->ts;
    }
    for (size_t i = 0; i < GENERATED; i++, k++) generate(&inputs[k]);

    /* The single-thread results. */
    size_t refused = 0;
    for (size_t i = 0; i < n_inputs; i++) {
        struct input *in = &inputs[i];
        voipsign_error err;
        memset(&err, 0, sizeof err);
        in->status = sign_input(in, in->sig, &err);
        if (in->status != VOIPSIGN_OK) {
            refused++;
            memcpy(in->message, err.message, sizeof in->message);
        }
        if (i < N_CASES) CHECK(in->status == VOIPSIGN_OK && memcmp(in->sig, CASES[i].signature, 64) == 0,
                               "single thread, case %s", CASES[i].name);
        many_status[i] = sign_many_input(i, many_expected[i]);
    }
    CHECK(refused >= N_INVALID, "the invalid vectors are refused (%zu refused)", refused);
}

static const char ZERO_SIG[] = "0000000000000000000000000000000000000000000000000000000000000000";
static int iterations = 100000;
static pthread_barrier_t start;

struct result {
    long calls, bad;
};

static void *worker(void *arg) {
    long id = (long)arg;
    struct result *r = calloc(1, sizeof *r);
    pthread_barrier_wait(&start);
    /* Each thread walks the inputs from its own offset with its own stride. */
    size_t stride = (size_t)(1 + 2 * id) % n_inputs, at = (size_t)id * (n_inputs / 7);
    for (int it = 0; it < iterations; it++, at = (at + stride) % n_inputs) {
        const struct input *in = &inputs[at];
        char sig[VOIPSIGN_SIGNATURE_LEN];
        voipsign_error err;
        bool ok;
        switch (it % 16) {
        case 15: { /* one room of MANY members */
            char many[MANY * VOIPSIGN_SIGNATURE_LEN];
            voipsign_status st = sign_many_input(at, many);
            ok = st == many_status[at] && (st != VOIPSIGN_OK || memcmp(many, many_expected[at], sizeof many) == 0);
            break;
        }
        case 7: { /* verify the expected signature */
            bool valid = false;
            voipsign_status st = voipsign_verify(in->app, in->app_len, in->group, in->group_len, in->nonce,
                                                 in->nonce_len, in->ts, in->key, in->key_len,
                                                 in->status == VOIPSIGN_OK ? in->sig : ZERO_SIG, 64, &valid,
                                                 &err);
            ok = in->status == VOIPSIGN_OK ? st == VOIPSIGN_OK && valid
                                           : st == in->status && strcmp(err.message, in->message) == 0;
            break;
        }
        default: {
            voipsign_status st = sign_input(in, sig, &err);
            ok = st == in->status && (st == VOIPSIGN_OK ? memcmp(sig, in->sig, sizeof sig) == 0
                                                        : strcmp(err.message, in->message) == 0);
        }
        }
        r->calls++;
        if (!ok) {
            if (r->bad < 3) fprintf(stderr, "thread %ld, call %d, input %zu: differs\n", id, it, at);
            r->bad++;
        }
    }
    return r;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void) {
    const char *it = getenv("VOIPSIGN_TEST_ITERATIONS");
    if (it) iterations = atoi(it);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = (int)(cpus > 0 ? 2 * cpus : 4);
    if (threads < 4) threads = 4;
    const char *th = getenv("VOIPSIGN_TEST_THREADS");
    if (th) threads = atoi(th);

    build_inputs();
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    double t0 = now();
    for (long i = 0; i < threads; i++) CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0, "thread %ld", i);
    long calls = 0, bad = 0;
    for (int i = 0; i < threads; i++) {
        void *r;
        pthread_join(t[i], &r);
        calls += ((struct result *)r)->calls;
        bad += ((struct result *)r)->bad;
        free(r);
    }
    double secs = now() - t0;
    pthread_barrier_destroy(&start);
    CHECK(calls == (long)threads * iterations, "every call ran");
    CHECK(bad == 0, "%d threads x %d calls: %ld differ from the single-thread results", threads, iterations, bad);
    fprintf(stderr, "test_threads: %d threads x %d calls over %zu inputs in %.2f s\n", threads, iterations, n_inputs,
            secs);
    free(t);
    free(inputs);
    free(many_expected);
    free(many_status);
    return check_summary();
}
