package voipsign

// NewRedisLedger creates a ledger over a Redis store: one Redis server or a
// Redis Cluster shared by every backend instance that uses the same URL and
// key prefix (WithKeyPrefix). Each operation is one server-side script, atomic
// against every other instance, timed by the server's clock.
//
// url is redis://[user:password@]host[:port][/db], rediss://… (TLS),
// redis+cluster://[user:password@]host:port[,host:port…] or
// rediss+cluster://… (a Redis Cluster, by one or more seed nodes). Errors:
// ErrInvalidRedisURL for a malformed url (checked first), then the error of an
// option the library refuses (both ErrInput). The url may carry a password: it never
// appears in an error, from here or from any later call.
//
// Nothing is connected here: an unreachable server is not an error of
// NewRedisLedger. Each call then follows WithOnUnavailable (an admission
// flagged Degraded, or an ErrOutage error) within the timeouts. After a
// restart of the server the same Ledger works again (it reconnects).
//
// Create one Ledger per process and share it: it is safe for concurrent use
// by any number of goroutines, each call on a pooled connection of its own.
func NewRedisLedger(url string, opts ...Option) (*Ledger, error) {
	return open(&url, opts)
}
