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
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

func newRedis(t *testing.T, url string, r Rules, o RedisOptions) *Ledger {
	t.Helper()
	l, err := NewRedisLedger(url, r, o)
	if err != nil {
		t.Fatalf("NewRedisLedger: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestRedisRoomVectors(t *testing.T) {
	for _, store := range []struct{ name, env string }{{"server", "VOIPSIGN_REDIS_URL"}, {"cluster", "VOIPSIGN_REDIS_CLUSTER_URL"}} {
		t.Run(store.name, func(t *testing.T) {
			url := redisURL(t, store.env)
			runRoomVectors(t, func(name string, r Rules) (*Ledger, error) {
				return NewRedisLedger(url, r, RedisOptions{KeyPrefix: uniquePrefix(name)})
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
		r    Rules
		o    RedisOptions
		want string // "" = OK
	}{
		{"defaults", dead, Rules{}, RedisOptions{}, ""},
		{"a cluster", "redis+cluster://127.0.0.1:1,127.0.0.1:2", Rules{}, RedisOptions{}, ""},
		{"TLS with a password", "rediss://:pw@cache.example:6380/2", Rules{}, RedisOptions{}, ""},
		{"timeouts 1 ms and 60 s", dead, Rules{}, RedisOptions{ConnectTimeout: time.Millisecond, CommandTimeout: time.Minute}, ""},
		{"a prefix", dead, Rules{}, RedisOptions{KeyPrefix: "staging"}, ""},
		{"an empty url", "", Rules{}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"no scheme", "127.0.0.1:6379", Rules{}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"http", "http://127.0.0.1", Rules{}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"two hosts", "redis://a:1,b:2", Rules{}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"a cluster database", "redis+cluster://a:1/3", Rules{}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"not UTF-8", "redis://h\xff", Rules{}, RedisOptions{}, "INVALID_UTF8"},
		{"0.5 ms", dead, Rules{}, RedisOptions{ConnectTimeout: 500 * time.Microsecond}, "INVALID_RULES"},
		{"negative", dead, Rules{}, RedisOptions{CommandTimeout: -time.Second}, "INVALID_RULES"},
		{"61 s", dead, Rules{}, RedisOptions{CommandTimeout: 61 * time.Second}, "INVALID_RULES"},
		{"a prefix with a brace", dead, Rules{}, RedisOptions{KeyPrefix: "a{b}"}, "INVALID_RULES"},
		{"a prefix with a space", dead, Rules{}, RedisOptions{KeyPrefix: "a b"}, "INVALID_RULES"},
		{"a prefix of 65 bytes", dead, Rules{}, RedisOptions{KeyPrefix: strings.Repeat("x", 65)}, "INVALID_RULES"},
		{"bad rules", dead, Rules{Capacity: 11}, RedisOptions{}, "INVALID_RULES"},
		{"url first", "nope", Rules{Capacity: 11}, RedisOptions{KeyPrefix: "{"}, "INVALID_REDIS_URL"},
		{"url before on_unavailable", "nope", Rules{OnUnavailable: 7}, RedisOptions{}, "INVALID_REDIS_URL"},
		{"on_unavailable", dead, Rules{OnUnavailable: 7}, RedisOptions{}, "INVALID_RULES"},
	}
	for _, c := range cases {
		l, err := NewRedisLedger(c.url, c.r, c.o)
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
	_, err := NewRedisLedger(dead, Rules{Capacity: 11}, RedisOptions{ConnectTimeout: -1})
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), "capacity") {
		t.Errorf("rules are checked before options: %v", err)
	}
	_, err = NewRedisLedger(dead, Rules{}, RedisOptions{KeyPrefix: "a}"})
	if !errors.Is(err, ErrInvalidRules) || !strings.Contains(err.Error(), "key_prefix") {
		t.Errorf("a bad prefix: %v", err)
	}
	// Explicit times beyond 2^52 ms: refused before any I/O.
	l := newRedis(t, dead, Rules{}, RedisOptions{})
	_, err = l.AdmitAt(ledgerApp, "g", "m", time.UnixMilli(1<<53))
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
	l := newRedis(t, url, Rules{}, RedisOptions{KeyPrefix: prefix})
	if a, err := l.Admit(ledgerApp, "g", "m1"); err != nil || !a.Opened || a.Degraded {
		t.Fatalf("the right password: %+v, %v", a, err)
	}
	shown("the ledger", l)

	for _, bad := range []struct{ what, url string }{
		{"a wrong password", strings.Replace(url, pw, "not-the-password-x1", 1)},
		{"no password", strings.Replace(url, ":"+pw+"@", "", 1)},
		{"a dead port", "redis://:" + pw + "@127.0.0.1:1"},
	} {
		refuse := newRedis(t, bad.url, Rules{OnUnavailable: OnUnavailableRefuse}, RedisOptions{KeyPrefix: prefix})
		allow := newRedis(t, bad.url, Rules{}, RedisOptions{KeyPrefix: prefix})
		calls := map[string]error{}
		_, calls["Admit (refuse)"] = refuse.Admit(ledgerApp, "g", "m2")
		_, _, calls["AdmitAndIssue (refuse)"] = refuse.AdmitAndIssue(ledgerApp, "g", "m2", docKey, Voice)
		_, calls["Heartbeat (refuse)"] = refuse.Heartbeat(ledgerApp, "g", "m1")
		_, calls["Leave"] = allow.Leave(ledgerApp, "g", "m1")
		_, calls["Sync"] = allow.Sync(ledgerApp, "g", []string{"m1"})
		_, calls["Room"] = allow.Room(ledgerApp, "g")
		_, calls["Usage"] = allow.Usage(ledgerApp)
		for op, err := range calls {
			checkCode(t, bad.what+": "+op, err, "LEDGER_UNAVAILABLE", "")
			shown(bad.what+": "+op, err)
		}
		if a, err := allow.Admit(ledgerApp, "g", "m2"); err != nil || !a.Degraded || a.Opened || a.Members != 0 {
			t.Errorf("%s: Admit (allow) = %+v, %v", bad.what, a, err)
		}
		if exp, err := allow.Heartbeat(ledgerApp, "g", "m1"); err != nil || exp.Before(time.Now()) {
			t.Errorf("%s: Heartbeat (allow) = %v, %v", bad.what, exp, err)
		}
	}
	for _, form := range []string{"redis://:%s@127.0.0.1:notaport", "http://:%s@127.0.0.1", "redis://:%s@h1:1,h2:2",
		"redis+cluster://:%s@h1:1/3", "redis://:%s@"} {
		_, err := NewRedisLedger(fmt.Sprintf(form, pw), Rules{}, RedisOptions{})
		checkCode(t, form, err, "INVALID_REDIS_URL", "")
		if !errors.Is(err, ErrInvalidRedisURL) {
			t.Errorf("%s: errors.Is(err, ErrInvalidRedisURL) is false", form)
		}
		shown(form, err)
	}
}

// --- the race: 4 processes x 8 goroutines ---

const (
	raceProcs      = 4
	raceGoroutines = 8
	raceCapacity   = 10
	raceRoom       = "race-room"
)

// TestRedisRace starts 4 copies of this test binary (TestRedisRaceWorker, each
// its own Ledger, as 4 backend instances) and runs the rounds: it tells every
// worker "go", each worker's 8 goroutines admit their 2 members at once and the
// worker answers how many it seated and how many of those opened the room; when
// all 4 have answered, "leave", and each worker removes its seats. Every round:
// exactly 10 seated, exactly 1 opening; at the end usage counts every opening.
func TestRedisRace(t *testing.T) {
	for _, store := range []struct{ name, env string }{{"server", "VOIPSIGN_REDIS_URL"}, {"cluster", "VOIPSIGN_REDIS_CLUSTER_URL"}} {
		t.Run(store.name, func(t *testing.T) {
			url := redisURL(t, store.env)
			raceRounds(t, url)
		})
	}
}

func raceRounds(t *testing.T, url string) {
	rounds := 100
	if testing.Short() {
		rounds = 20
	}
	prefix := uniquePrefix("race")
	type worker struct {
		cmd *exec.Cmd
		in  *bufio.Writer
		out *bufio.Scanner
	}
	workers := make([]worker, raceProcs)
	start := time.Now()
	for p := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRedisRaceWorker$", "-test.count=1")
		// Go's preemption signal (SIGURG) lands in the library's blocking reads
		// too: the core defers async signals during a call (before it did, 2 of
		// 10 races failed; see TestRedisSignalsDoNotInterruptCalls).
		cmd.Env = append(os.Environ(), "VOIPSIGN_RACE_WORKER="+strconv.Itoa(p), "VOIPSIGN_RACE_URL="+url,
			"VOIPSIGN_RACE_PREFIX="+prefix)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		workers[p] = worker{cmd, bufio.NewWriter(stdin), bufio.NewScanner(stdout)}
		defer func() { stdin.Close(); cmd.Wait() }() // after a failure
	}
	send := func(line string) {
		for _, w := range workers {
			fmt.Fprintln(w.in, line)
			w.in.Flush()
		}
	}
	// reply reads a worker's next line "<word> <n> <m>", skipping what `go test`
	// itself prints.
	reply := func(w worker, word string) (int, int) {
		for w.out.Scan() {
			f := strings.Fields(w.out.Text())
			if len(f) == 3 && f[0] == word {
				a, _ := strconv.Atoi(f[1])
				b, _ := strconv.Atoi(f[2])
				return a, b
			}
			if len(f) > 0 && f[0] == "fail" {
				t.Fatalf("worker: %s", w.out.Text())
			}
		}
		t.Fatalf("a worker ended early (%v)", w.out.Err())
		return 0, 0
	}
	for _, w := range workers {
		reply(w, "ready")
	}
	for r := 0; r < rounds; r++ {
		send("go")
		seated, opened := 0, 0
		for _, w := range workers {
			s, o := reply(w, "admitted")
			seated += s
			opened += o
		}
		if seated != raceCapacity || opened != 1 {
			t.Fatalf("round %d: %d seated, %d openings; want %d and 1", r, seated, opened, raceCapacity)
		}
		send("leave")
		for _, w := range workers {
			if n, _ := reply(w, "left"); n < 0 {
				t.Fatalf("round %d: a leave failed", r)
			}
		}
	}
	send("done")
	for _, w := range workers {
		if err := w.cmd.Wait(); err != nil {
			t.Errorf("a worker: %v", err)
		}
	}
	elapsed := time.Since(start)
	// Their SIGCHLD has come: a signal landing in a blocking read of the library
	// fails the call (EINTR; see TestRedisPausedServerTimesOut).
	time.Sleep(20 * time.Millisecond)
	l := newRedis(t, url, Rules{}, RedisOptions{KeyPrefix: prefix})
	if u, err := l.Usage(ledgerApp); err != nil || u.Rooms != rounds {
		t.Errorf("usage after %d rounds: %+v, %v", rounds, u, err)
	}
	// (Its generation is forgotten EXPIRY_MARGIN_MS after the room empties.)
	if room, err := l.Room(ledgerApp, raceRoom); err != nil || room.Live {
		t.Errorf("the room after the race: %+v, %v", room, err)
	}
	t.Logf("%d processes x %d goroutines, %d rounds of 64 admissions: %v", raceProcs, raceGoroutines, rounds, elapsed)
}

// TestRedisRaceWorker is one process of TestRedisRace (skipped unless
// VOIPSIGN_RACE_WORKER is set): it reads "go", "leave" and "done" on stdin and
// answers on stdout.
func TestRedisRaceWorker(t *testing.T) {
	id, err := strconv.Atoi(os.Getenv("VOIPSIGN_RACE_WORKER"))
	if err != nil {
		t.Skip("a worker of TestRedisRace only")
	}
	out := bufio.NewWriter(os.Stdout)
	say := func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
		out.Flush()
	}
	l, err := NewRedisLedger(os.Getenv("VOIPSIGN_RACE_URL"), Rules{Capacity: raceCapacity},
		RedisOptions{KeyPrefix: os.Getenv("VOIPSIGN_RACE_PREFIX")})
	if err != nil {
		say("fail %v", err)
		return
	}
	defer l.Close()
	var mine [raceGoroutines][2]bool
	in := bufio.NewScanner(os.Stdin)
	say("ready 0 0")
	for in.Scan() {
		switch in.Text() {
		case "go":
			var wg sync.WaitGroup
			var seated, opened, failures atomic.Int64
			gate := make(chan struct{})
			for g := 0; g < raceGoroutines; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					<-gate // every goroutine admits at once
					for j := 0; j < 2; j++ {
						member := fmt.Sprintf("m%d", (id*raceGoroutines+g)*2+j)
						a, err := l.Admit(ledgerApp, raceRoom, member)
						switch {
						case errors.Is(err, ErrRoomFull):
							mine[g][j] = false
						case err != nil || a.Degraded || a.Renewed || a.Members < 1 || a.Members > raceCapacity:
							failures.Add(1)
							fmt.Fprintf(os.Stderr, "worker %d: Admit(%s) = %+v, %v\n", id, member, a, err)
						default:
							mine[g][j] = true
							seated.Add(1)
							if a.Opened {
								opened.Add(1)
							}
						}
					}
				}(g)
			}
			close(gate)
			wg.Wait()
			if failures.Load() > 0 {
				say("fail %d admissions", failures.Load())
				return
			}
			say("admitted %d %d", seated.Load(), opened.Load())
		case "leave":
			left := 0
			for g := range mine {
				for j := range mine[g] {
					if !mine[g][j] {
						continue
					}
					member := fmt.Sprintf("m%d", (id*raceGoroutines+g)*2+j)
					if removed, err := l.Leave(ledgerApp, raceRoom, member); err != nil || !removed {
						say("fail Leave(%s) = %v, %v", member, removed, err)
						return
					}
					mine[g][j] = false
					left++
				}
			}
			say("left %d 0", left)
		case "done":
			return
		}
	}
}

// --- faults on a private server ---

// privateServer is a redis-server of the test's own on a free loopback port.
type privateServer struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startPrivate(t *testing.T) *privateServer {
	t.Helper()
	redisURL(t, "VOIPSIGN_REDIS_URL") // redis-server is installed
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &privateServer{t: t, port: ln.Addr().(*net.TCPAddr).Port}
	ln.Close()
	s.start()
	t.Cleanup(s.kill)
	return s
}

func (s *privateServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d", s.port) }

func (s *privateServer) start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("redis-server: %v", err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), 200*time.Millisecond); err == nil {
			c.SetDeadline(time.Now().Add(200 * time.Millisecond))
			fmt.Fprint(c, "PING\r\n")
			buf := make([]byte, 5)
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "+PONG" {
				return
			}
		}
	}
	s.t.Fatalf("the private redis-server on port %d did not start", s.port)
}

