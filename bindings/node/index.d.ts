/* voipsign: signatures for WeChat wx.joinVoIPChat, from one audited Rust core.
 *
 * The package's public declarations. Written here: the functions of index.js
 * (lib/api.js), each with one object argument, and the Ledger class. Generated
 * from core's contract (`make gen`): the error codes and classes (lib/codes.d.ts),
 * the enums, records and ledger options (lib/types.d.ts). `tsc` checks lib/*.js
 * against these files (__test__/typescript.test.js).
 *
 * Errors: every error voipsign throws is a VoipSignError with `code` and `kind`,
 * an instance of its kind's base (InputError, RefusalError, OutageError; internal
 * codes derive from the root) and of its code's class (lib/codes.d.ts). A value of
 * the wrong JavaScript *type* (a number for groupId, no object argument) is a
 * programming error instead: a `TypeError` with code `ERR_INVALID_ARG_TYPE`
 * naming the property, as in Node's own APIs, thrown before any value is checked. */

import type { Admission, Diagnosis, ExplainContext, Explanation, JoinTicket, Limits, LedgerOptions, RedisLedgerOptions, Room, RoomPage, RoomType, Usage } from './lib/types.js'

export * from './lib/codes.js'
export type * from './lib/types.js'

/** The result of {@link Ledger.admitAndIssue}. */
export interface AdmissionAndTicket {
  /** The seat granted or renewed. */
  admission: Admission
  /** The join ticket for `wx.joinVoIPChat`. */
  ticket: JoinTicket
}

/** @deprecated the name of {@link LedgerOptions} before 0.2. */
export type LedgerRules = LedgerOptions

/**
 * The `signature` for `wx.joinVoIPChat`: HMAC-SHA256 of appId, groupId, nonceStr
 * and timeStamp sorted in code-unit order and joined with no separator, keyed by
 * the session_key **string**, as 64 lowercase hex digits.
 *
 * @example
 * ```js
 * sign({ appId: 'wx20afc706a711eefc', groupId: '1559129713_672975982',
 *        nonceStr: '8AP6DT9ybtniUJfb', timeStamp: 1559129714,
 *        sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==' })
 * // 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'
 * ```
 * @throws {InputError} if appId, groupId, nonceStr, timeStamp or sessionKey is
 * invalid (the first in that order; the error's class and code name it).
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function sign(params: SignParams): string

/**
 * Whether `signature` is the right one for these values, compared in constant
 * time. A well-formed signature that does not match (one in upper case too) is
 * `false`; a malformed one throws an {@link InputError}, and so does a signature
 * from WeChat's cloud signing (`<64 hex>_<tag>`), which cannot be checked locally.
 *
 * @throws {InputError} as {@link sign}, then for the signature.
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function verify(params: VerifyParams): boolean

/**
 * The canonical string: the four values sorted in code-unit order and joined
 * with no separator, i.e. what is signed. It holds no secret: log it when a
 * signature is rejected.
 *
 * @throws {InputError} if appId, groupId, nonceStr or timeStamp is invalid.
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function canonical(params: CanonicalParams): string

/**
 * A join ticket for `wx.joinVoIPChat`: a fresh 32-character nonce from the
 * operating system's CSPRNG, the current time in seconds and the signature.
 * Return it to the mini program as JSON and pass it to `wx.joinVoIPChat` as is.
 *
 * @example
 * ```js
 * const ticket = issue({ appId, groupId: 'room-42', sessionKey })
 * // { groupId: 'room-42', nonceStr: '…32 characters…', timeStamp: 1718000000,
 * //   signature: '…64 hex digits…', roomType: 'voice' }
 * ```
 * @throws {InputError} if appId, groupId, sessionKey or roomType is invalid.
 * @throws {VoipSignError} (kind `internal`) if the system's random generator fails.
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function issue(params: IssueParams): JoinTicket

/**
 * Sign one room for many members (a matchmaker seating a full room of up to 10
 * at once): the canonical string is built once, then one HMAC per session_key.
 * The signatures are in the order of `sessionKeys`; an empty list gives `[]`.
 *
 * @throws {InputError} as {@link sign}; a bad key's message gives
 * its index (`sessionKeys[3]: …`).
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function signMany(params: SignManyParams): string[]

/**
 * WeChat's "user login state signature": HMAC-SHA256 of `body` keyed by the
 * session_key string, as 64 lowercase hex digits. With an empty body (the
 * default) it is the `signature` that `GET /wxa/checksession` takes to ask
 * WeChat whether a stored session_key is still current.
 *
 * @param sessionKey the user's session_key as code2Session returned it
 * @param body the request body: a string (signed as UTF-8) or bytes; default `''`
 * @throws {InputError} if the session_key is invalid
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if `sessionKey` is not a string or `body` neither a
 * string nor a Buffer/Uint8Array
 */
