/* The C tests of voipsign_ledger_rooms, voipsign_room_page_json_bound and the
 * member limit (included by test_rooms.c; the scenario table covers the rules,
 * these the C ABI's own contract: NULLs, buffers, the bound, the struct field). */
#ifndef VOIPSIGN_TEST_ROOMS_PAGES_H
#define VOIPSIGN_TEST_ROOMS_PAGES_H

#define PAGE_APP "wx20afc706a711eefc"
#define PAGE_NOW 1796083200000LL

/* The JSON string of a groupId of 1023 '"' and one more byte, as the library escapes it. */
static size_t escaped_big(char *out, const char *g) {
    size_t o = 0;
    out[o++] = '"';
    for (int i = 0; i < 1023; i++) out[o++] = '\\', out[o++] = '"';
    out[o++] = g[1023];
    out[o++] = '"';
    return o;
}

static void test_pages(void) {
    voipsign_rules r = voipsign_rules_default();
    CHECK(r.member_daily_openings == 100, "default member_daily_openings %lld", (long long)r.member_daily_openings);
    voipsign_ledger *l = NULL;
    voipsign_error err;
    CHECK(voipsign_ledger_new_memory(&r, &l, &err) == VOIPSIGN_OK, "new ledger");
    /* Four rooms whose groupIds are 1024 bytes, 1023 of them '"' (the most escaped). */
    static char big[4][1024];
    for (int i = 0; i < 4; i++) {
        memset(big[i], '"', sizeof big[i]);
        big[i][1023] = (char)('0' + i);
        voipsign_admission a;
        CHECK(voipsign_ledger_admit(l, S(PAGE_APP), big[i], sizeof big[i], S("m1"), PAGE_NOW, &a, &err) ==
                  VOIPSIGN_OK,
              "admit big %d", i);
    }
    /* The fullest page: 3 such rooms and such a cursor, byte for byte, within the bound. */
    static char want[4 * 2200 + 64];
    size_t w = 0;
    w += (size_t)snprintf(want + w, sizeof want - w, "{\"rooms\":[");
    for (int i = 0; i < 3; i++) {
        w += (size_t)snprintf(want + w, sizeof want - w, "%s{\"groupId\":", i ? "," : "");
        w += escaped_big(want + w, big[i]);
        w += (size_t)snprintf(want + w, sizeof want - w,
                              ",\"seats\":1,\"capacity\":10,\"generation\":1,\"openedAt\":%lld}", PAGE_NOW);
    }
    w += (size_t)snprintf(want + w, sizeof want - w, "],\"next\":");
    w += escaped_big(want + w, big[2]);
    w += (size_t)snprintf(want + w, sizeof want - w, "}");
    size_t bound = voipsign_room_page_json_bound(3);
    char *out = malloc(bound);
    size_t len = 0;
    voipsign_status st = voipsign_ledger_rooms(l, S(PAGE_APP), 3, NULL, 0, PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_OK && len == w && strcmp(out, want) == 0 && len < bound,
          "a full page of 3 escaped groupIds and the cursor (%zu bytes, want %zu) fits the bound %zu: %s", len, w,
          bound, voipsign_status_name(st));
    CHECK(voipsign_room_page_json_bound(1000) > 1000 * (2 * 1024 + 100) && voipsign_room_page_json_bound(1) < bound,
          "the bound grows with the limit");
    /* Every room: the last page, no cursor. */
    size_t bound4 = voipsign_room_page_json_bound(4);
    char *all = malloc(bound4);
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 4, NULL, 0, PAGE_NOW, all, bound4, &len, &err);
    CHECK(st == VOIPSIGN_OK && len == strlen(all) && len < bound4 && strstr(all, "\"next\":null}") != NULL,
          "the page of every room ends the list: %s", voipsign_status_name(st));
    free(all);
    /* Too small: BUFFER_TOO_SMALL, the length told, the buffer untouched. */
    memset(out, 'x', 16);
    size_t need = 0;
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 3, NULL, 0, PAGE_NOW, out, 16, &need, &err);
    CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && need == w && all_bytes(out, 16, 'x') && err_ok(&err, st),
          "small buffer: %s, %zu", voipsign_status_name(st), need);
    memset(out, 'x', bound);
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 3, NULL, 0, PAGE_NOW, out, w, &need, &err);
    CHECK(st == VOIPSIGN_BUFFER_TOO_SMALL && need == w && all_bytes(out, bound, 'x'),
          "no room for the NUL: %s, %zu", voipsign_status_name(st), need);
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 3, NULL, 0, PAGE_NOW, out, w + 1, NULL, &err);
    CHECK(st == VOIPSIGN_OK && strcmp(out, want) == 0, "exactly enough, out_len NULL: %s", voipsign_status_name(st));
    /* A page of one, after the first: next is set. */
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 1, big[0], sizeof big[0], PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_OK && strstr(out, "\"next\":\"") != NULL && strstr(out, "\"seats\":1,\"capacity\":10") != NULL,
          "page of one: %s", out);
    /* Inputs: NULL ledger, NULL out, NULL after with a length, limits, a bad after. */
    CHECK(voipsign_ledger_rooms(NULL, S(PAGE_APP), 1, NULL, 0, PAGE_NOW, out, bound, &len, &err) ==
              VOIPSIGN_NULL_ARGUMENT,
          "rooms(NULL ledger)");
    CHECK(voipsign_ledger_rooms(l, S(PAGE_APP), 1, NULL, 0, PAGE_NOW, NULL, bound, &len, &err) ==
              VOIPSIGN_NULL_ARGUMENT,
          "rooms(NULL out)");
    CHECK(voipsign_ledger_rooms(l, S(PAGE_APP), 1, NULL, 3, PAGE_NOW, out, bound, &len, &err) ==
              VOIPSIGN_NULL_ARGUMENT,
          "rooms(NULL after, 3)");
    CHECK(voipsign_ledger_rooms(l, NULL, 3, 1, NULL, 0, PAGE_NOW, out, bound, &len, NULL) == VOIPSIGN_NULL_ARGUMENT,
          "rooms(NULL appId, 3), err NULL");
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 1, S("a\377"), PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_UTF8 && strstr(err.message, "after") != NULL, "after not UTF-8: %s", err.message);
    /* The contract's order: the limit before after. */
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 0, S("a\377"), PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_LIMIT, "limit 0 and after not UTF-8: %s", voipsign_status_name(st));
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 0, NULL, 0, PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_LIMIT && strstr(err.message, "limit") != NULL &&
              voipsign_status_kind(st) == VOIPSIGN_KIND_INPUT,
          "limit 0: %s %s", voipsign_status_name(st), err.message);
    CHECK(voipsign_ledger_rooms(l, S(PAGE_APP), 1001, NULL, 0, PAGE_NOW, out, bound, &len, &err) ==
              VOIPSIGN_INVALID_LIMIT,
          "limit 1001");
    st = voipsign_ledger_rooms(l, S(PAGE_APP), 1, "", 0, PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_GROUP_ID && strstr(err.message, "after") != NULL, "empty after: %s", err.message);
    st = voipsign_ledger_rooms(l, S("bad app"), 0, "", 0, PAGE_NOW, out, bound, &len, &err);
    CHECK(st == VOIPSIGN_INVALID_APP_ID, "appId first: %s", voipsign_status_name(st));
    free(out);
    voipsign_ledger_free(l);
}

