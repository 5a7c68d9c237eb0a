package voipsign

/*
#include "voipsign.h"
*/
import "C"

import (
	"runtime"
	"time"
)

// RedisOptions say how a Redis ledger connects. The zero value is the
// defaults: RedisOptions{} is 250 ms timeouts and the key prefix "voipsign".
type RedisOptions struct {
	// ConnectTimeout bounds opening a connection (TCP, TLS, AUTH): whole
	// milliseconds, 1 ms–60 s (default 250 ms). Out of range (below 1 ms
	// included): ErrInvalidRules.
	ConnectTimeout time.Duration
	// CommandTimeout bounds each command (one server-side script): whole
	// milliseconds, 1 ms–60 s (default 250 ms).
	CommandTimeout time.Duration
	// KeyPrefix is the first part of every key (default "voipsign"): 1–64 bytes
	// of printable ASCII without '{' or '}'. Ledgers with different prefixes on
	// one server are independent (staging and production, tests).
	KeyPrefix string
}

// timeoutMs is d for voipsign_redis_options: 0 keeps the default def, anything
// else is whole milliseconds (rounded down), which the library checks.
func timeoutMs(d time.Duration, def C.int64_t) C.int64_t {
	if d == 0 {
		return def
	}
	return C.int64_t(millis(d))
}

// NewRedisLedger creates a ledger over a Redis store: one Redis server or a
// Redis Cluster shared by every backend instance that uses the same URL and
// KeyPrefix. Each operation is one server-side script, atomic against every
// other instance, timed by the server's clock.
//
// url is redis://[user:password@]host[:port][/db], rediss://… (TLS),
// redis+cluster://[user:password@]host:port[,host:port…] or
// rediss+cluster://… (a Redis Cluster, by one or more seed nodes). Errors:
// ErrInvalidRedisURL for a malformed url (checked first), then ErrInvalidRules
// for rules or opts out of range. The url may carry a password: it never
// appears in an error, from here or from any later call.
//
// Nothing is connected here: an unreachable server is not an error of
// NewRedisLedger. Each call then follows Rules.OnUnavailable (an admission
// flagged Degraded, or ErrLedgerUnavailable), within the timeouts: every method
// of a Redis ledger blocks on network I/O, usually one round trip, at most
// about ConnectTimeout plus two CommandTimeouts when the server is slow or gone.
// After a restart of the server the same Ledger works again (it reconnects).
//
// Create one Ledger per process and share it: it is safe for concurrent use
// by any number of goroutines, each call on a pooled connection of its own.
// Close it when the process no longer needs it.
func NewRedisLedger(url string, rules Rules, opts RedisOptions) (*Ledger, error) {
	c := rules.toC()
	o := C.voipsign_redis_options_default()
	o.connect_timeout_ms = timeoutMs(opts.ConnectTimeout, o.connect_timeout_ms)
	o.command_timeout_ms = timeoutMs(opts.CommandTimeout, o.command_timeout_ms)
	// The prefix is Go memory inside a C struct: pinned for the call (cgo's
	// rules; the library copies it).
	var pin runtime.Pinner
	defer pin.Unpin()
	if p, pl := cstr(opts.KeyPrefix); p != nil {
		pin.Pin(p)
		o.key_prefix, o.key_prefix_len = p, pl
	}
	u, ul := cstr(url)
	var h *C.voipsign_ledger
	var e C.voipsign_error
	st := C.voipsign_ledger_new_redis(u, ul, &c, &o, &h, &e)
	runtime.KeepAlive(opts.KeyPrefix)
	if st != C.VOIPSIGN_OK {
		return nil, newError(st, st, &e)
	}
	liveLedgers.Add(1)
	l := &Ledger{h: h}
	runtime.SetFinalizer(l, (*Ledger).free)
	return l, nil
}
