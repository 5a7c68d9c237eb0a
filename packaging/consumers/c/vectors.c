/* The signature vectors through the C library as installed (packaging/test-dist-all.sh):
 * reads the lines of packaging/consumers/vectors_tsv.py on stdin, signs each, and
 * compares the signature or the status name. Prints "vectors: N passed" and exits
 * 0, or names each failure and exits 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <voipsign.h>

static size_t unhex(const char *h, char *out) {
    if (strcmp(h, "-") == 0) { out[0] = 0; return 0; }
    size_t n = strlen(h) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (char)v;
    }
    out[n] = 0;
    return n;
}

int main(void) {
    static char line[1 << 16], f[6][1 << 14];
    int passed = 0, failed = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        char *cols[6];
        int n = 0;
        for (char *p = strtok(line, "\t"); p && n < 6; p = strtok(NULL, "\t")) cols[n++] = p;
        if (n != 6) { fprintf(stderr, "a line without 6 fields\n"); failed++; continue; }
        size_t la = unhex(cols[0], f[0]), lg = unhex(cols[1], f[1]), ln = unhex(cols[2], f[2]);
        long long ts = atoll(cols[3]);
        size_t lk = unhex(cols[4], f[4]);
        char sig[VOIPSIGN_SIGNATURE_LEN + 1];
        voipsign_error err;
        voipsign_status st = voipsign_sign(f[0], la, f[1], lg, f[2], ln, ts, f[4], lk, sig, sizeof sig, &err);
        const char *got = st == VOIPSIGN_OK ? sig : voipsign_status_name(st);
        if (strcmp(got, cols[5]) == 0) passed++;
        else { failed++; fprintf(stderr, "vector %d: want %s, got %s\n", passed + failed, cols[5], got); }
    }
    printf("vectors: %d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