func (s *privateServer) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGCONT)
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// timed runs f and returns how long it took.
func timed(f func()) time.Duration {
	t0 := time.Now()
	f()
	return time.Since(t0)
}

func TestRedisKilledServerThenRestarted(t *testing.T) {
	s := startPrivate(t)
	const timeout = 250 * time.Millisecond
	opts := RedisOptions{ConnectTimeout: timeout, CommandTimeout: timeout}
	allow := newRedis(t, s.url(), Rules{}, opts)
	refuse := newRedis(t, s.url(), Rules{OnUnavailable: OnUnavailableRefuse}, opts)
	if a, err := allow.Admit(ledgerApp, "g", "m1"); err != nil || !a.Opened {
		t.Fatalf("before the kill: %+v, %v", a, err)
	}
	if _, err := refuse.Room(ledgerApp, "g"); err != nil {
		t.Fatal(err)
	}

	s.kill()
	time.Sleep(20 * time.Millisecond) // its SIGCHLD (see TestRedisPausedServerTimesOut)
	var worst time.Duration
	check := func(what string, d time.Duration, err error, want string) {
		t.Helper()
		worst = max(worst, d)
		if want == "" && err != nil {
			t.Errorf("killed: %s: %v", what, err)
		} else if want != "" {
			checkCode(t, "killed: "+what, err, want, "")
		}
	}
	for i := 0; i < 3; i++ {
		var a Admission
		var err error
		d := timed(func() { a, err = allow.Admit(ledgerApp, "g", "m2") })
		check("Admit (allow)", d, err, "")
		if !a.Degraded || a.Opened || a.Members != 0 || a.Generation != 0 {
			t.Errorf("killed: Admit (allow) = %+v", a)
		}
		d = timed(func() { _, err = refuse.Admit(ledgerApp, "g", "m2") })
		check("Admit (refuse)", d, err, "LEDGER_UNAVAILABLE")
		if err != nil && !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("the error names no server: %v", err)
		}
		d = timed(func() { _, err = allow.Heartbeat(ledgerApp, "g", "m1") })
		check("Heartbeat (allow)", d, err, "")
		d = timed(func() { _, err = refuse.Heartbeat(ledgerApp, "g", "m1") })
		check("Heartbeat (refuse)", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Leave(ledgerApp, "g", "m1") })
		check("Leave", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Sync(ledgerApp, "g", []string{"m1"}) })
		check("Sync", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Room(ledgerApp, "g") })
		check("Room", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Usage(ledgerApp) })
		check("Usage", d, err, "LEDGER_UNAVAILABLE")
	}
	if worst >= 2*timeout {
		t.Errorf("killed: the slowest call took %v (timeout %v)", worst, timeout)
	}
	t.Logf("killed: the slowest call answered in %v", worst)

	// Restarted on the same port: the same Ledgers work again (the data is gone).
	s.start()
	if a, err := allow.Admit(ledgerApp, "g", "m3"); err != nil || a.Degraded || !a.Opened || a.Generation != 1 {
		t.Errorf("restarted: Admit = %+v, %v", a, err)
	}
	if room, err := refuse.Room(ledgerApp, "g"); err != nil || len(room.Members) != 1 {
		t.Errorf("restarted: Room = %+v, %v", room, err)
	}
}

