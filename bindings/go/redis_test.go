package voipsign

// The Redis store (NewRedisLedger) against real servers: tests/redis/servers.sh
// exports their URLs (`make test` starts them). A test whose variable is missing
// is skipped, unless VOIPSIGN_REDIS_REQUIRED=1, where it fails. The shared
// servers are never flushed: every ledger gets a key prefix of its own.
//
//   - the scenario table (rooms_vectors_test.go's runner) on one server and on a
//     3-master cluster;
//   - options and the order of NewRedisLedger's checks;
//   - passwords never shown in any rendering of an error;
//   - the race: 4 processes (this test binary re-executed) x 8 goroutines admit
//     64 members into one room at once, 100 rounds with everyone leaving between;
//   - a private redis-server killed (degraded or ErrLedgerUnavailable within 2x
//     the timeout), restarted (the same Ledger works again), paused.

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// redisURL is the URL in the environment variable name, or skips (fails under
// VOIPSIGN_REDIS_REQUIRED=1) the test.
func redisURL(t *testing.T, name string) string {
	t.Helper()
	if u := os.Getenv(name); u != "" {
		return u
	}
	if os.Getenv("VOIPSIGN_REDIS_REQUIRED") == "1" {
		t.Fatalf("%s is not set: run `eval \"$(tests/redis/servers.sh start)\"` first", name)
	}
	t.Skipf("%s is not set (tests/redis/servers.sh start)", name)
	return ""
}

var prefixCounter atomic.Int64

// uniquePrefix is a key prefix no other test or run uses.
func uniquePrefix(what string) string {
	var b strings.Builder
	for _, r := range what {
		if b.Len() == 16 {
			break
		}
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return fmt.Sprintf("vstest-go-%s-%d-%d-%d", b.String(), os.Getpid(), prefixCounter.Add(1), time.Now().UnixNano()%1e12)
}

func newRedis(t *testing.T, url string, opts ...Option) *Ledger {
	t.Helper()
	l, err := NewRedisLedger(url, opts...)
	if err != nil {
		t.Fatalf("NewRedisLedger: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestRedisRoomVectors(t *testing.T) {
	// Through Sentinel each write is acknowledged by both replicas (min_replica_acks
	// changes no answer); patient timeouts: WAIT gets half the command timeout.
	for _, store := range []struct {
		name, env string
		more      []Option
	}{
		{"server", "VOIPSIGN_REDIS_URL", nil},
		{"cluster", "VOIPSIGN_REDIS_CLUSTER_URL", nil},
		{"sentinel", "VOIPSIGN_REDIS_SENTINEL_URL", []Option{WithMinReplicaAcks(2), WithCommandTimeout(5 * time.Second)}},
	} {
		t.Run(store.name, func(t *testing.T) {
			url := redisURL(t, store.env)
			runRoomVectors(t, func(name string, opts []Option) (*Ledger, error) {
				opts = append(append(opts, store.more...), WithKeyPrefix(uniquePrefix(name)))
				return NewRedisLedger(url, opts...)
			})
		})
	}
}

// The checks need no server: nothing is connected before the first call.
func TestRedisLedgerOptions(t *testing.T) {
	const dead = "redis://127.0.0.1:1"
	cases := []struct {
		what string
		url  string
		opts []Option
		want string // "" = OK
	}{
		{"defaults", dead, []Option{}, ""},
		{"a cluster", "redis+cluster://127.0.0.1:1,127.0.0.1:2", []Option{}, ""},
		{"TLS with a password", "rediss://:pw@cache.example:6380/2", []Option{}, ""},
		{"timeouts 1 ms and 60 s", dead, []Option{WithConnectTimeout(time.Millisecond), WithCommandTimeout(time.Minute)}, ""},
		{"a prefix", dead, []Option{WithKeyPrefix("staging")}, ""},
		{"an empty url", "", []Option{}, "INVALID_REDIS_URL"},
		{"no scheme", "127.0.0.1:6379", []Option{}, "INVALID_REDIS_URL"},
		{"http", "http://127.0.0.1", []Option{}, "INVALID_REDIS_URL"},
		{"two hosts", "redis://a:1,b:2", []Option{}, "INVALID_REDIS_URL"},
		{"a cluster database", "redis+cluster://a:1/3", []Option{}, "INVALID_REDIS_URL"},
		{"not UTF-8", "redis://h\xff", []Option{}, "INVALID_UTF8"},
		{"0.5 ms", dead, []Option{WithConnectTimeout(500 * time.Microsecond)}, "INVALID_RULES"},
		{"negative", dead, []Option{WithCommandTimeout(-time.Second)}, "INVALID_RULES"},
		{"61 s", dead, []Option{WithCommandTimeout(61 * time.Second)}, "INVALID_RULES"},
		{"a prefix with a brace", dead, []Option{WithKeyPrefix("a{b}")}, "INVALID_RULES"},
		{"a prefix with a space", dead, []Option{WithKeyPrefix("a b")}, "INVALID_RULES"},
		{"a prefix of 65 bytes", dead, []Option{WithKeyPrefix(strings.Repeat("x", 65))}, "INVALID_RULES"},
		{"bad rules", dead, []Option{WithCapacity(11)}, "INVALID_RULES"},
		{"url first", "nope", []Option{WithCapacity(11), WithKeyPrefix("{")}, "INVALID_REDIS_URL"},
		{"url before onUnavailable", "nope", []Option{WithOnUnavailable("sometimes")}, "INVALID_REDIS_URL"},
		{"onUnavailable", dead, []Option{WithOnUnavailable("sometimes")}, "INVALID_RULES"},
	}
	for _, c := range cases {
		l, err := NewRedisLedger(c.url, c.opts...)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.what, err)
			} else {
				l.Close()
			}
			continue
		}
		checkCode(t, c.what, err, c.want, "")
		if l != nil {
			t.Errorf("%s: a ledger with the error", c.what)
		}
	}
	_, err := NewRedisLedger(dead, WithCapacity(11), WithConnectTimeout(-1))
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), "capacity") {
		t.Errorf("rules are checked before options: %v", err)
	}
	_, err = NewRedisLedger(dead, WithKeyPrefix("a}"))
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), "keyPrefix") {
		t.Errorf("a bad prefix: %v", err)
	}
	// An unknown name: refused, named in camelCase (Redis options are known names).
	_, err = openJSON(&[]string{dead}[0], map[string]any{"keyPrefx": "x"})
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), "keyPrefx") || !strings.Contains(err.Error(), "keyPrefix") {
		t.Errorf("an unknown Redis option: %v", err)
	}
	// Explicit times beyond 2^52 ms: refused before any I/O.
	l := newRedis(t, dead)
	_, err = l.AdmitAt(bg, ledgerApp, "g", "m", time.UnixMilli(1<<53))
	checkCode(t, "AdmitAt(2^53 ms)", err, "INVALID_TIMESTAMP", "")
}