static void test_member_limit(void) {
    /* Through voipsign_rules and through voipsign_ledger_open (snake_case for C). */
    voipsign_rules r = voipsign_rules_default();
    r.member_daily_openings = 1;
    voipsign_ledger *ls[2] = {NULL, NULL};
    voipsign_error err;
    CHECK(voipsign_ledger_new_memory(&r, &ls[0], &err) == VOIPSIGN_OK, "new ledger");
    const char *json = "{\"member_daily_openings\":1}";
    voipsign_status st = voipsign_ledger_open(NULL, 0, json, strlen(json), VOIPSIGN_SPELLING_SNAKE, &ls[1], &err);
    CHECK(st == VOIPSIGN_OK, "ledger_open: %s %s", voipsign_status_name(st), err.message);
    for (int i = 0; i < 2 && ls[i] != NULL; i++) {
        voipsign_admission a;
        CHECK(voipsign_ledger_admit(ls[i], S(PAGE_APP), S("r1"), S("m1"), PAGE_NOW, &a, &err) == VOIPSIGN_OK && a.opened,
              "first opening");
        st = voipsign_ledger_admit(ls[i], S(PAGE_APP), S("r2"), S("m1"), PAGE_NOW + 1, &a, &err);
        CHECK(st == VOIPSIGN_MEMBER_DAILY_LIMIT && voipsign_status_kind(st) == VOIPSIGN_KIND_REFUSAL &&
                  strstr(err.message, "one member may open in a day (1)") != NULL,
              "second opening: %s %s", voipsign_status_name(st), err.message);
        CHECK(voipsign_ledger_admit(ls[i], S(PAGE_APP), S("r1"), S("m2"), PAGE_NOW + 2, &a, &err) == VOIPSIGN_OK,
              "joining a live room");
        voipsign_usage u;
        st = voipsign_ledger_usage(ls[i], S(PAGE_APP), VOIPSIGN_UNSET, PAGE_NOW + 3, &u, &err);
        CHECK(st == VOIPSIGN_OK && u.openings == 1 && u.admissions == 2 && u.refused_member_limit == 1 &&
                  u.live_rooms == 1 && u.live_seats == 2 && u.peak_seats == 2,
              "usage after the member limit");
        st = voipsign_ledger_usage(ls[i], S(PAGE_APP), u.day - 1, PAGE_NOW + 3, &u, &err);
        CHECK(st == VOIPSIGN_OK && u.live_rooms == -1 && u.live_seats == -1 && u.openings == 0,
              "usage of yesterday: no live counts");
        voipsign_ledger_free(ls[i]);
    }
    json = "{\"member_daily_openings\":100001}";
    voipsign_ledger *bad = NULL;
    st = voipsign_ledger_open(NULL, 0, json, strlen(json), VOIPSIGN_SPELLING_SNAKE, &bad, &err);
    CHECK(st == VOIPSIGN_INVALID_RULES && strstr(err.message, "member_daily_openings") != NULL && bad == NULL,
          "member_daily_openings 100001: %s", err.message);
}

#endif /* VOIPSIGN_TEST_ROOMS_PAGES_H */