export declare function sessionSignature(sessionKey: string, body?: string | Uint8Array): string

/**
 * Which known mistake reproduces a signature WeChat rejected: the orders of the
 * four values, comma joins, the timestamp in milliseconds, the key base64-decoded,
 * with trailing whitespace or swapped with the message, plain SHA-256, upper-case
 * hex or base64 digests, older session_keys (`otherSessionKeys`) — and their
 * combinations. A millisecond `timeStamp` and a malformed `signature` are findings,
 * not errors. The result never contains a session_key; log it as is.
 *
 * @example
 * ```js
 * diagnose({ ...params, signature: 'B002B824688DD8593A6079E11D8C5E8734FBCB39A6D5906EB347BFBCAD79C617' })
 * // { verdict: 'MISTAKE_FOUND', mistakes: ['UPPERCASE_HEX'], message: '…the fix…',
 * //   expected: 'b002b824…', canonical: '1559129713_672975982…' }
 * ```
 * @throws {InputError} as {@link sign} (not for a 13-digit timeStamp), and for
 * `otherSessionKeys[i]` (with its index).
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if a property has the wrong type (or is missing).
 */
export declare function diagnose(params: DiagnoseParams): Diagnosis

/**
 * What a `wx.joinVoIPChat` failure means and what to do about it, from the
 * `errCode` and `errMsg` its `fail` callback received; codes written inside
 * `errMsg` count too (WeChat wraps -12020 "invalid signature" in -1000 or -10088).
 *
 * @example
 * ```js
 * explain({ errCode: -1000, errMsg: 'joinVoIPChat:fail invalid signature' }).cause
 * // 'INVALID_SIGNATURE'
 * explain({ errCode: -1, errMsg: '', context: { groupId: 'room-2', seatedElsewhere: 'room-1' } }).cause
 * // 'SEATED_ELSEWHERE'
 * ```
 * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if `errCode` is not a number, `errMsg` not a string or `context` not an object
 * @throws {RangeError} `ERR_OUT_OF_RANGE` if `errCode` is not a safe integer
 * @throws {InvalidContext} a context field unknown or of the wrong type
 */
export declare function explain(params: ExplainParams): Explanation

/** The four values `wx.joinVoIPChat` signs, named as the front end names them. */
export interface CanonicalParams {
  /** The mini program's appId, e.g. `"wx20afc706a711eefc"` (1–64 printable ASCII bytes). */
  appId: string
  /** The room: users passing the same groupId join the same room (1–1024 bytes of UTF-8, no control characters). */
  groupId: string
  /** A random string of 1–127 printable ASCII characters. */
  nonceStr: string
  /** Unix time in **seconds** (an integer Number, or a BigInt), 1 ≤ timeStamp ≤ 9999999999. */
  timeStamp: number | bigint
}

/** The arguments of {@link sign}: the four signed values and the user's session_key. */
export interface SignParams {
  /** The mini program's appId, e.g. `"wx20afc706a711eefc"`. */
  appId: string
  /** The room. */
  groupId: string
  /** A random string of 1–127 printable ASCII characters. */
  nonceStr: string
  /** Unix time in **seconds** (an integer Number, or a BigInt). */
  timeStamp: number | bigint
  /** The user's session_key exactly as code2Session returned it (24 base64 characters ending in `==`). */
  sessionKey: string
}