// The right password works; a wrong one, none, a dead port: ErrLedgerUnavailable
// (refuse) or a degraded admission (allow); malformed URLs: ErrInvalidRedisURL.
// No rendering of any error shows the password.
func TestRedisPasswordsNeverShow(t *testing.T) {
	url := redisURL(t, "VOIPSIGN_REDIS_PASSWORD_URL")
	pw := os.Getenv("VOIPSIGN_REDIS_PASSWORD")
	if len(pw) < 6 || !strings.Contains(url, pw) {
		t.Fatalf("VOIPSIGN_REDIS_PASSWORD does not match the password URL")
	}
	prefix := uniquePrefix("pw")
	shown := func(what string, v any) {
		t.Helper()
		for _, text := range renderings(v) {
			if strings.Contains(text, pw) || strings.Contains(text, "not-the-password") {
				t.Errorf("%s: the password shows in %q", what, text)
				return
			}
		}
	}
	l := newRedis(t, url, WithKeyPrefix(prefix))
	if a, err := l.Admit(bg, ledgerApp, "g", "m1"); err != nil || !a.Opened || a.Degraded {
		t.Fatalf("the right password: %+v, %v", a, err)
	}
	shown("the ledger", l)

	for _, bad := range []struct{ what, url string }{
		{"a wrong password", strings.Replace(url, pw, "not-the-password-x1", 1)},
		{"no password", strings.Replace(url, ":"+pw+"@", "", 1)},
		{"a dead port", "redis://:" + pw + "@127.0.0.1:1"},
	} {
		refuse := newRedis(t, bad.url, WithOnUnavailable(OnUnavailableRefuse), WithKeyPrefix(prefix))
		allow := newRedis(t, bad.url, WithKeyPrefix(prefix))
		calls := map[string]error{}
		_, calls["Admit (refuse)"] = refuse.Admit(bg, ledgerApp, "g", "m2")
		_, _, calls["AdmitAndIssue (refuse)"] = refuse.AdmitAndIssue(bg, ledgerApp, "g", "m2", docKey, RoomTypeVoice)
		_, calls["Heartbeat (refuse)"] = refuse.Heartbeat(bg, ledgerApp, "g", "m1")
		_, calls["Leave"] = allow.Leave(bg, ledgerApp, "g", "m1")
		_, calls["Sync"] = allow.Sync(bg, ledgerApp, "g", []string{"m1"})
		_, calls["Room"] = allow.Room(bg, ledgerApp, "g")
		_, calls["Usage"] = allow.Usage(bg, ledgerApp)
		_, calls["Rooms"] = allow.Rooms(bg, ledgerApp, 100, nil)
		for op, err := range calls {
			checkCode(t, bad.what+": "+op, err, "LEDGER_UNAVAILABLE", "")
			shown(bad.what+": "+op, err)
		}
		if a, err := allow.Admit(bg, ledgerApp, "g", "m2"); err != nil || !a.Degraded || a.Opened || a.Members != 0 {
			t.Errorf("%s: Admit (allow) = %+v, %v", bad.what, a, err)
		}
		if exp, err := allow.Heartbeat(bg, ledgerApp, "g", "m1"); err != nil || exp.Time().Before(time.Now()) {
			t.Errorf("%s: Heartbeat (allow) = %v, %v", bad.what, exp, err)
		}
	}
	for _, form := range []string{"redis://:%s@127.0.0.1:notaport", "http://:%s@127.0.0.1", "redis://:%s@h1:1,h2:2",
		"redis+cluster://:%s@h1:1/3", "redis://:%s@"} {
		_, err := NewRedisLedger(fmt.Sprintf(form, pw))
		checkCode(t, form, err, "INVALID_REDIS_URL", "")
		if !errors.Is(err, ErrInvalidRedisURL) {
			t.Errorf("%s: errors.Is(err, ErrInvalidRedisURL) is false", form)
		}
		shown(form, err)
	}
}
