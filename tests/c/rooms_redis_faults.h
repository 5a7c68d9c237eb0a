/* The Redis store's C tests, part 2 (included by test_rooms_redis.c, which holds
 * the helpers): passwords never shown, a private server killed and restarted,
 * signals during calls. */
#ifndef VOIPSIGN_TEST_ROOMS_REDIS_FAULTS_H
#define VOIPSIGN_TEST_ROOMS_REDIS_FAULTS_H

/* --- 4. passwords --- */

/* `url` with the first `from` replaced by `to`, into out. */
static void replaced(char *out, size_t cap, const char *url, const char *from, const char *to) {
    const char *at = strstr(url, from);
    if (at == NULL) {
        snprintf(out, cap, "%s", url);
        return;
    }
    snprintf(out, cap, "%.*s%s%s", (int)(at - url), url, to, at + strlen(from));
}

static void test_passwords(void) {
    const char *url = env_url("VOIPSIGN_REDIS_PASSWORD_URL");
    const char *pw = url ? env_url("VOIPSIGN_REDIS_PASSWORD") : NULL;
    if (url == NULL || pw == NULL) return;
    CHECK(strlen(pw) >= 6 && contains(url, pw), "the password URL carries the password");
    char prefix[96];
    unique_prefix(prefix, sizeof prefix, "pw");

    /* The right password works. */
    voipsign_ledger *l = ledger_on(url, NULL, prefix, 0);
    if (l != NULL) {
        voipsign_admission a;
        voipsign_error err;
        voipsign_status st = voipsign_ledger_admit(l, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &a, &err);
        CHECK(st == VOIPSIGN_OK && a.opened && !a.degraded, "the right password: %s %s", voipsign_status_name(st),
              err.message);
        voipsign_ledger_free(l);
    }

    /* A wrong password, none, a dead port: LEDGER_UNAVAILABLE or degraded, never the password. */
    char wrong[512], missing[512], dead[512], colon_pw_at[256];
    replaced(wrong, sizeof wrong, url, pw, "not-the-password-x1");
    snprintf(colon_pw_at, sizeof colon_pw_at, ":%s@", pw);
    replaced(missing, sizeof missing, url, colon_pw_at, "");
    snprintf(dead, sizeof dead, "redis://:%s@127.0.0.1:1", pw);
    const char *bad[] = {wrong, missing, dead};
    const char *names[] = {"a wrong password", "no password", "a dead port"};
    for (int i = 0; i < 3; i++) {
        voipsign_rules refuse = voipsign_rules_default();
        refuse.on_unavailable = 1;
        voipsign_ledger *lr = ledger_on(bad[i], &refuse, prefix, 0);
        voipsign_ledger *la = ledger_on(bad[i], NULL, prefix, 0);
        if (lr == NULL || la == NULL) {
            voipsign_ledger_free(lr);
            voipsign_ledger_free(la);
            continue;
        }
        voipsign_admission a;
        int64_t exp;
        bool removed;
        voipsign_usage u;
        char buf[TICKET_CAP];
        size_t len;
        const char *ids[1] = {"m1"};
        size_t id_lens[1] = {2};
        struct {
            const char *op;
            voipsign_status st;
            voipsign_error err;
        } calls[8];
        memset(calls, 0, sizeof calls);
        calls[0].op = "admit (refuse)";
        calls[0].st = voipsign_ledger_admit(lr, S(RAPP), S("g"), S("m2"), VOIPSIGN_UNSET, &a, &calls[0].err);
        calls[1].op = "admit_and_issue (refuse)";
        calls[1].st = voipsign_ledger_admit_and_issue(lr, S(RAPP), S("g"), S("m2"), S(KEY), NULL, 0, VOIPSIGN_UNSET,
                                                      &a, buf, sizeof buf, &len, &calls[1].err);
        calls[2].op = "heartbeat (refuse)";
        calls[2].st = voipsign_ledger_heartbeat(lr, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &exp, &calls[2].err);
        calls[3].op = "leave";
        calls[3].st = voipsign_ledger_leave(la, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &removed, &calls[3].err);
        calls[4].op = "sync";
        calls[4].st = voipsign_ledger_sync(la, S(RAPP), S("g"), ids, id_lens, 1, VOIPSIGN_UNSET, buf, sizeof buf, &len,
                                           &calls[4].err);
        calls[5].op = "room";
        calls[5].st = voipsign_ledger_room(la, S(RAPP), S("g"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &calls[5].err);
        calls[6].op = "usage";
        calls[6].st = voipsign_ledger_usage(la, S(RAPP), VOIPSIGN_UNSET, VOIPSIGN_UNSET, &u, &calls[6].err);
        calls[7].op = "rooms";
        calls[7].st = voipsign_ledger_rooms(la, S(RAPP), 10, NULL, 0, VOIPSIGN_UNSET, buf, sizeof buf, &len,
                                            &calls[7].err);
        for (int k = 0; k < 8; k++) {
            CHECK(calls[k].st == VOIPSIGN_LEDGER_UNAVAILABLE && err_ok(&calls[k].err, calls[k].st), "%s: %s: %s",
                  names[i], calls[k].op, voipsign_status_name(calls[k].st));
            CHECK(!contains(calls[k].err.message, pw) && !contains(calls[k].err.message, "not-the-password"),
                  "%s: %s: the password shows: %s", names[i], calls[k].op, calls[k].err.message);
        }
        /* allow: admitted, flagged degraded; heartbeat answers a lease. */
        voipsign_error err;
        memset(&err, 0, sizeof err);
        voipsign_status st = voipsign_ledger_admit(la, S(RAPP), S("g"), S("m2"), VOIPSIGN_UNSET, &a, &err);
        CHECK(st == VOIPSIGN_OK && a.degraded && !a.opened && a.members == 0, "%s: admit (allow): %s", names[i],
              voipsign_status_name(st));
        st = voipsign_ledger_heartbeat(la, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &exp, &err);
        CHECK(st == VOIPSIGN_OK && exp > 0, "%s: heartbeat (allow): %s", names[i], voipsign_status_name(st));
        if (i == 0) printf("a wrong password says: %s\n", calls[0].err.message);
        voipsign_ledger_free(lr);
        voipsign_ledger_free(la);
    }

    /* Malformed URLs carrying the password: INVALID_REDIS_URL, never echoed. */
    const char *forms[] = {"redis://:%s@127.0.0.1:notaport", "http://:%s@127.0.0.1", "redis://:%s@h1:1,h2:2",
                           "redis+cluster://:%s@h1:1/3", "redis://:%s@", "redis:/:%s@127.0.0.1"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char u[512];
        snprintf(u, sizeof u, forms[i], pw);
        voipsign_rules r = voipsign_rules_default();
        voipsign_ledger *lx = NULL;
        voipsign_error err;
        voipsign_status st = new_redis(u, &r, NULL, 0, &lx, &err);
        CHECK(st == VOIPSIGN_INVALID_REDIS_URL && err_ok(&err, st) && !contains(err.message, pw),
              "malformed URL %zu: %s: %s", i, voipsign_status_name(st), err.message);
        if (st == VOIPSIGN_OK) voipsign_ledger_free(lx);
    }
}

/* --- 5. faults on a private server --- */

struct private_server {
    int port;
    pid_t pid;
};

static int free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

/* PING over a fresh connection: whether +PONG came back within ~200 ms. */
static bool server_answers(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    char buf[16] = {0};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, "PING\r\n", 6) == 6 &&
        read(fd, buf, sizeof buf - 1) > 0)
        ok = strncmp(buf, "+PONG", 5) == 0;
    close(fd);
    return ok;
}

