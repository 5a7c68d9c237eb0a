package voipsign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// idiomSign is what a Go backend writes by hand (and what this package replaces):
// the documented formula with the standard library. It is the benchmarks'
// baseline, never used by the package.
func idiomSign(p Params, sessionKey string) string {
	values := []string{p.AppID, p.GroupID, p.NonceStr, strconv.FormatInt(p.TimeStamp, 10)}
	sort.Strings(values)
	mac := hmac.New(sha256.New, []byte(sessionKey))
	mac.Write([]byte(strings.Join(values, "")))
	return hex.EncodeToString(mac.Sum(nil))
}

// roomKeys are ten members' session keys (one full room).
var roomKeys = []string{
	"gDyVgzwa0mFz9uUP7M6GQQ==", "hd6Ja/yM0kg/JbaZROpZFA==", "KFwBJQ9lvU1gFhk1q40qlg==",
	"PgHhLiZqgwGKhZhDhP7g7A==", "o0q0otL8aEzpcZL/FT9WsQ==", "kUpBwvRHPfIDSEEATFMKZg==",
	"AAAAAAAAAAAAAAAAAAAAAA==", "/////////////////////w==", "MDEyMzQ1Njc4OWFiY2RlZg==",
	"c2Vzc2lvbl9rZXlfMTAhIQ==",
}

// TestIdiomReproducesDocExample makes sure the baseline is a correct
// implementation, so the benchmarks compare like with like.
func TestIdiomReproducesDocExample(t *testing.T) {
	if got := idiomSign(docParams, docKey); got != docSig {
		t.Fatalf("idiom = %s, want %s", got, docSig)
	}
	v := loadVectors(t)
	for _, c := range v.Cases {
		if got := idiomSign(c.params(), c.SessionKey); got != c.Signature {
			t.Errorf("%s: idiom = %s, want %s", c.Name, got, c.Signature)
		}
	}
	for _, key := range roomKeys {
		want, err := Sign(docParams, key)
		if err != nil || idiomSign(docParams, key) != want {
			t.Errorf("key %d: idiom and Sign differ (%v)", len(key), err)
		}
	}
}

func checkBaseline(b *testing.B) {
	b.Helper()
	if got := idiomSign(docParams, docKey); got != docSig {
		b.Fatalf("the idiom does not reproduce the doc example: %s", got)
	}
	if got, err := Sign(docParams, docKey); err != nil || got != docSig {
		b.Fatalf("Sign does not reproduce the doc example: %s, %v", got, err)
	}
}

// measureCPU reports "cpu-ns/op", the CPU time of the whole process (every
// thread, the garbage collector's included) per operation, which unlike ns/op
// does not grow when other processes compete for the machine. Use it as
// defer measureCPU(b)().
func measureCPU(b *testing.B) func() {
	start := processCPUTime()
	return func() {
		if end := processCPUTime(); start >= 0 && end >= start && b.N > 0 {
			b.ReportMetric(float64((end-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

var sinkString string
var sinkStrings []string
var sinkBool bool
var sinkInt int

// BenchmarkSign: one signature with voipsign.Sign.
func BenchmarkSign(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkString, _ = Sign(docParams, docKey)
	}
}

// BenchmarkSignIdiom: one signature with the hand-written standard-library idiom.
func BenchmarkSignIdiom(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkString = idiomSign(docParams, docKey)
	}
}

// BenchmarkSignMany10: a full room of ten members with one SignMany call.
func BenchmarkSignMany10(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkStrings, _ = SignMany(docParams, roomKeys)
	}
}

// BenchmarkSign10: a full room of ten members with ten Sign calls.
func BenchmarkSign10(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		out := make([]string, len(roomKeys))
		for j, key := range roomKeys {
			out[j], _ = Sign(docParams, key)
		}
		sinkStrings = out
	}
}

// BenchmarkSignIdiom10: a full room of ten members with ten idiom calls.
func BenchmarkSignIdiom10(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		out := make([]string, len(roomKeys))
		for j, key := range roomKeys {
			out[j] = idiomSign(docParams, key)
		}
		sinkStrings = out
	}
}

// BenchmarkVerify: one constant-time check.
func BenchmarkVerify(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkBool, _ = Verify(docParams, docKey, docSig)
	}
}

// BenchmarkSessionSignature: the checksession signature (empty body).
func BenchmarkSessionSignature(b *testing.B) {
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkString, _ = SessionSignature(docKey, nil)
	}
}

// BenchmarkCgoCall: the fixed cost of one cgo call (voipsign_signature_len,
// which does nothing), the floor under every function of the package.
func BenchmarkCgoCall(b *testing.B) {
	b.ReportAllocs()
	defer measureCPU(b)()
	for i := 0; i < b.N; i++ {
		sinkInt = signatureLen()
	}
}

// BenchmarkSignParallel: Sign from GOMAXPROCS goroutines at once.
func BenchmarkSignParallel(b *testing.B) {
	checkBaseline(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var s string
		for pb.Next() {
			s, _ = Sign(docParams, docKey)
		}
		_ = s
	})
}

// interleave runs ours and theirs alternately in small blocks, b.N times each,
// and reports per-call times and the speed-up theirs/ours, both in wall time
// ("speedup") and in the CPU time of the benchmark's thread ("speedup-cpu",
// Linux). Alternating keeps the ratio meaningful while the machine's load
// changes during the run (separate benchmarks may run under different loads);
// thread CPU time also ignores time lost to other processes. It leaves out the
// garbage collector's background work, which only the idiom causes, so it
// favours the idiom slightly.
func interleave(b *testing.B, ours, theirs func()) {
	b.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	const block = 64
	var tOurs, tTheirs, cOurs, cTheirs time.Duration
	for done := 0; done < b.N; done += block {
		n := min(block, b.N-done)
		c0, t0 := threadCPUTime(), time.Now()
		for i := 0; i < n; i++ {
			theirs()
		}
		c1, t1 := threadCPUTime(), time.Now()
		for i := 0; i < n; i++ {
			ours()
		}
		c2, t2 := threadCPUTime(), time.Now()
		tTheirs += t1.Sub(t0)
		tOurs += t2.Sub(t1)
		cTheirs += c1 - c0
		cOurs += c2 - c1
	}
	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(tOurs), "voipsign-ns/op")
	b.ReportMetric(per(tTheirs), "idiom-ns/op")
	if tOurs > 0 {
		b.ReportMetric(float64(tTheirs)/float64(tOurs), "speedup")
	}
	if threadCPUTime() >= 0 && cOurs > 0 {
		b.ReportMetric(per(cOurs), "voipsign-cpu-ns/op")
		b.ReportMetric(per(cTheirs), "idiom-cpu-ns/op")
		b.ReportMetric(float64(cTheirs)/float64(cOurs), "speedup-cpu")
	}
}

// BenchmarkInterleavedSign: Sign and the idiom alternately; see interleave.
func BenchmarkInterleavedSign(b *testing.B) {
	checkBaseline(b)
	interleave(b,
		func() { sinkString, _ = Sign(docParams, docKey) },
		func() { sinkString = idiomSign(docParams, docKey) })
}

// BenchmarkInterleavedSignMany10: SignMany of 10 keys and 10 idiom calls
// alternately; see interleave.
func BenchmarkInterleavedSignMany10(b *testing.B) {
	checkBaseline(b)
	interleave(b,
		func() { sinkStrings, _ = SignMany(docParams, roomKeys) },
		func() {
			out := make([]string, len(roomKeys))
			for j, key := range roomKeys {
				out[j] = idiomSign(docParams, key)
			}
			sinkStrings = out
		})
}
