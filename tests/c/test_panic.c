/* The panic boundary of the C ABI. Linked against the test-only library built with
 * the cargo feature `test-panic` (target/test-panic/release/libvoipsign.a, `make
 * ffi-test-panic`), which adds voipsign_test_panic: it panics inside the same
 * guard every entry uses. The panic must come out as VOIPSIGN_INTERNAL with a
 * message, and the process must carry on: repeatedly, from several threads at
 * once, with the other functions still right afterwards.
 * Prints "N passed, M failed" last. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* Not in voipsign.h (test-only, excluded by ffi/cbindgen.toml). */
voipsign_status voipsign_test_panic(voipsign_error *err);

static int sign_doc(char *sig) {
    return voipsign_sign(S(APP), S(GROUP), S(NONCE), TS, S(KEY), sig, 65, NULL) == VOIPSIGN_OK &&
           strcmp(sig, DOC_SIG) == 0;
}

enum { THREADS = 4, PANICS_PER_THREAD = 200 };

static void *panic_loop(void *arg) {
    (void)arg;
    long bad = 0;
    for (int i = 0; i < PANICS_PER_THREAD; i++) {
        voipsign_error err;
        char sig[65];
        if (voipsign_test_panic(&err) != VOIPSIGN_INTERNAL || err.status != VOIPSIGN_INTERNAL) bad++;
        if (!sign_doc(sig)) bad++;
    }
    return (void *)bad;
}

int main(void) {
    /* One panic with its report visible on stderr (Rust's panic hook), then quiet. */
    voipsign_error err;
    memset(&err, 0x5a, sizeof err);
    voipsign_status st = voipsign_test_panic(&err);
    CHECK(st == VOIPSIGN_INTERNAL, "status %d (%s), want VOIPSIGN_INTERNAL", st, voipsign_status_name(st));
    CHECK(err.status == VOIPSIGN_INTERNAL, "err.status");
    CHECK(err.message_len > 0 && err.message_len < VOIPSIGN_ERROR_MESSAGE_CAP &&
              err.message[err.message_len] == 0 && strlen(err.message) == err.message_len,
          "a NUL-terminated message of message_len bytes");
    CHECK(strstr(err.message, "panic") != NULL, "the message says a panic was caught: %s", err.message);
    CHECK(strcmp(voipsign_status_name(st), "INTERNAL") == 0, "status name");
    fprintf(stderr, "test_panic: caught: %s\n", err.message);

    int saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    CHECK(voipsign_test_panic(NULL) == VOIPSIGN_INTERNAL, "with err == NULL");

    char sig[65];
    CHECK(sign_doc(sig), "sign works after a panic");
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, panic_loop, (void *)i);
    long bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (long)r;
    }
    if (saved >= 0) dup2(saved, 2);
    if (devnull >= 0) close(devnull);
    if (saved >= 0) close(saved);
    CHECK(bad == 0, "%d threads x %d panics, each followed by a sign: %ld wrong", THREADS, PANICS_PER_THREAD, bad);
    CHECK(sign_doc(sig), "sign works after %d panics", THREADS * PANICS_PER_THREAD);
    return check_summary();
}
