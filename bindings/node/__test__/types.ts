// Type-checked by `tsc -p __test__/tsconfig.json` (typescript.test.js): the
// public API as a TypeScript user writes it. Lines marked @ts-expect-error must
// fail to compile, so the types are not `any`.
import {
  sign,
  verify,
  canonical,
  issue,
  signMany,
  sessionSignature,
  diagnose,
  explain,
  VoipSignError,
  Ledger,
  type Admission,
  type AdmissionAndTicket,
  type Cause,
  type ExplainContext,
  type DiagnoseParams,
  type Diagnosis,
  type ErrorCode,
  type Explanation,
  type JoinTicket,
  type LedgerRules,
  type LedgerOptions,
  type ErrorKind,
  type CodeInfo,
  InputError,
  RefusalError,
  OutageError,
  RoomFull,
  InvalidRules,
  LedgerClosed,
  LedgerUnavailable,
  codes,
  errorOf,
  type RedisLedgerOptions,
  type Limits,
  type Mistake,
  type OnUnavailable,
  type Room,
  type RoomPage,
  type RoomSummary,
  type RoomsParams,
  MemberDailyLimit,
  InvalidLimit,
  type Seat,
  type SeatParams,
  type Usage,
  type RoomType,
  type SignParams,
  type Verdict,
} from '..'

const params: SignParams = {
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
}

const signature: string = sign(params)
const ok: boolean = verify({ ...params, signature })
const text: string = canonical({ ...params, timeStamp: 1559129714n })
const many: string[] = signMany({ ...params, sessionKeys: [params.sessionKey] as const })
const check: string = sessionSignature(params.sessionKey)
const checkBody: string = sessionSignature(params.sessionKey, Buffer.from('{}'))

// What an HTTP handler returns to the mini program.
function joinTicket(sessionKey: string, groupId: string): JoinTicket {
  return issue({ appId: params.appId, groupId, sessionKey, roomType: 'video' })
}
const ticket = joinTicket(params.sessionKey, 'room-42')
const roomType: RoomType = ticket.roomType
const literal: 'voice' | 'video' = roomType
const seconds: number = ticket.timeStamp

function codeOf(err: unknown): ErrorCode | undefined {
  if (err instanceof VoipSignError) {
    const code: ErrorCode = err.code
    const message: string = err.message
    void message
    return code
  }
  return undefined
}
const e = new VoipSignError('INVALID_NONCE', 'nonceStr is empty')
codeOf(e)

// @ts-expect-error timeStamp is a number, not a string
sign({ ...params, timeStamp: '1559129714' })
// @ts-expect-error groupId is a string
sign({ ...params, groupId: 42 })
// @ts-expect-error sessionKeys is an array of strings
signMany({ ...params, sessionKeys: [params.sessionKey, 42] })
// @ts-expect-error sessionKey is required
sign({ appId: 'a', groupId: 'g', nonceStr: 'n', timeStamp: 1 })
// @ts-expect-error roomType is 'voice' or 'video'
issue({ appId: 'a', groupId: 'g', sessionKey: 'k', roomType: 'audio' })
// @ts-expect-error verify needs the signature
verify(params)
// @ts-expect-error not an error code
const bad: ErrorCode = 'INVALID_THING'
// @ts-expect-error body is a string or bytes
sessionSignature('k', 42)

// diagnose: what a server logs when WeChat rejects a signature.
const rejected: DiagnoseParams = { ...params, timeStamp: 1559129714000, signature: signature.toUpperCase() }
const diagnosis: Diagnosis = diagnose({ ...rejected, otherSessionKeys: ['o0q0otL8aEzpcZL/FT9WsQ=='] as const })
const verdict: Verdict = diagnosis.verdict
const mistakes: Mistake[] = diagnose(rejected).mistakes
const fix: string = `${diagnosis.message} ${diagnosis.expected} ${diagnosis.canonical}`
if (verdict === 'MISTAKE_FOUND' && mistakes.includes('UPPERCASE_HEX')) void fix

