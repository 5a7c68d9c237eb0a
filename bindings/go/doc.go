// Package voipsign computes and checks the signature WeChat's wx.joinVoIPChat
// requires, through libvoipsign, the one audited implementation every voipsign
// binding shares (C ABI, Rust core). The package itself computes nothing: it
// passes arguments to the library and turns its status codes into Go errors, so
// a Go backend produces byte for byte the signatures the Python, Node and PHP
// backends produce.
//
// The signature is
//
//	hmac_sha256([appId, groupId, nonceStr, timeStamp].sort().join(''), session_key)
//
// as 64 lowercase hex digits: the four values sorted as text, joined without a
// separator, keyed by the session_key string as code2Session returned it (not
// base64-decoded). The session_key is a secret of the backend: never send it to
// the client.
//
// # Operations
//
//   - [Sign] and [Verify] (constant-time) for given [Params];
//   - [Issue] makes a [JoinTicket] with a fresh nonceStr and the current time:
//     json.Marshal(ticket) is exactly the object wx.joinVoIPChat takes;
//   - [SignMany] signs one room for many members at once;
//   - [SessionSignature] is WeChat's user login state signature (with an empty
//     body, the signature of GET /wxa/checksession);
//   - [Canonical] returns the sorted, joined string for logs;
//   - [Diagnose] finds which known mistake reproduces a signature WeChat
//     rejected, and [Explain] says what a wx.joinVoIPChat failure means;
//   - a [Ledger] ([NewMemoryLedger] for one process, [NewRedisLedger] for
//     every instance sharing a Redis server or cluster) enforces WeChat's room
//     rules (seats per room, rooms per day) before a ticket is handed out:
//     [Ledger.AdmitAndIssue] on join, [Ledger.Heartbeat], [Ledger.Sync],
//     [Ledger.Leave], with named refusals ([ErrRefusal]) instead of
//     WeChat's late failures, a cap on the rooms one member may open a day
//     ([WithMemberDailyOpenings]), and for operators the day's counters
//     ([Ledger.Usage]) and the live rooms ([Ledger.Rooms]).
//
// # Errors
//
// Every failure is an [*Error] carrying a stable [Code] (the same names in every
// language, e.g. INVALID_NONCE) and a message naming the field and the reason.
// The message never contains the session_key, so it may be logged or returned
// to a client. Test for a code, or for its [Kind], with errors.Is:
//
//	errors.Is(err, voipsign.ErrInvalidTimestamp) // one code
//	errors.Is(err, voipsign.ErrInput)            // a bad argument (every INVALID_* code; a closed Ledger)
//	errors.Is(err, voipsign.ErrRefusal)          // the ledger's rules (a full room, the day's limits): not ErrInput
//	errors.Is(err, voipsign.ErrOutage)           // the ledger's store cannot be reached
//	errors.Is(err, voipsign.ErrInternal)         // a bug, or the machine's random number generator failed
//
// Codes, kinds, sentinels, enums, records and options are generated from
// core's contract description (contract_*_gen.go, `make gen`).
//
// # Ledger options and contexts
//
// A Ledger's options are functional options, one With… function per option
// (WithCapacity, WithReserveTTL, WithKeyPrefix, …): an option not given is the
// library's default, a given one is its value (0 included), and the library
// checks them all, refusing a bad one (an input error) naming it in
// camelCase. Every Ledger method takes a context.Context first, checked before
// the call (a done context is ctx.Err()); a call in flight is not interrupted,
// but bounded by the Redis timeouts.
//
// The package checks no value itself: the library decides what is refused and,
// when several inputs are bad, reports the first in the order every voipsign
// language shares (docs/CONTRACT.md): appId, groupId, nonceStr, timeStamp, the
// session_key (or the first bad key of a list), then the function's own inputs.
//
// # Building
//
// The package links the static library libvoipsign.a, so programs need no
// shared library at run time. Build it first, and again after every change to
// the Rust code:
//
//	make ffi            # at the repository root: cargo build --release -p voipsign-ffi
//	make -C ../.. ffi   # the same, from bindings/go
//
// cgo must be enabled (CGO_ENABLED=1, a C compiler on the PATH). Every function
// is safe for concurrent use by any number of goroutines.
package voipsign