func TestRedisPausedServerTimesOut(t *testing.T) {
	s := startPrivate(t)
	const timeout = 200 * time.Millisecond
	l := newRedis(t, s.url(), Rules{OnUnavailable: OnUnavailableRefuse}, RedisOptions{ConnectTimeout: timeout, CommandTimeout: timeout})
	if _, err := l.Admit(ledgerApp, "g", "m1"); err != nil {
		t.Fatal(err)
	}
	// Stopping and continuing the child sends this process a SIGCHLD, which Go
	// handles: a signal arriving while the library blocks in a read with a
	// timeout makes that read fail with EINTR (reported as LEDGER_UNAVAILABLE),
	// so each signal is let in before the next call.
	s.cmd.Process.Signal(syscall.SIGSTOP)
	time.Sleep(50 * time.Millisecond)
	var err error
	d := timed(func() { _, err = l.Admit(ledgerApp, "g", "m2") })
	checkCode(t, "paused: Admit", err, "LEDGER_UNAVAILABLE", "")
	if err != nil && !strings.Contains(err.Error(), "within 200 ms") {
		t.Errorf("paused: %v", err)
	}
	if d < 150*time.Millisecond || d >= 2*2*timeout {
		t.Errorf("paused: Admit answered after %v (timeouts %v)", d, timeout)
	}
	d = timed(func() { _, err = l.Room(ledgerApp, "g") })
	checkCode(t, "paused: Room (a new connection)", err, "LEDGER_UNAVAILABLE", "")
	if d >= 2*2*timeout {
		t.Errorf("paused: Room answered after %v", d)
	}
	s.cmd.Process.Signal(syscall.SIGCONT)
	time.Sleep(50 * time.Millisecond)
	if room, err := l.Room(ledgerApp, "g"); err != nil || len(room.Members) < 1 || len(room.Members) > 2 {
		t.Errorf("resumed: Room = %+v, %v", room, err)
	}
	if _, err := l.Admit(ledgerApp, "g", "m3"); err != nil {
		t.Errorf("resumed: %v", err)
	}
}

