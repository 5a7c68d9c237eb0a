package voipsign

// The Redis store: faults on a private redis-server (killed, restarted, paused), a ledger shared by goroutines, signals during calls.

import (
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
	opts := []Option{WithConnectTimeout(timeout), WithCommandTimeout(timeout)}
	allow := newRedis(t, s.url(), opts...)
	refuse := newRedis(t, s.url(), append(opts, WithOnUnavailable(OnUnavailableRefuse))...)
	if a, err := allow.Admit(bg, ledgerApp, "g", "m1"); err != nil || !a.Opened {
		t.Fatalf("before the kill: %+v, %v", a, err)
	}
	if _, err := refuse.Room(bg, ledgerApp, "g"); err != nil {
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
		d := timed(func() { a, err = allow.Admit(bg, ledgerApp, "g", "m2") })
		check("Admit (allow)", d, err, "")
		if !a.Degraded || a.Opened || a.Members != 0 || a.Generation != 0 {
			t.Errorf("killed: Admit (allow) = %+v", a)
		}
		d = timed(func() { _, err = refuse.Admit(bg, ledgerApp, "g", "m2") })
		check("Admit (refuse)", d, err, "LEDGER_UNAVAILABLE")
		if err != nil && !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("the error names no server: %v", err)
		}
		d = timed(func() { _, err = allow.Heartbeat(bg, ledgerApp, "g", "m1") })
		check("Heartbeat (allow)", d, err, "")
		d = timed(func() { _, err = refuse.Heartbeat(bg, ledgerApp, "g", "m1") })
		check("Heartbeat (refuse)", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Leave(bg, ledgerApp, "g", "m1") })
		check("Leave", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Sync(bg, ledgerApp, "g", []string{"m1"}) })
		check("Sync", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Room(bg, ledgerApp, "g") })
		check("Room", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Usage(bg, ledgerApp) })
		check("Usage", d, err, "LEDGER_UNAVAILABLE")
		d = timed(func() { _, err = allow.Rooms(bg, ledgerApp, 100, nil) })
		check("Rooms", d, err, "LEDGER_UNAVAILABLE")
	}
	if worst >= 2*timeout {
		t.Errorf("killed: the slowest call took %v (timeout %v)", worst, timeout)
	}
	t.Logf("killed: the slowest call answered in %v", worst)

	// Restarted on the same port: the same Ledgers work again (the data is gone).
	s.start()
	if a, err := allow.Admit(bg, ledgerApp, "g", "m3"); err != nil || a.Degraded || !a.Opened || a.Generation != 1 {
		t.Errorf("restarted: Admit = %+v, %v", a, err)
	}
	if room, err := refuse.Room(bg, ledgerApp, "g"); err != nil || len(room.Members) != 1 {
		t.Errorf("restarted: Room = %+v, %v", room, err)
	}
}

func TestRedisPausedServerTimesOut(t *testing.T) {
	s := startPrivate(t)
	const timeout = 200 * time.Millisecond
	l := newRedis(t, s.url(), WithOnUnavailable(OnUnavailableRefuse), WithConnectTimeout(timeout), WithCommandTimeout(timeout))
	if _, err := l.Admit(bg, ledgerApp, "g", "m1"); err != nil {
		t.Fatal(err)
	}
	// Stopping and continuing the child sends this process a SIGCHLD, which Go
	// handles: a signal arriving while the library blocks in a read with a
	// timeout makes that read fail with EINTR (reported as LEDGER_UNAVAILABLE),
	// so each signal is let in before the next call.
	s.cmd.Process.Signal(syscall.SIGSTOP)
	time.Sleep(50 * time.Millisecond)
	var err error
	d := timed(func() { _, err = l.Admit(bg, ledgerApp, "g", "m2") })
	checkCode(t, "paused: Admit", err, "LEDGER_UNAVAILABLE", "")
	if err != nil && !strings.Contains(err.Error(), "within 200 ms") {
		t.Errorf("paused: %v", err)
	}
	if d < 150*time.Millisecond || d >= 2*2*timeout {
		t.Errorf("paused: Admit answered after %v (timeouts %v)", d, timeout)
	}
	d = timed(func() { _, err = l.Room(bg, ledgerApp, "g") })
	checkCode(t, "paused: Room (a new connection)", err, "LEDGER_UNAVAILABLE", "")
	if d >= 2*2*timeout {
		t.Errorf("paused: Room answered after %v", d)
	}
	s.cmd.Process.Signal(syscall.SIGCONT)
	time.Sleep(50 * time.Millisecond)
	if room, err := l.Room(bg, ledgerApp, "g"); err != nil || len(room.Members) < 1 || len(room.Members) > 2 {
		t.Errorf("resumed: Room = %+v, %v", room, err)
	}
	if _, err := l.Admit(bg, ledgerApp, "g", "m3"); err != nil {
		t.Errorf("resumed: %v", err)
	}
}

// Many goroutines share one Redis ledger (one per process, as documented).
func TestRedisLedgerSharedByGoroutines(t *testing.T) {
	url := redisURL(t, "VOIPSIGN_REDIS_URL")
	l := newRedis(t, url, WithCapacity(4), WithKeyPrefix(uniquePrefix("shared")))
	var wg sync.WaitGroup
	var seated atomic.Int64
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				group := fmt.Sprintf("room-%d", i)
				a, err := l.Admit(bg, ledgerApp, group, fmt.Sprintf("m%d", g))
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
	// memberDailyOpenings 0 (no limit): each of the 2000 pairs opens the room anew
	// for the same member, far past the default 100 a day.
	l := newRedis(t, url, WithOnUnavailable(OnUnavailableRefuse), WithMemberDailyOpenings(0), WithKeyPrefix(uniquePrefix("eintr")))
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
		a, err := l.Admit(bg, ledgerApp, "g", "m")
		if err == nil && !a.Renewed {
			_, err = l.Leave(bg, ledgerApp, "g", "m")
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
