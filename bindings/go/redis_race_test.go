package voipsign

// The Redis store: 4 processes x 8 goroutines racing for one room (see redis_test.go for the servers).

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

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
	l := newRedis(t, url, WithKeyPrefix(prefix))
	// The day counters are the sum of what the workers were told: every round
	// 1 opening, 10 seats granted (the opener's included), 54 refused as full,
	// 10 leaves; nothing renewed, expired or left live.
	u, err := l.Usage(bg, ledgerApp)
	zero := 0
	want := Usage{Day: u.Day, Openings: rounds, Admissions: rounds * raceCapacity,
		RefusedRoomFull: rounds * (raceProcs*raceGoroutines*2 - raceCapacity), Leaves: rounds * raceCapacity,
		PeakSeats: raceCapacity, LiveRooms: &zero, LiveSeats: &zero, DailyRoomLimit: 100000}
	if err != nil || !reflect.DeepEqual(u, want) {
		t.Errorf("usage after %d rounds: %+v, %v; want %+v", rounds, u, err, want)
	}
	// (Its generation is forgotten EXPIRY_MARGIN_MS after the room empties.)
	if room, err := l.Room(bg, ledgerApp, raceRoom); err != nil || room.Live {
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
	l, err := NewRedisLedger(os.Getenv("VOIPSIGN_RACE_URL"), WithCapacity(raceCapacity),
		WithKeyPrefix(os.Getenv("VOIPSIGN_RACE_PREFIX")))
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
						a, err := l.Admit(bg, ledgerApp, raceRoom, member)
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
					if removed, err := l.Leave(bg, ledgerApp, raceRoom, member); err != nil || !removed {
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