// explain: the object wx.joinVoIPChat's fail callback received.
const explanation: Explanation = explain({ errCode: -1000, errMsg: 'joinVoIPChat:fail invalid signature' })
const cause: Cause = explain({ errCode: -1 }).cause
// explain with what the backend knows (ExplainContext: every field optional).
const context: ExplainContext = { groupId: 'room-2', seatedElsewhere: 'room-1', roomSeats: 3, keyReplaced: null }
const elsewhere: Cause = explain({ errCode: -1, context }).cause
explain({ errCode: -1, context: null })
// @ts-expect-error keyReplaced is a boolean
explain({ errCode: -1, context: { keyReplaced: 'yes' } })
// @ts-expect-error not a field of the context (snake_case is not Node's spelling)
explain({ errCode: -1, context: { key_replaced: true } })
const advice: string = `${explanation.meaning} ${explanation.action}`

// The unions are exactly the codes of the core (an extra or a missing key fails).
const VERDICTS: Record<Verdict, true> = { CORRECT: true, MISTAKE_FOUND: true, UNKNOWN: true }
const MISTAKES: Record<Mistake, true> = {
  NOT_SORTED: true,
  COMMA_JOINED: true,
  KEY_BASE64_DECODED: true,
  KEY_MESSAGE_SWAPPED: true,
  KEY_WHITESPACE: true,
  TIMESTAMP_MILLISECONDS: true,
  UPPERCASE_HEX: true,
  BASE64_DIGEST: true,
  PLAIN_SHA256: true,
  STALE_SESSION_KEY: true,
}
const CAUSES: Record<Cause, true> = {
  ALREADY_IN_ROOM: true,
  DEVICE_BUSY: true,
  JOIN_INTERRUPTED: true,
  SYSTEM_ERROR: true,
  INVALID_SIGNATURE: true,
  DAILY_ROOM_LIMIT: true,
  UNKNOWN: true,
  VOIP_NOT_ENABLED: true,
  SESSION_KEY_REPLACED: true,
  SEATED_ELSEWHERE: true,
  ROOM_FULL: true,
}

// @ts-expect-error diagnose needs the rejected signature
diagnose(params)
// @ts-expect-error otherSessionKeys is an array of strings
diagnose({ ...rejected, otherSessionKeys: 'o0q0otL8aEzpcZL/FT9WsQ==' })
// @ts-expect-error not a verdict
const badVerdict: Verdict = 'WRONG'
// @ts-expect-error not a mistake
const badMistake: Mistake = 'LOWERCASE_HEX'
// @ts-expect-error errCode is a number
explain({ errCode: '-1000' })
// @ts-expect-error errCode is required
explain({ errMsg: 'joinVoIPChat:fail' })
// @ts-expect-error not a cause
const badCause: Cause = 'TIMEOUT'

void [ok, text, many, check, checkBody, roomType, literal, seconds, bad]
void [cause, elsewhere, advice, VERDICTS, MISTAKES, CAUSES, badVerdict, badMistake, badCause]