/* (Re)start redis-server on s->port and wait until it answers (5 s at most). */
static bool server_start(struct private_server *s) {
    char port[16];
    snprintf(port, sizeof port, "%d", s->port);
    fflush(NULL);
    s->pid = fork();
    if (s->pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly",
               "no", (char *)NULL);
        _exit(127);
    }
    if (s->pid < 0) return false;
    for (int i = 0; i < 250; i++) {
        if (server_answers(s->port)) return true;
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) break; /* it died (no redis-server?) */
        usleep(20000);
    }
    CHECK(0, "private redis-server on port %d did not start", s->port);
    return false;
}

static void server_kill(struct private_server *s) {
    if (s->pid > 0) {
        kill(s->pid, SIGCONT);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

/* A call under a clock: its status into st, how long it took (ms) into ms. */
#define TIMED(st, ms, call)           \
    do {                              \
        long long t0_ = now_ns();     \
        (st) = (call);                \
        (ms) = ms_since(t0_);         \
    } while (0)

static void test_kill_restart(void) {
    if (env_url("VOIPSIGN_REDIS_URL") == NULL) return; /* redis-server is there */
    struct private_server s = {free_port(), 0};
    if (s.port <= 0 || !server_start(&s)) return;
    char url[64];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", s.port);
    const int64_t timeout = 250; /* the default, both */
    voipsign_rules refuse_rules = voipsign_rules_default();
    refuse_rules.on_unavailable = 1;
    voipsign_ledger *allow = ledger_on(url, NULL, NULL, timeout);
    voipsign_ledger *refuse = ledger_on(url, &refuse_rules, NULL, timeout);
    if (allow == NULL || refuse == NULL) goto out;

    voipsign_admission a;
    voipsign_error err;
    char buf[ROOM_CAP];
    size_t len;
    voipsign_status st = voipsign_ledger_admit(allow, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &a, &err);
    CHECK(st == VOIPSIGN_OK && a.opened, "before the kill: admit %s", voipsign_status_name(st));
    st = voipsign_ledger_room(refuse, S(RAPP), S("g"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &err);
    CHECK(st == VOIPSIGN_OK && json_members(buf) == 1, "before the kill: room %s", buf);

    server_kill(&s);
    double worst = 0, ms = 0;
    for (int i = 0; i < 3; i++) {
        memset(&a, 0, sizeof a);
        TIMED(st, ms, voipsign_ledger_admit(allow, S(RAPP), S("g"), S("m2"), VOIPSIGN_UNSET, &a, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_OK && a.degraded && !a.opened && a.members == 0 && a.generation == 0,
              "killed, allow: admit %s degraded %d", voipsign_status_name(st), a.degraded);
        TIMED(st, ms, voipsign_ledger_admit(refuse, S(RAPP), S("g"), S("m2"), VOIPSIGN_UNSET, &a, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE && contains(err.message, "127.0.0.1"),
              "killed, refuse: admit %s (%s)", voipsign_status_name(st), err.message);
        int64_t exp = 0;
        TIMED(st, ms, voipsign_ledger_heartbeat(allow, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &exp, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_OK && exp > 0, "killed, allow: heartbeat %s", voipsign_status_name(st));
        TIMED(st, ms, voipsign_ledger_heartbeat(refuse, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &exp, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE, "killed, refuse: heartbeat %s", voipsign_status_name(st));
        bool removed;
        TIMED(st, ms, voipsign_ledger_leave(allow, S(RAPP), S("g"), S("m1"), VOIPSIGN_UNSET, &removed, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE, "killed: leave %s", voipsign_status_name(st));
        TIMED(st, ms, voipsign_ledger_room(allow, S(RAPP), S("g"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE, "killed: room %s", voipsign_status_name(st));
        voipsign_usage u;
        TIMED(st, ms, voipsign_ledger_usage(allow, S(RAPP), VOIPSIGN_UNSET, VOIPSIGN_UNSET, &u, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE, "killed: usage %s", voipsign_status_name(st));
        TIMED(st, ms, voipsign_ledger_rooms(refuse, S(RAPP), 10, NULL, 0, VOIPSIGN_UNSET, buf, sizeof buf, &len, &err));
        worst = ms > worst ? ms : worst;
        CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE, "killed: rooms %s", voipsign_status_name(st));
    }
    CHECK(worst < 2 * timeout, "killed: the slowest call took %.0f ms (timeout %lld ms)", worst, (long long)timeout);
    printf("killed server: the slowest call answered in %.1f ms\n", worst);

    /* Restarted on the same port: the same ledgers work again (its data is gone). */
    if (!server_start(&s)) goto out;
    st = voipsign_ledger_admit(allow, S(RAPP), S("g"), S("m3"), VOIPSIGN_UNSET, &a, &err);
    CHECK(st == VOIPSIGN_OK && !a.degraded && a.opened && a.generation == 1,
          "restarted, allow: admit %s degraded %d opened %d generation %llu (%s)", voipsign_status_name(st),
          a.degraded, a.opened, (unsigned long long)a.generation, err.message);
    st = voipsign_ledger_room(refuse, S(RAPP), S("g"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &err);
    CHECK(st == VOIPSIGN_OK && json_members(buf) == 1, "restarted, refuse: room %s %s", voipsign_status_name(st),
          buf);
    st = voipsign_ledger_rooms(refuse, S(RAPP), 10, NULL, 0, VOIPSIGN_UNSET, buf, sizeof buf, &len, &err);
    CHECK(st == VOIPSIGN_OK && strncmp(buf, "{\"rooms\":[{\"groupId\":\"g\",\"seats\":1,", 35) == 0 &&
              strstr(buf, "],\"next\":null}") != NULL,
          "restarted, refuse: rooms %s %s", voipsign_status_name(st), buf);

    /* Paused: the command timeout applies; resumed: it works again. */
    voipsign_ledger *quick = ledger_on(url, &refuse_rules, NULL, 200);
    if (quick == NULL) goto out;
    st = voipsign_ledger_admit(quick, S(RAPP), S("p"), S("m1"), VOIPSIGN_UNSET, &a, &err);
    CHECK(st == VOIPSIGN_OK, "before the pause: %s", voipsign_status_name(st));
    kill(s.pid, SIGSTOP);
    TIMED(st, ms, voipsign_ledger_admit(quick, S(RAPP), S("p"), S("m2"), VOIPSIGN_UNSET, &a, &err));
    CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE && contains(err.message, "within 200 ms") && ms >= 150 && ms < 2 * 400,
          "paused: admit %s after %.0f ms (%s)", voipsign_status_name(st), ms, err.message);
    printf("paused server: LEDGER_UNAVAILABLE after %.0f ms (timeouts 200 ms)\n", ms);
    /* A new connection: the handshake or the command times out. */
    TIMED(st, ms, voipsign_ledger_room(quick, S(RAPP), S("p"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &err));
    CHECK(st == VOIPSIGN_LEDGER_UNAVAILABLE && ms < 2 * 400, "paused: room %s after %.0f ms",
          voipsign_status_name(st), ms);
    kill(s.pid, SIGCONT);
    st = voipsign_ledger_room(quick, S(RAPP), S("p"), VOIPSIGN_UNSET, buf, sizeof buf, &len, &err);
    CHECK(st == VOIPSIGN_OK && json_members(buf) >= 1 && json_members(buf) <= 2, "resumed: room %s %s",
          voipsign_status_name(st), buf);
    st = voipsign_ledger_admit(quick, S(RAPP), S("p"), S("m3"), VOIPSIGN_UNSET, &a, &err);
    CHECK(st == VOIPSIGN_OK && !a.degraded, "resumed: admit %s", voipsign_status_name(st));
    voipsign_ledger_free(quick);
out:
    voipsign_ledger_free(allow);
    voipsign_ledger_free(refuse);
    server_kill(&s);
}

/* --- 6. signals --- */

static atomic_int signals_stop;
static pthread_t signals_target;

static void on_usr1(int sig) { (void)sig; }

static void *signals_sender(void *arg) {
    (void)arg;
    while (!atomic_load(&signals_stop)) {
        pthread_kill(signals_target, SIGUSR1);
        usleep(200);
    }
    return NULL;
}

/* A signal handled by the host (installed with SA_RESTART) arriving while a call
 * blocks in its read must not fail the call. The read has a timeout
 * (SO_RCVTIMEO), so the kernel would not restart it: the core defers async
 * signals for the duration of a call (core/src/rooms/redis/pool.rs). Before
 * that, 1086 of 2000 admissions failed here. Hosts deliver such signals: Go
 * (preemption, SIGCHLD, SIGPROF), Python and PHP signal handlers, the JVM,
 * libuv's SIGCHLD. */
static void test_signals(void) {
    const char *url = env_url("VOIPSIGN_REDIS_URL");
    if (url == NULL) return;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, &old);
    char prefix[96];
    unique_prefix(prefix, sizeof prefix, "eintr");
    voipsign_rules refuse = voipsign_rules_default();
    refuse.member_daily_openings = 0; /* one member opens the room 2000 times */
    refuse.on_unavailable = 1;
    voipsign_ledger *l = ledger_on(url, &refuse, prefix, 0);
    if (l != NULL) {
        signals_target = pthread_self();
        atomic_store(&signals_stop, 0);
        pthread_t t;
        pthread_create(&t, NULL, signals_sender, NULL);
        int bad = 0;
        char first[VOIPSIGN_ERROR_MESSAGE_CAP] = "";
        for (int i = 0; i < 2000; i++) {
            voipsign_admission a;
            bool removed = false;
            voipsign_error err;
            voipsign_status st = voipsign_ledger_admit(l, S(RAPP), S("g"), S("m"), VOIPSIGN_UNSET, &a, &err);
            if (st == VOIPSIGN_OK && a.renewed) snprintf(err.message, sizeof err.message, "admit answered renewed");
            if (st == VOIPSIGN_OK && !a.renewed)
                st = voipsign_ledger_leave(l, S(RAPP), S("g"), S("m"), VOIPSIGN_UNSET, &removed, &err);
            if (st != VOIPSIGN_OK || !removed) {
                if (bad++ == 0) snprintf(first, sizeof first, "%s", err.message);
            }
        }
        atomic_store(&signals_stop, 1);
        pthread_join(t, NULL);
        CHECK(bad == 0, "signals: %d of 2000 admit+leave pairs failed; first: %s", bad, first);
        voipsign_ledger_free(l);
    }
    sigaction(SIGUSR1, &old, NULL);
}

static void on_alarm(int sig) {
    (void)sig;
    static const char msg[] = "test_rooms_redis: no end after 600 s: stopped\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(2);
}

#endif /* VOIPSIGN_TEST_ROOMS_REDIS_FAULTS_H */