/** The arguments of {@link verify}: those of {@link sign} and the signature to check. */
export interface VerifyParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** The nonce that was signed. */
  nonceStr: string
  /** The timestamp that was signed, in seconds. */
  timeStamp: number | bigint
  /** The user's session_key exactly as code2Session returned it. */
  sessionKey: string
  /** The signature to check: 64 hex digits. */
  signature: string
}

/** The arguments of {@link signMany}: one room, many members. */
export interface SignManyParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** A random string of 1–127 printable ASCII characters, shared by every member. */
  nonceStr: string
  /** Unix time in seconds, shared by every member. */
  timeStamp: number | bigint
  /** One session_key per member; the signatures come back in the same order. */
  sessionKeys: readonly string[]
}

/** The arguments of {@link issue}. */
export interface IssueParams {
  /** The mini program's appId. */
  appId: string
  /** The room to join. */
  groupId: string
  /** The user's session_key exactly as code2Session returned it. */
  sessionKey: string
  /** `"voice"` (the default) or `"video"`. */
  roomType?: RoomType
}

/**
 * The arguments of {@link diagnose}: the values of the rejected join, the user's
 * session_key, the signature WeChat rejected and, optionally, older session_keys.
 */
export interface DiagnoseParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** The nonce that was signed. */
  nonceStr: string
  /**
   * The timestamp that was signed, in seconds; 13 digits (milliseconds) are
   * accepted here and reported as the mistake `TIMESTAMP_MILLISECONDS`.
   */
  timeStamp: number | bigint
  /** The user's current session_key exactly as code2Session returned it. */
  sessionKey: string
  /** The signature WeChat rejected, in whatever form it has (any string). */
  signature: string
  /**
   * Older session_keys of the same user (replaced by a later `wx.login`), tried
   * for `STALE_SESSION_KEY`; default `[]`.
   */
  otherSessionKeys?: readonly string[]
}

/** The arguments of {@link explain}: what `wx.joinVoIPChat`'s `fail` callback received. */
export interface ExplainParams {
  /** The failure's `errCode`, e.g. `-1000` (an integer Number). */
  errCode: number
  /** The failure's `errMsg` (codes written inside it count too); default `''`. */
  errMsg?: string
  /**
   * What the backend knows (the caller's seat, the room, today's quota, a replaced
   * session_key): names the causes only the ledger can tell apart
   * (`SESSION_KEY_REPLACED`, `SEATED_ELSEWHERE`, a `ROOM_FULL` the ledger did not
   * count). An unknown field or a wrong type throws `InvalidContext`.
   */
  context?: ExplainContext | null
}

/**
 * The room ledger (docs/ROOMS.md): WeChat's room rules — at most 10 people in a
 * room, at most 100,000 rooms opened a day per appId, a room emptied is gone —
 * enforced before a join ticket is issued, with named errors. Make one per
 * process with {@link Ledger.memory} (one process) or {@link Ledger.redis} (one
 * Redis shared by every backend instance) and share it.
 *
 * Every method returns a Promise, the same for both stores, and never throws: a
 * bad value rejects with an {@link InputError} (appId, groupId, memberId, … in
 * the order of docs/ROOMS.md), a refusal (a full room, the day's limit, a member's
 * day of openings, no seat)
 * with a {@link RefusalError}, an unreachable Redis with an {@link OutageError}
 * (as `onUnavailable` says), a closed ledger with `LedgerClosed`; a mistyped
 * property with a `TypeError`
 * (`ERR_INVALID_ARG_TYPE`), a `nowMs` or `day` that is not a safe integer with a
 * `RangeError` (`ERR_OUT_OF_RANGE`). A `limit` of {@link Ledger.rooms} is a page
 * size, a value the core checks: a fraction or one out of 1–1000 is an
 * {@link InputError} (`INVALID_LIMIT`).
 *
 * Every method takes `nowMs`: an explicit time, unix milliseconds, for tests and
 * replays; absent, the process clock.
 */