// The room ledger: an Express-style handler, every method a Promise.
const rules: LedgerRules = { capacity: 4, dailyRoomLimit: 1000, onUnavailable: 'refuse' }
const ledger: Ledger = Ledger.memory(rules)
const inForce: Readonly<Limits> = ledger.rules
const policy: OnUnavailable = inForce.onUnavailable
async function join(openid: string, sessionKey: string, groupId: string): Promise<JoinTicket | ErrorCode> {
  try {
    const { admission, ticket }: AdmissionAndTicket = await ledger.admitAndIssue({
      appId: params.appId,
      groupId,
      memberId: openid,
      sessionKey,
      roomType: 'video',
    })
    const warn: boolean = admission.quotaWarning
    void warn
    return ticket
  } catch (err) {
    if (err instanceof VoipSignError && (err.code === 'ROOM_FULL' || err.code === 'DAILY_ROOM_LIMIT')) return err.code
    throw err
  }
}
async function inTheCall(seat: SeatParams, openIds: string[]): Promise<void> {
  const admission: Admission = await ledger.admit({ ...seat, nowMs: Date.now() })
  const lease: number = await ledger.heartbeat(seat)
  const removed: boolean = await ledger.leave(seat)
  const room: Room = await ledger.sync({ appId: seat.appId, groupId: seat.groupId, openIds })
  const seats: Seat[] = (await ledger.room({ appId: seat.appId, groupId: seat.groupId })).members
  const usage: Usage = await ledger.usage({ appId: seat.appId, day: 19875 })
  const counts: number[] = [admission.generation, admission.roomsToday, lease, room.generation, usage.openings, seats.length]
  const refusals: number = usage.refusedRoomFull + usage.refusedDailyLimit + usage.refusedMemberLimit + usage.heartbeatsRefused
  const ghosts: number = usage.expired - usage.leaves + usage.adoptedBySync - usage.removedBySync + usage.admissions + usage.renewals
  const live: number | null = usage.liveRooms ?? usage.liveSeats
  const peak: number = usage.peakSeats
  void [removed, counts, refusals, ghosts, live, peak]
}
// An operator's listing: every page of live rooms, the cursor passed back as it is.
async function liveRooms(appId: string): Promise<RoomSummary[]> {
  const all: RoomSummary[] = []
  let after: string | null = null
  do {
    const page: RoomPage = await ledger.rooms({ appId, limit: 500, after })
    for (const r of page.rooms) {
      const fields: [string, number, number, number, number] = [r.groupId, r.seats, r.capacity, r.generation, r.openedAt]
      void fields
      all.push(r)
    }
    after = page.next
  } while (after !== null)
  const first: Promise<RoomPage> = ledger.rooms({ appId })
  const args: RoomsParams = { appId, after: 'room-42', nowMs: Date.now() }
  void [first, args, await ledger.rooms(args)]
  return all
}
async function quota(seat: SeatParams): Promise<'join a live room' | Admission> {
  try {
    return await ledger.admit(seat)
  } catch (err) {
    if (err instanceof MemberDailyLimit) {
      const code: 'MEMBER_DAILY_LIMIT' = err.code
      const refusal: RefusalError = err
      void [code, refusal]
      return 'join a live room'
    }
    if (err instanceof InvalidLimit) {
      const input: InputError = err
      void input
    }
    throw err
  }
}
const memberRule: number = inForce.memberDailyOpenings
void [join, inTheCall, policy, liveRooms, quota, memberRule]

// @ts-expect-error no public constructor: Ledger.memory
new Ledger()
// @ts-expect-error capacity is a number
Ledger.memory({ capacity: '10' })
// @ts-expect-error not a rule
Ledger.memory({ capcity: 10 })
// @ts-expect-error onUnavailable is 'allow' or 'refuse'
Ledger.memory({ onUnavailable: 'maybe' })
// @ts-expect-error memberId is required
ledger.admit({ appId: 'a', groupId: 'g' })
// @ts-expect-error openIds is an array of strings
ledger.sync({ appId: 'a', groupId: 'g', openIds: 'a' })
// @ts-expect-error nowMs is a number (milliseconds)
ledger.room({ appId: 'a', groupId: 'g', nowMs: new Date() })
// @ts-expect-error the methods return Promises
const notAwaited: Admission = ledger.admit({ appId: 'a', groupId: 'g', memberId: 'm' })
// @ts-expect-error rules are read-only
ledger.rules.capacity = 3
async function roomsMisuse(): Promise<void> {
  // @ts-expect-error appId is required
  await ledger.rooms({ limit: 10 })
  // @ts-expect-error limit is a number
  await ledger.rooms({ appId: 'a', limit: '10' })
  // @ts-expect-error after is a groupId (a string)
  await ledger.rooms({ appId: 'a', after: 42 })
  // @ts-expect-error rooms() resolves to a RoomPage
  const notAPage: RoomSummary[] = await ledger.rooms({ appId: 'a' })
  // @ts-expect-error next is a string or null
  const notNext: string = (await ledger.rooms({ appId: 'a' })).next
  // @ts-expect-error liveRooms may be null (another day)
  const notLive: number = (await ledger.usage({ appId: 'a' })).liveRooms
  // @ts-expect-error usage has no "rooms" any more: it is "openings"
  const renamed: number = (await ledger.usage({ appId: 'a' })).rooms
  // @ts-expect-error a member past its openings is refused, not an input error
  const notInputError: InputError = new MemberDailyLimit()
  void [notAPage, notNext, notLive, renamed, notInputError]
}
void roomsMisuse
Ledger.memory({ memberDailyOpenings: 0 })
// @ts-expect-error memberDailyOpenings is a number
Ledger.memory({ memberDailyOpenings: '100' })
const ledgerCodes: ErrorCode[] = ['ROOM_FULL', 'DAILY_ROOM_LIMIT', 'MEMBER_DAILY_LIMIT', 'NOT_ADMITTED', 'INVALID_MEMBER_ID', 'INVALID_RULES', 'INVALID_LIMIT', 'LEDGER_UNAVAILABLE']
void [notAwaited, ledgerCodes]