// Many goroutines share one Redis ledger (one per process, as documented).
func TestRedisLedgerSharedByGoroutines(t *testing.T) {
	url := redisURL(t, "VOIPSIGN_REDIS_URL")
	l := newRedis(t, url, Rules{Capacity: 4}, RedisOptions{KeyPrefix: uniquePrefix("shared")})
	var wg sync.WaitGroup
	var seated atomic.Int64
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				group := fmt.Sprintf("room-%d", i)
				a, err := l.Admit(ledgerApp, group, fmt.Sprintf("m%d", g))
				switch {
				case errors.Is(err, ErrRoomFull):
				case err != nil || a.Members > 4:
					t.Errorf("Admit: %+v, %v", a, err)
					return
				default:
					seated.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	if seated.Load() != 20*4 {
		t.Errorf("%d seated in 20 rooms of 4", seated.Load())
	}
}

// A signal arriving while a call blocks in the library must not fail the call
// (a read with a socket timeout is never restarted by the kernel: the core
// defers async signals during a call; before it did, 1892 of 2000 pairs failed
// here). Go delivers signals to threads in cgo calls: its preemption (SIGURG),
// SIGCHLD when a child process ends, SIGPROF while CPU profiling.
func TestRedisSignalsDoNotInterruptCalls(t *testing.T) {
	url := redisURL(t, "VOIPSIGN_REDIS_URL")
	l := newRedis(t, url, Rules{OnUnavailable: OnUnavailableRefuse}, RedisOptions{KeyPrefix: uniquePrefix("eintr")})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // SIGCHLD, which Go handles, to the whole process, all the time
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				syscall.Kill(os.Getpid(), syscall.SIGCHLD)
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	failed := 0
	var first error
	for i := 0; i < 2000; i++ {
		a, err := l.Admit(ledgerApp, "g", "m")
		if err == nil && !a.Renewed {
			_, err = l.Leave(ledgerApp, "g", "m")
		} else if err == nil {
			err = fmt.Errorf("admission %d answered Renewed after a leave", i)
		}
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	close(stop)
	<-done
	if failed > 0 {
		t.Errorf("%d of 2000 admit+leave pairs failed under signals; first: %v", failed, first)
	}
}
