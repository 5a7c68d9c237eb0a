/* The C benchmark: voipsign_sign against the idioms C backends write today —
 * OpenSSL's one-shot HMAC() and EVP_MAC with the key set once — plus sign_many and
 * the 1-thread vs 2-thread throughput of the C ABI. Each idiom first reproduces the
 * documentation's example signature (the benchmark fails otherwise).
 *
 * Output: a table on stdout and, with BENCH_JSON=path, a JSON object.
 * BENCH_QUICK=1: tiny iteration counts (a smoke run; figures not for reading). */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "voipsign.h"

static const char *APP = "wx20afc706a711eefc", *GROUP = "1559129713_672975982", *NONCE = "8AP6DT9ybtniUJfb";
static const char *KEY = "gDyVgzwa0mFz9uUP7M6GQQ==";
static const int64_t TS = 1559129714;
static const char *DOC_SIG = "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617";
static const char *KEYS[10] = {
    "gDyVgzwa0mFz9uUP7M6GQQ==", "o0q0otL8aEzpcZL/FT9WsQ==", "kUpBwvRHPfIDSEEATFMKZg==", "AAAAAAAAAAAAAAAAAAAAAA==",
    "/////////////////////w==", "MDEyMzQ1Njc4OWFiY2RlZg==", "ZmVkY2JhOTg3NjU0MzIxMA==", "c2Vzc2lvbl9rZXlfMTIzNA==",
    "cXdlcnR5dWlvcGFzZGZnaA==", "emF4Y3Zibm1xd2VydHl1aQ=="};

static volatile unsigned sink;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The idiom: sort the four strings, concatenate, HMAC, hex. */
static void idiom_message(char *msg, size_t *len) {
    char ts[24];
    snprintf(ts, sizeof ts, "%lld", (long long)TS);
    const char *v[4] = {APP, GROUP, NONCE, ts};
    qsort(v, 4, sizeof v[0], cmp);
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        size_t l = strlen(v[i]);
        memcpy(msg + n, v[i], l);
        n += l;
    }
    msg[n] = 0;
    *len = n;
}

static void hex(const unsigned char *d, char *out) {
    static const char h[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = h[d[i] >> 4];
        out[2 * i + 1] = h[d[i] & 15];
    }
    out[64] = 0;
}

static void idiom_hmac_oneshot(const char *key, char *sig) {
    char msg[256];
    size_t len;
    idiom_message(msg, &len);
    unsigned char md[32];
    unsigned int mdlen = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg, len, md, &mdlen);
    hex(md, sig);
}

static EVP_MAC_CTX *cached_ctx;

static void idiom_evp_cached(char *sig) {
    char msg[256];
    size_t len;
    idiom_message(msg, &len);
    unsigned char md[32];
    size_t mdlen = 0;
    EVP_MAC_init(cached_ctx, NULL, 0, NULL); /* key set once, reused */
    EVP_MAC_update(cached_ctx, (const unsigned char *)msg, len);
    EVP_MAC_final(cached_ctx, md, &mdlen, sizeof md);
    hex(md, sig);
}

static void voipsign_one(const char *key, char *sig) {
    voipsign_sign(APP, strlen(APP), GROUP, strlen(GROUP), NONCE, strlen(NONCE), TS, key, strlen(key), sig, 65, NULL);
}

enum { REPEATS = 7 };
static long iters = 200000;

typedef void (*fn_t)(void);
static void run_oneshot(void) { char s[65]; idiom_hmac_oneshot(KEY, s); sink += (unsigned char)s[0]; }
static void run_evp(void) { char s[65]; idiom_evp_cached(s); sink += (unsigned char)s[0]; }
static void run_voipsign(void) { char s[65]; voipsign_one(KEY, s); sink += (unsigned char)s[0]; }
static void run_oneshot10(void) {
    char s[65];
    for (int k = 0; k < 10; k++) { idiom_hmac_oneshot(KEYS[k], s); sink += (unsigned char)s[0]; }
}
static size_t key_lens[10];
static void run_many10(void) {
    char out[640];
    voipsign_sign_many(APP, strlen(APP), GROUP, strlen(GROUP), NONCE, strlen(NONCE), TS, KEYS, key_lens, 10, out,
                       sizeof out, NULL);
    sink += (unsigned char)out[0];
}

struct stat { double median, min, max; };

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* ns per call: warm-up, then REPEATS timed runs of `iters` calls. */
static struct stat measure(fn_t f, long n) {
    for (long i = 0; i < n / 10 + 1; i++) f();
    double r[REPEATS];
    for (int k = 0; k < REPEATS; k++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) f();
        r[k] = (now_ns() - t0) / (double)n;
    }
    qsort(r, REPEATS, sizeof r[0], cmpd);
    struct stat s = {r[REPEATS / 2], r[0], r[REPEATS - 1]};
    return s;
}