// The Redis store: the same Ledger, the same methods and Promises.
const redisOptions: RedisLedgerOptions = { ...rules, connectTimeoutMs: 250, commandTimeoutMs: 250, keyPrefix: 'staging' }
const shared: Ledger = Ledger.redis('redis://:password@10.0.0.5:6379/0', redisOptions)
async function joinShared(seat: SeatParams): Promise<Admission | 'busy'> {
  try {
    return await shared.admit(seat)
  } catch (err) {
    if (err instanceof VoipSignError && err.code === 'LEDGER_UNAVAILABLE') return 'busy'
    throw err
  }
}
const cluster: Ledger = Ledger.redis('redis+cluster://10.0.0.1:7000,10.0.0.2:7000')
const sameApi: Promise<Room> = cluster.room({ appId: 'a', groupId: 'g' })
const urlCode: ErrorCode = 'INVALID_REDIS_URL'
void [joinShared, sameApi, urlCode]

// @ts-expect-error the URL is a string
Ledger.redis(new URL('redis://127.0.0.1:6379'))
// @ts-expect-error the URL is required
Ledger.redis()
// @ts-expect-error keyPrefix is a string
Ledger.redis('redis://127.0.0.1:6379', { keyPrefix: 7 })
// @ts-expect-error not an option
Ledger.redis('redis://127.0.0.1:6379', { timeoutMs: 100 })
// @ts-expect-error Ledger.memory takes no connection option
Ledger.memory({ keyPrefix: 'x' })

// The error classes (lib/codes.d.ts, generated): kinds, codes, narrowing.
function handle(err: unknown): string {
  if (err instanceof RoomFull) {
    const code: 'ROOM_FULL' = err.code
    return code
  }
  if (err instanceof RefusalError) {
    const kind: 'refusal' = err.kind
    return kind
  }
  if (err instanceof InputError) {
    const kind: 'input' = err.kind
    // @ts-expect-error an input error's kind is 'input'
    const wrong: 'outage' = err.kind
    void wrong
    return kind
  }
  if (err instanceof OutageError || err instanceof LedgerUnavailable) return 'retry later'
  if (err instanceof VoipSignError) {
    const kind: ErrorKind = err.kind
    return `${err.code} ${kind}`
  }
  return 'unknown'
}
const full: RefusalError = new RoomFull()
const closedError: InputError = new LedgerClosed('the ledger is closed')
const rulesError: VoipSignError = new InvalidRules()
const info: CodeInfo = codes.LEDGER_CLOSED
const kindOf: ErrorKind = codes.ROOM_FULL.kind
const rebuilt: VoipSignError = errorOf('SEAT_QUOTA_EXCEEDED', 'refusal', 'from a newer core')
const closedCode: ErrorCode = 'LEDGER_CLOSED'
// @ts-expect-error C-only codes are not Node's
const cOnly: ErrorCode = 'BUFFER_TOO_SMALL'
// @ts-expect-error RoomFull is not an input error
const notInput: InputError = new RoomFull()
void [handle, full, closedError, rulesError, info, kindOf, rebuilt, closedCode, cOnly, notInput]

// Options (lib/types.d.ts, generated) and the lifecycle.
const options: LedgerOptions = { capacity: 4, dailyRoomLimit: 1000, dailyRoomWarning: 900, syncGraceMs: 0, onUnavailable: 'allow' }
const alias: LedgerRules = options
async function lifecycle(): Promise<void> {
  const owned = Ledger.memory(options)
  try {
    await owned.admit({ appId: 'a', groupId: 'g', memberId: 'm' })
  } finally {
    const closed: Promise<void> = owned.close()
    await closed
  }
  const disposable: AsyncDisposable = Ledger.redis('redis://127.0.0.1:6379', { keyPrefix: 'x' })
  await disposable[Symbol.asyncDispose]()
  const sync: Disposable = Ledger.memory()
  sync[Symbol.dispose]()
}
void [alias, lifecycle]
// @ts-expect-error dayOffsetMinutes is a number
Ledger.memory({ dayOffsetMinutes: '480' })