export declare class Ledger {
  private constructor()
  /**
   * A ledger over an in-process store: thread-safe, bounded (rooms empty for two
   * days and day counts older than yesterday are forgotten). For one-process
   * servers and tests. The options go to the core as given: absent, `undefined`
   * or `null` is the default.
   *
   * @throws {InputError} for an unknown option (`unknown option
   * capcity (did you mean capacity?)`), a Redis option, a wrong type or a value
   * out of range, checked in the order of {@link LedgerOptions}, named as here.
   * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if `options` is not an object.
   */
  static memory(options?: LedgerOptions): Ledger
  /**
   * A ledger over a Redis server (≥ 6.2) or a Redis Cluster shared by every
   * backend instance: each call is one server-side script (atomic against every
   * other instance) run on libuv's thread pool, never on the JavaScript thread;
   * without `nowMs` the server's clock counts. Nothing is connected here: an
   * unreachable server is found by the first call, which then follows
   * `onUnavailable` (`admit` degraded, or refused with an {@link OutageError}) within the
   * timeouts; the same ledger works again once the server is back.
   *
   * @param url `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS),
   * `redis+cluster://[user:password@]host:port[,host:port…]` or
   * `rediss+cluster://…`. It is never shown: not in an error, not by
   * `util.inspect(ledger)` (which shows the hosts).
   * @throws {InputError} if the URL is malformed (checked first; the message
   * does not repeat it), then for an option, as {@link Ledger.memory}.
   * @throws {TypeError} `ERR_INVALID_ARG_TYPE` if `url` is not a string or
   * `options` not an object.
   */
  static redis(url: string, options?: RedisLedgerOptions): Ledger
  /** The rules in force, every default filled in (frozen). */
  readonly rules: Readonly<Limits>
  /**
   * Seat `memberId` (the user's openid) in the room (appId, groupId), opening it
   * when it is not live (charged to today's openings). A member already seated is
   * renewed: never refused, never charged (a retry after a lost reply is safe).
   * Rejects with a {@link RefusalError} when every seat is taken by others
   * (`ROOM_FULL`), when opening the room would exceed today's limit
   * (`DAILY_ROOM_LIMIT`), or when the member has already opened
   * `memberDailyOpenings` rooms today (`MEMBER_DAILY_LIMIT`: joining a live room
   * is never refused by it), in that order.
   */
  admit(params: SeatParams): Promise<Admission>
  /**
   * Admit, then issue the join ticket the phone passes to `wx.joinVoIPChat` (as
   * {@link issue} makes it). Every input is checked before anything is written: a
   * bad session_key takes no seat. With `nowMs` the ticket's timeStamp is
   * `Math.floor(nowMs / 1000)`.
   */
  admitAndIssue(params: AdmitAndIssueParams): Promise<AdmissionAndTicket>
  /**
   * Refresh the member's lease (phones report every 15 s while in the call): the
   * new lease expiry, unix ms. Rejects with a {@link RefusalError} when the member holds
   * no live seat: admit it again.
   */
  heartbeat(params: SeatParams): Promise<number>
  /**
   * Remove the member's seat (on `wx.exitVoIPChat`): whether there was a live
   * one. When the last seat goes, the room is gone: the next admission opens a
   * new one (and is charged).
   */
  leave(params: SeatParams): Promise<boolean>
  /**
   * Reconcile with the members a phone reported (`openIdList` of
   * `wx.onVoIPChatMembersChanged`): listed seats get a fresh lease, listed
   * members without one are adopted (never refused, never charged), seats of
   * unlisted members older than `syncGraceMs` are removed. The room after.
   * Rejects with an {@link InputError} (`openIds[2]: …`) and changes nothing if an
   * id is malformed.
   */
  sync(params: SyncParams): Promise<Room>
  /** The room's live seats (sorted by member id), generation and liveness; changes nothing. */
  room(params: RoomParams): Promise<Room>
  /**
   * The day counters of `appId` on `day` (default: the day of `nowMs`): `openings`
   * (the quota: rooms opened), `admissions`, `renewals`, the refusals by cause
   * (`refusedRoomFull`, `refusedDailyLimit`, `refusedMemberLimit`,
   * `heartbeatsRefused`), `leaves`, `adoptedBySync`, `removedBySync`, `expired`
   * (seats that ended by lease expiry), `peakSeats`, `dailyRoomLimit`; and, for
   * the call's own day, `liveRooms` and `liveSeats` at the call's time (`null`
   * for another day).
   */
  usage(params: UsageParams): Promise<Usage>
  /**
   * One page of `appId`'s live rooms in groupId byte order: at most `limit`
   * (1–1000, default 100) rooms whose groupId comes after `after` (absent or
   * `null`: from the first), each with its live `seats`, `capacity`,
   * `generation` and `openedAt`. Pass the page's `next` as `after` for the next
   * page; it is `null` on the last one. Changes nothing.
   *
   * Rejects with an {@link InputError} for the appId, then `limit`
   * (`INVALID_LIMIT`: a fraction, or out of 1–1000), then `after`
   * (`INVALID_GROUP_ID`, naming `after`), in that order.
   *
   * @example
   * ```js
   * for (let after = null; ; ) {
   *   const page = await ledger.rooms({ appId, after })
   *   for (const r of page.rooms) console.log(r.groupId, r.seats, new Date(r.openedAt))
   *   if ((after = page.next) === null) break
   * }
   * ```
   */
  rooms(params: RoomsParams): Promise<RoomPage>
  /**
   * Close the ledger: every later call rejects with `LedgerClosed` (an
   * {@link InputError}); calls in flight settle, and a Redis ledger's connections
   * close once they have. Closing again does nothing; `rules` stays readable.
   */
  close(): Promise<void>
  /** `await using ledger = Ledger.redis(...)`: {@link Ledger.close}. */
  [Symbol.asyncDispose](): Promise<void>
  /** `using ledger = Ledger.memory(...)`: closes it at once. */
  [Symbol.dispose](): void
}