static void *thread_loop(void *arg) {
    long n = *(long *)arg;
    for (long i = 0; i < n; i++) run_voipsign();
    return NULL;
}

/* Signatures per second with `threads` threads each doing `n` calls. */
static double throughput(int threads, long n) {
    pthread_t t[8];
    double t0 = now_ns();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, thread_loop, &n);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return threads * n / ((now_ns() - t0) / 1e9);
}

int main(void) {
    const char *q = getenv("BENCH_QUICK");
    int quick = q && strcmp(q, "1") == 0;
    if (quick) iters = 2000;
    for (int k = 0; k < 10; k++) key_lens[k] = strlen(KEYS[k]);

    cached_ctx = EVP_MAC_CTX_new(EVP_MAC_fetch(NULL, "HMAC", NULL));
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0), OSSL_PARAM_construct_end()};
    if (!cached_ctx || !EVP_MAC_init(cached_ctx, (const unsigned char *)KEY, strlen(KEY), params)) {
        fprintf(stderr, "EVP_MAC setup failed\n");
        return 1;
    }
    char a[65], b[65], c[65];
    idiom_hmac_oneshot(KEY, a);
    idiom_evp_cached(b);
    voipsign_one(KEY, c);
    if (strcmp(a, DOC_SIG) || strcmp(b, DOC_SIG) || strcmp(c, DOC_SIG)) {
        fprintf(stderr, "an implementation does not reproduce the documentation's signature\n");
        return 1;
    }

    struct stat s_one = measure(run_oneshot, iters), s_evp = measure(run_evp, iters),
                s_vs = measure(run_voipsign, iters), s_one10 = measure(run_oneshot10, iters / 10),
                s_many = measure(run_many10, iters / 10);
    long tn = quick ? 2000 : 1000000;
    double t1 = 0, t2 = 0;
    for (int k = 0; k < 3; k++) { /* best of three: the machine may be shared */
        double x = throughput(1, tn), y = throughput(2, tn);
        if (x > t1) t1 = x;
        if (y > t2) t2 = y;
    }

    printf("C (OpenSSL %s)%s\n", OpenSSL_version(OPENSSL_VERSION_STRING), quick ? "  [BENCH_QUICK: not for reading]" : "");
    printf("  %-34s %9s %9s %9s %8s\n", "measurement", "median", "min", "max", "ratio");
    printf("  %-34s %9.1f %9.1f %9.1f %8s\n", "idiom: HMAC() one-shot", s_one.median, s_one.min, s_one.max, "1.00");
    printf("  %-34s %9.1f %9.1f %9.1f %8.2f\n", "idiom: EVP_MAC, key set once", s_evp.median, s_evp.min, s_evp.max,
           s_one.median / s_evp.median);
    printf("  %-34s %9.1f %9.1f %9.1f %8.2f\n", "voipsign_sign", s_vs.median, s_vs.min, s_vs.max,
           s_one.median / s_vs.median);
    printf("  %-34s %9.1f %9.1f %9.1f %8.2f\n", "sign_many(10) per member", s_many.median / 10, s_many.min / 10,
           s_many.max / 10, s_one10.median / s_many.median);
    printf("  voipsign_sign vs EVP_MAC cached key: %.2fx\n", s_evp.median / s_vs.median);
    printf("  throughput: 1 thread %.0f/s, 2 threads %.0f/s: %.2fx\n", t1, t2, t2 / t1);

    const char *path = getenv("BENCH_JSON");
    if (path) {
        FILE *f = fopen(path, "w");
        if (!f) return 1;
        fprintf(f,
                "{\"language\":\"C\",\"idiom\":\"sort + concat + OpenSSL HMAC() one-shot + hex\","
                "\"idiom_ns\":%.1f,\"idiom_min\":%.1f,\"idiom_max\":%.1f,"
                "\"voipsign_ns\":%.1f,\"voipsign_min\":%.1f,\"voipsign_max\":%.1f,\"ratio\":%.3f,"
                "\"evp_cached_ns\":%.1f,\"ratio_vs_evp_cached\":%.3f,"
                "\"idiom10_ns\":%.1f,\"sign_many10_ns\":%.1f,\"sign_many_per_member_ns\":%.1f,\"sign_many_ratio\":%.3f,"
                "\"threads1_per_s\":%.0f,\"threads2_per_s\":%.0f,\"thread_scaling\":%.3f,\"openssl\":\"%s\",\"quick\":%s}\n",
                s_one.median, s_one.min, s_one.max, s_vs.median, s_vs.min, s_vs.max, s_one.median / s_vs.median,
                s_evp.median, s_evp.median / s_vs.median, s_one10.median, s_many.median, s_many.median / 10,
                s_one10.median / s_many.median, t1, t2, t2 / t1, OpenSSL_version(OPENSSL_VERSION_STRING),
                quick ? "true" : "false");
        fclose(f);
    }
    EVP_MAC_CTX_free(cached_ctx);
    return 0;
}
