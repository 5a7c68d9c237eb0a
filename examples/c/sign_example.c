/* Sign the documentation's example with libvoipsign and print the signature.
 * Build: make ffi && cc -Iinclude examples/c/sign_example.c target/release/libvoipsign.a -lpthread -ldl -lm */
#include <stdio.h>
#include <string.h>

#include "voipsign.h"

int main(void) {
    const char *app_id = "wx20afc706a711eefc";
    const char *group_id = "1559129713_672975982";
    const char *nonce = "8AP6DT9ybtniUJfb";
    const char *key = "gDyVgzwa0mFz9uUP7M6GQQ=="; /* in real code: from your session store */
    char sig[VOIPSIGN_SIGNATURE_LEN + 1];
    voipsign_error err;

    voipsign_status st = voipsign_sign(app_id, strlen(app_id), group_id, strlen(group_id),
                                       nonce, strlen(nonce), 1559129714, key, strlen(key),
                                       sig, sizeof sig, &err);
    if (st != VOIPSIGN_OK) {
        fprintf(stderr, "error[%s]: %s\n", voipsign_status_name(st), err.message);
        return 1;
    }
    printf("%s\n", sig);

    /* A mistake: the timestamp in milliseconds. */
    st = voipsign_sign(app_id, strlen(app_id), group_id, strlen(group_id), nonce, strlen(nonce),
                       1559129714000LL, key, strlen(key), sig, sizeof sig, &err);
    fprintf(stderr, "with milliseconds: error[%s]: %s\n", voipsign_status_name(st), err.message);
    return st == VOIPSIGN_INVALID_TIMESTAMP ? 0 : 1;
}