/** A member in a room: the arguments of {@link Ledger.admit}, `heartbeat` and `leave`. */
export interface SeatParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** The user's openid: 1–128 bytes of printable ASCII. */
  memberId: string
  /** An explicit time, unix ms (an integer Number); absent: now. */
  nowMs?: number
}

/** The arguments of {@link Ledger.admitAndIssue}. */
export interface AdmitAndIssueParams extends SeatParams {
  /** The user's session_key exactly as code2Session returned it. */
  sessionKey: string
  /** `"voice"` (the default) or `"video"`. */
  roomType?: RoomType
}

/** The arguments of {@link Ledger.sync}. */
export interface SyncParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** The members WeChat reports in the room (`openIdList`); duplicates are ignored. */
  openIds: readonly string[]
  /** An explicit time, unix ms; absent: now. */
  nowMs?: number
}

/** The arguments of {@link Ledger.room}. */
export interface RoomParams {
  /** The mini program's appId. */
  appId: string
  /** The room. */
  groupId: string
  /** An explicit time, unix ms; absent: now. */
  nowMs?: number
}

/** The arguments of {@link Ledger.usage}. */
export interface UsageParams {
  /** The mini program's appId. */
  appId: string
  /** Days since 1970-01-01 in the rules' UTC offset; absent: the day of `nowMs`. */
  day?: number
  /** An explicit time, unix ms; absent: now. */
  nowMs?: number
}

/** The arguments of {@link Ledger.rooms}. */
export interface RoomsParams {
  /** The mini program's appId. */
  appId: string
  /** Rooms per page, 1–1000 (a whole Number); absent: 100. */
  limit?: number
  /** The `next` of the previous page: the rooms after this groupId; absent or `null`: the first page. */
  after?: string | null
  /** An explicit time, unix ms; absent: now. */
  nowMs?: number
}
