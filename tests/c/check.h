/* What every C test of libvoipsign shares: the CHECK macros and their counters,
 * the summary line ("N passed, M failed", printed last by check_summary()), and the
 * documentation's example values (the request every README signs).
 *
 * Header-only: each test program includes it once; the counters are per program. */
#ifndef VOIPSIGN_TEST_CHECK_H
#define VOIPSIGN_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

#include "voipsign.h"

static int passed, failed;

/* Count one check: passed when cond holds, else failed with the printf-style
 * message (and the file and line) on stderr. */
#define CHECK(cond, ...)                                          \
    do {                                                          \
        if (cond) {                                               \
            passed++;                                             \
        } else {                                                  \
            failed++;                                             \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
            fprintf(stderr, __VA_ARGS__);                         \
            fputc('\n', stderr);                                  \
        }                                                         \
    } while (0)

/* Check that a call returned the status `want`; `what` (a string) names the call,
 * the failure message gives both status names. */
#define CHECK_STATUS(st, want, what)                                                               \
    do {                                                                                           \
        voipsign_status check_st_ = (st), check_want_ = (want);                                    \
        CHECK(check_st_ == check_want_, "%s: status %s, want %s", (what),                          \
              voipsign_status_name(check_st_), voipsign_status_name(check_want_));                 \
    } while (0)

/* A string literal as a (pointer, length) pair; embedded NULs count. */
#define S(lit) lit, (sizeof lit - 1)

/* The documentation's example request (wx.joinVoIPChat), as string literals so that
 * S() gives their lengths. */
#define APP "wx20afc706a711eefc"
#define GROUP "1559129713_672975982"
#define NONCE "8AP6DT9ybtniUJfb"
#define TS 1559129714LL
#define KEY "gDyVgzwa0mFz9uUP7M6GQQ=="
/* hex of the 16 bytes KEY encodes */
#define KEY_DECODED_HEX "803c95833c1ad26173f6e50fecce8641"
/* Its canonical string and signature. */
#define DOC_CANONICAL "1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc"
#define DOC_SIG "b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617"
/* Two other well-formed session_keys (members of the same room, older keys). */
#define OTHER_KEY "hd6Ja/yM0kg/JbaZROpZFA=="
#define THIRD_KEY "o0q0otL8aEzpcZL/FT9WsQ=="

/* Print the summary line and give the exit status: 0 when nothing failed. */
static inline int check_summary(void) {
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

#endif /* VOIPSIGN_TEST_CHECK_H */
