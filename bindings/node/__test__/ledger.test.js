// The Ledger's JavaScript surface beyond the vectors (rooms.test.js): concurrent
// calls never seat more than the capacity, worker threads with their own
// ledgers, the order of several bad inputs, type errors, bad rules, Promises
// that reject rather than throw, errors whose stack reaches the caller.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const util = require('node:util')
const v8 = require('node:v8')
const vm = require('node:vm')
const { Worker } = require('node:worker_threads')
const api = require('..')
const { rooms, runScenario } = require('./helpers/rooms.js')

const { Ledger, VoipSignError, verify } = api
const APP = 'wx20afc706a711eefc'
const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ=='
const T = 1717214400000 // 2024-06-01 12:00 +08:00
const room = { appId: APP, groupId: 'room-1' }

/** Assert that `promise` rejects with a VoipSignError of this code (and message). */
async function rejectsCode(promise, code, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof VoipSignError, util.inspect(err))
    assert.equal(err.code, code, err.message)
    if (message instanceof RegExp) assert.match(err.message, message)
    return true
  })
}

/** Assert that `fn()` returns a Promise (it does not throw) rejected with `kind` of this code and message. */
async function rejectsNode(fn, kind, code, message) {
  let promise
  assert.doesNotThrow(() => (promise = fn()), 'a Ledger method never throws')
  assert.ok(promise instanceof Promise)
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof kind && !(err instanceof VoipSignError), util.inspect(err))
    assert.equal(err.code, code)
    assert.equal(err.message, message)
    return true
  })
}

test('many admissions at once into one room never seat more than its capacity', async () => {
  for (const capacity of [1, 3, 10]) {
    const ledger = Ledger.memory({ capacity })
    const settled = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => ledger.admit({ ...room, memberId: `m${i}`, nowMs: T + (i % 7) })),
    )
    const seated = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)
    const refused = settled.filter((s) => s.status === 'rejected').map((s) => s.reason)
    assert.equal(seated.length, capacity)
    assert.equal(refused.length, 100 - capacity)
    for (const err of refused) assert.ok(err instanceof VoipSignError && err.code === 'ROOM_FULL', util.inspect(err))
    assert.equal(seated.filter((a) => a.opened).length, 1, 'opened once')
    assert.deepEqual(seated.map((a) => a.members).sort((a, b) => a - b), Array.from({ length: capacity }, (_, i) => i + 1))
    assert.equal((await ledger.room({ ...room, nowMs: T + 10 })).members.length, capacity)
    assert.equal((await ledger.usage({ appId: APP, nowMs: T })).openings, 1)
  }
})

test('concurrent openings never exceed the daily limit; one member admitted 50 times at once is seated once', async () => {
  const ledger = Ledger.memory({ capacity: 3, dailyRoomLimit: 5 })
  const calls = []
  for (let r = 0; r < 20; r++) {
    for (let m = 0; m < 6; m++) calls.push(ledger.admit({ appId: APP, groupId: `g${r}`, memberId: `m${m}`, nowMs: T }))
  }
  const settled = await Promise.allSettled(calls)
  const opened = settled.filter((s) => s.status === 'fulfilled' && s.value.opened).length
  assert.equal(opened, 5)
  for (const s of settled) {
    if (s.status === 'rejected') assert.ok(['ROOM_FULL', 'DAILY_ROOM_LIMIT'].includes(s.reason.code), util.inspect(s.reason))
    else assert.ok(s.value.members <= 3 && s.value.roomsToday <= 5)
  }
  assert.equal((await ledger.usage({ appId: APP, nowMs: T })).openings, 5)
  let live = 0
  for (let r = 0; r < 20; r++) {
    const { members } = await ledger.room({ appId: APP, groupId: `g${r}`, nowMs: T })
    assert.ok(members.length <= 3)
    if (members.length > 0) live++
  }
  assert.equal(live, 5)

  const again = await Promise.all(Array.from({ length: 50 }, () => ledger.admit({ ...room, groupId: 'g0', memberId: 'm0', nowMs: T })))
  assert.equal(again.filter((a) => a.renewed).length, 50)
  assert.equal((await ledger.usage({ appId: APP, nowMs: T })).openings, 5, 'renewals are never charged')
})

test('worker threads, each with its own ledgers, get what this thread gets', async () => {
  const expected = []
  for (const scenario of rooms.scenarios) expected.push(await runScenario(api, scenario))
  const run = (worker) =>
    new Promise((resolve, reject) => {
      const w = new Worker(path.join(__dirname, 'helpers', 'rooms-worker.js'), { workerData: { worker, rounds: 2 } })
      w.once('message', resolve)
      w.once('error', reject)
      w.once('exit', (code) => code !== 0 && reject(new Error(`worker ${worker} exited with ${code}`)))
    })
  const reports = await Promise.all([0, 1, 2, 3].map(run))
  for (const r of reports) {
    assert.equal(r.outcomes, JSON.stringify([...expected, ...expected]), `worker ${r.worker}`)
    assert.deepEqual([r.seated, r.refused, r.members], [10, 30, 10])
  }
  // This thread's ledgers are unaffected by the workers' coming and going.
  const ledger = Ledger.memory()
  assert.equal((await ledger.admit({ ...room, memberId: 'main', nowMs: T })).opened, true)
})

test('several bad inputs: the first in the contract\'s order; state errors only after every input', async () => {
  const ledger = Ledger.memory({ capacity: 1 })
  await ledger.admit({ ...room, memberId: 'alice', nowMs: T })
  // appId, then groupId, then memberId; a full room comes last.
  await rejectsCode(ledger.admit({ appId: '', groupId: 'room-1', memberId: 'bad id', nowMs: T }), 'INVALID_APP_ID')
  await rejectsCode(ledger.admit({ appId: APP, groupId: '', memberId: 'bad id', nowMs: T }), 'INVALID_GROUP_ID')
  await rejectsCode(ledger.admit({ ...room, memberId: 'bad id', nowMs: T }), 'INVALID_MEMBER_ID', /^memberId contains a space/)
  await rejectsCode(ledger.admit({ ...room, memberId: 'bob', nowMs: T }), 'ROOM_FULL')
  await rejectsCode(ledger.heartbeat({ appId: '', groupId: 'room-1', memberId: 'x'.repeat(200), nowMs: T }), 'INVALID_APP_ID')
  await rejectsCode(ledger.heartbeat({ ...room, memberId: 'x'.repeat(200), nowMs: T }), 'INVALID_MEMBER_ID', /^memberId is 200 bytes/)
  await rejectsCode(ledger.heartbeat({ ...room, memberId: 'bob', nowMs: T }), 'NOT_ADMITTED')
  await rejectsCode(ledger.leave({ appId: 'wx\n', groupId: '', memberId: '', nowMs: T }), 'INVALID_APP_ID')
  await rejectsCode(ledger.sync({ appId: '', groupId: 'room-1', openIds: ['bad id'], nowMs: T }), 'INVALID_APP_ID')
  await rejectsCode(ledger.sync({ ...room, openIds: ['alice', 'bob', ''], nowMs: T }), 'INVALID_MEMBER_ID', /^openIds\[2\]: memberId is empty/)
  await rejectsCode(ledger.room({ appId: APP, groupId: 'a\u0001b', nowMs: T }), 'INVALID_GROUP_ID')
  await rejectsCode(ledger.usage({ appId: '', nowMs: T }), 'INVALID_APP_ID')
  // admitAndIssue: appId, groupId, the timeStamp of nowMs, sessionKey, memberId, roomType.
  const issue = { ...room, groupId: 'room-2', memberId: 'carol', sessionKey: KEY, nowMs: T }
  await rejectsCode(ledger.admitAndIssue({ ...issue, appId: '', sessionKey: 'bad', memberId: 'bad id' }), 'INVALID_APP_ID')
  await rejectsCode(ledger.admitAndIssue({ ...issue, nowMs: 999, sessionKey: 'bad' }), 'INVALID_TIMESTAMP')
  await rejectsCode(ledger.admitAndIssue({ ...issue, sessionKey: 'bad', memberId: 'bad id' }), 'INVALID_SESSION_KEY')
  await rejectsCode(ledger.admitAndIssue({ ...issue, memberId: 'bad id', roomType: 'Video' }), 'INVALID_MEMBER_ID')
  await rejectsCode(ledger.admitAndIssue({ ...issue, roomType: 'Video' }), 'INVALID_ROOM_TYPE', /^roomType "Video"/)
  // None of them took a seat.
  assert.deepEqual(await ledger.room({ ...room, groupId: 'room-2', nowMs: T }), { members: [], generation: 0, live: false })
  const { admission, ticket } = await ledger.admitAndIssue({ ...issue, roomType: 'video' })
  assert.equal(admission.opened, true)
  assert.equal(ticket.roomType, 'video')
  assert.equal(verify({ appId: APP, ...ticket, sessionKey: KEY }), true)
})

test('wrong JavaScript types reject with TypeError or RangeError, before any value is checked', async () => {
  const ledger = Ledger.memory()
  const seat = { ...room, memberId: 'alice' }
  const type = (name, expected, received) => `The "${name}" property must be ${expected}. Received ${received}`
  const range = (name, received) => `The value of "${name}" is out of range. It must be an integer. Received ${received}`
  for (const [fn, message] of [
    [() => ledger.admit(), 'The "params" argument of ledger.admit() must be an object like { appId, groupId, memberId, nowMs }. Received undefined'],
    [() => ledger.sync('room-1'), 'The "params" argument of ledger.sync() must be an object like { appId, groupId, openIds, nowMs }. Received string'],
    [() => ledger.admit({ ...seat, appId: '', memberId: 42 }), type('memberId', 'of type string', 'number')],
    [() => ledger.heartbeat({ ...seat, groupId: undefined }), type('groupId', 'of type string', 'undefined')],
    [() => ledger.leave({ ...seat, nowMs: '1717214400000' }), type('nowMs', 'of type number', 'string')],
    [() => ledger.leave({ ...seat, nowMs: null }), type('nowMs', 'of type number', 'null')],
    [() => ledger.admitAndIssue({ ...seat, sessionKey: null }), type('sessionKey', 'of type string', 'null')],
    [() => ledger.admitAndIssue({ ...seat, sessionKey: KEY, roomType: 1 }), type('roomType', 'of type string', 'number')],
    [() => ledger.sync({ ...room, openIds: new Set(['a']) }), type('openIds', 'an array of strings', 'object')],
    [() => ledger.sync({ ...room, openIds: ['a', 7] }), type('openIds[1]', 'of type string', 'number')],
    [() => ledger.usage({ appId: APP, day: '19875' }), type('day', 'of type number', 'string')],
    [() => ledger.usage({ appId: APP, day: 19875n }), type('day', 'of type number', 'bigint')],
    [() => ledger.rooms(), 'The "params" argument of ledger.rooms() must be an object like { appId, limit, after, nowMs }. Received undefined'],
    [() => ledger.rooms({ appId: 7 }), type('appId', 'of type string', 'number')],
    [() => ledger.rooms({ appId: '', limit: '10' }), type('limit', 'of type number', 'string')],
    [() => ledger.rooms({ appId: APP, limit: 10n }), type('limit', 'of type number', 'bigint')],
    [() => ledger.rooms({ appId: APP, limit: null }), type('limit', 'of type number', 'null')],
    [() => ledger.rooms({ appId: APP, after: 1 }), type('after', 'of type string', 'number')],
    [() => ledger.rooms({ appId: APP, after: ['g'] }), type('after', 'of type string', 'object')],
    [() => ledger.rooms({ appId: APP, nowMs: '1' }), type('nowMs', 'of type number', 'string')],
  ]) {
    await rejectsNode(fn, TypeError, 'ERR_INVALID_ARG_TYPE', message)
  }
  for (const [fn, message] of [
    [() => ledger.admit({ ...seat, nowMs: T + 0.5 }), range('nowMs', T + 0.5)],
    [() => ledger.admit({ ...seat, nowMs: NaN }), range('nowMs', 'NaN')],
    [() => ledger.room({ ...room, nowMs: Infinity }), range('nowMs', 'Infinity')],
    [() => ledger.usage({ appId: APP, day: 1.5 }), range('day', 1.5)],
    [() => ledger.rooms({ appId: APP, nowMs: 0.5 }), range('nowMs', 0.5)],
    [
      () => ledger.heartbeat({ ...seat, nowMs: 2 ** 53 }),
      'The value of "nowMs" is out of range. It must be >= -9007199254740991 && <= 9007199254740991. Received 9.007199254740992e15',
    ],
  ]) {
    await rejectsNode(fn, RangeError, 'ERR_OUT_OF_RANGE', message)
  }
  // A method called on something else than a Ledger.
  await assert.rejects(Ledger.prototype.admit.call({}, { ...seat }), TypeError)
  // Extra properties are ignored, as for sign(): a request body can be passed as is.
  assert.equal((await ledger.admit({ ...seat, nowMs: T, roomType: 'voice', extra: 1 })).opened, true)
})

test('Ledger.memory: options parsed by the core (ranges, types, unknown names, in camelCase); no public constructor', () => {
  const invalid = (options, message) =>
    assert.throws(() => Ledger.memory(options), (err) => {
      assert.ok(err instanceof api.InvalidRules && err instanceof api.InputError, util.inspect(err))
      assert.equal(err.code, 'INVALID_RULES')
      assert.equal(err.kind, 'input')
      assert.match(err.message, message)
      return true
    })
  // The options are named as in this API; checked in the core's order, whatever the object's.
  invalid({ capacity: 11 }, /^capacity is 11; it must be 1-10 /)
  invalid({ dailyRoomLimit: 0, onUnavailable: 'maybe' }, /^dailyRoomLimit is 0; it must be 1-100000 /)
  invalid({ dailyRoomLimit: 5, dailyRoomWarning: 6 }, /^dailyRoomWarning is 6; it must be 0-5 \(at most dailyRoomLimit\)$/)
  invalid({ dailyRoomWarning: 6, dailyRoomLimit: 5 }, /^dailyRoomWarning is 6; it must be 0-5 \(at most dailyRoomLimit\)$/)
  invalid({ reserveTtlMs: 999, capacity: 0 }, /^capacity is 0/)
  invalid({ syncGraceMs: -1 }, /^syncGraceMs is -1/)
  invalid({ dayOffsetMinutes: 841 }, /^dayOffsetMinutes is 841/)
  invalid({ memberDailyOpenings: -1 }, /^memberDailyOpenings is -1/)
  invalid({ memberDailyOpenings: 100_001 }, /^memberDailyOpenings is 100001/)
  invalid({ memberDailyOpenings: 1.5 }, /^memberDailyOpenings is 1\.5; it must be a whole number$/)
  invalid({ memberDailyOpenings: true }, /^memberDailyOpenings must be a number, not a boolean$/)
  invalid({ onUnavailable: 'Allow' }, /^onUnavailable \(5 bytes\) is not "allow" or "refuse"$/)
  invalid({ onUnavailable: '' }, /^onUnavailable/)
  // Wrong types: the core's INVALID_RULES too (no JavaScript-side check of its own).
  invalid({ capacity: '10' }, /^capacity must be a number, not a string$/)
  invalid({ onUnavailable: false }, /^onUnavailable must be a string, not a boolean$/)
  invalid({ capacity: [3] }, /^capacity must be a number, not a list or an object$/)
  invalid({ capacity: 2.5 }, /^capacity is 2\.5; it must be a whole number$/)
  invalid({ leaseTtlMs: NaN }, /^leaseTtlMs is NaN; it must be a whole number$/)
  // Unknown names, refused by the core, with what was meant, in camelCase.
  invalid({ capcity: 2 }, /^unknown option capcity; the options are capacity, dailyRoomLimit, dailyRoomWarning, memberDailyOpenings, reserveTtlMs, leaseTtlMs, syncGraceMs, dayOffsetMinutes, onUnavailable$/)
  invalid({ daily_room_limit: 5 }, /^unknown option daily_room_limit \(did you mean dailyRoomLimit\?\)/)
  invalid({ keyPrefix: 'x' }, /^keyPrefix applies to a Redis ledger only$/)
  // Only own enumerable properties are options: inherited ones are not read.
  assert.equal(Ledger.memory(Object.create({ capacity: 99 })).rules.capacity, 10)
  const typeError = (options, message) =>
    assert.throws(() => Ledger.memory(options), (err) => {
      assert.ok(err instanceof TypeError, util.inspect(err))
      assert.equal(err.code, 'ERR_INVALID_ARG_TYPE')
      assert.equal(err.message, message)
      return true
    })
  typeError(null, 'The "options" argument of Ledger.memory() must be an object like { capacity, dailyRoomLimit, ... }. Received null')
  typeError(10, 'The "options" argument of Ledger.memory() must be an object like { capacity, dailyRoomLimit, ... }. Received number')
  // undefined and null are the default; the rules in force are frozen.
  const dflt = Ledger.memory({ capacity: undefined, dailyRoomLimit: null })
  assert.deepEqual({ ...dflt.rules }, rooms.defaults)
  // undefined is the default; the rules in force are frozen.
  const ledger = Ledger.memory({ capacity: 2, dailyRoomLimit: 5.0, syncGraceMs: undefined, onUnavailable: 'refuse' })
  assert.deepEqual({ ...ledger.rules }, { ...rooms.defaults, capacity: 2, dailyRoomLimit: 5, dailyRoomWarning: 4, onUnavailable: 'refuse' })
  assert.ok(Object.isFrozen(ledger.rules))
  assert.match(util.inspect(ledger), /^Ledger\.memory\(\{ capacity: 2, dailyRoomLimit: 5, .* onUnavailable: 'refuse' \}\)$/)
  assert.equal(Object.prototype.toString.call(ledger), '[object Ledger]')
  assert.throws(() => new (/** @type {any} */ (Ledger))(), (err) => err instanceof TypeError && err.code === 'ERR_ILLEGAL_CONSTRUCTOR')
})

test('results are plain objects; errors carry the caller in their stack; the process clock by default', async () => {
  const ledger = Ledger.memory()
  const before = Date.now()
  const a = await ledger.admit({ ...room, memberId: 'alice' })
  assert.deepEqual(Object.keys(a), ['opened', 'renewed', 'members', 'generation', 'roomsToday', 'dailyRoomLimit', 'quotaWarning', 'leaseExpiresAt', 'degraded'])
  assert.ok(a.leaseExpiresAt >= before + 60_000 && a.leaseExpiresAt <= Date.now() + 60_000)
  const lease = await ledger.heartbeat({ ...room, memberId: 'alice' })
  assert.ok(lease >= a.leaseExpiresAt)
  const r = await ledger.room(room)
  assert.deepEqual(Object.keys(r), ['members', 'generation', 'live'])
  assert.deepEqual(Object.keys(r.members[0]), ['memberId', 'since', 'expires'])
  assert.equal(JSON.stringify(r), JSON.stringify({ members: [{ memberId: 'alice', since: r.members[0].since, expires: lease }], generation: 1, live: true }))
  const u = await ledger.usage({ appId: APP })
  assert.deepEqual(Object.keys(u), [
    'day', 'openings', 'admissions', 'renewals', 'refusedRoomFull', 'refusedDailyLimit', 'refusedMemberLimit',
    'heartbeatsRefused', 'leaves', 'adoptedBySync', 'removedBySync', 'expired', 'peakSeats', 'liveRooms', 'liveSeats', 'dailyRoomLimit',
  ])
  assert.deepEqual([u.openings, u.admissions, u.renewals, u.liveRooms, u.liveSeats], [1, 1, 0, 1, 1])
  const page = await ledger.rooms({ appId: APP })
  assert.deepEqual(Object.keys(page), ['rooms', 'next'])
  assert.deepEqual(Object.keys(page.rooms[0]), ['groupId', 'seats', 'capacity', 'generation', 'openedAt'])
  assert.deepEqual(page, { rooms: [{ groupId: 'room-1', seats: 1, capacity: 10, generation: 1, openedAt: r.members[0].since }], next: null })
  assert.equal(u.day, Math.floor((Date.now() + 480 * 60_000) / 86_400_000))
  assert.equal(await ledger.leave({ ...room, memberId: 'alice' }), true)
  assert.equal(await ledger.leave({ ...room, memberId: 'alice' }), false)
  try {
    await ledger.heartbeat({ ...room, memberId: 'alice' })
    assert.fail('no NOT_ADMITTED')
  } catch (err) {
    assert.ok(err instanceof VoipSignError)
    assert.equal(err.name, 'NotAdmitted')
    assert.ok(err instanceof api.RefusalError && !(err instanceof api.InputError))
    assert.equal(err.kind, 'refusal')
    assert.equal(err.code, 'NOT_ADMITTED')
    assert.match(err.message, /^memberId holds no live seat/)
    assert.match(err.stack, /ledger\.test\.js/)
  }
})

test('a ledger collected while its calls are in flight: they settle all the same', async () => {
  const calls = []
  for (let i = 0; i < 20; i++) {
    calls.push(Ledger.memory().admit({ ...room, memberId: `m${i}`, nowMs: T }))
  }
  v8.setFlagsFromString('--expose-gc')
  vm.runInNewContext('gc')() // the ledgers are garbage now: the calls hold the core's ledger
  const results = await Promise.all(calls)
  for (const a of results) assert.equal(a.opened, true)
})

test('close() and Symbol.asyncDispose: every later call rejects with LedgerClosed; calls in flight settle', async () => {
  const ledger = Ledger.memory()
  const seat = { ...room, memberId: 'alice', nowMs: T }
  const before = ledger.admit(seat)
  await ledger.close()
  assert.equal((await before).opened, true)
  for (const call of [
    () => ledger.admit(seat),
    () => ledger.admitAndIssue({ ...seat, sessionKey: KEY }),
    () => ledger.heartbeat(seat),
    () => ledger.leave(seat),
    () => ledger.sync({ ...room, openIds: [], nowMs: T }),
    () => ledger.room(room),
    () => ledger.usage({ appId: APP }),
    () => ledger.rooms({ appId: APP }),
  ]) {
    let promise
    assert.doesNotThrow(() => (promise = call()))
    await assert.rejects(promise, (err) => {
      assert.ok(err instanceof api.LedgerClosed && err instanceof api.InputError, util.inspect(err))
      assert.deepEqual([err.code, err.kind, err.message], ['LEDGER_CLOSED', 'input', 'the ledger is closed'])
      return true
    })
  }
  // Argument errors still come first; closing again does nothing; the rules stay readable.
  await assert.rejects(ledger.admit(), TypeError)
  await ledger.close()
  assert.equal(ledger.rules.capacity, 10)

  // await using (Symbol.asyncDispose) and using (Symbol.dispose) close it.
  assert.equal(typeof Ledger.prototype[Symbol.asyncDispose], 'function')
  const disposed = Ledger.memory()
  const result = disposed[Symbol.asyncDispose]()
  assert.ok(result instanceof Promise)
  await result
  await assert.rejects(disposed.room(room), (err) => err.code === 'LEDGER_CLOSED')
  const sync = Ledger.memory()
  assert.equal(sync[Symbol.dispose](), undefined)
  await assert.rejects(sync.room(room), (err) => err.code === 'LEDGER_CLOSED')
})

test('rooms(): pages of the live rooms in groupId byte order, each room once', async () => {
  const ledger = Ledger.memory()
  const groups = [...Array.from({ length: 250 }, (_, i) => `g${String(i).padStart(3, '0')}`), 'Z', 'é', 'a-b']
  for (const [i, groupId] of groups.entries()) await ledger.admit({ appId: APP, groupId, memberId: `m${i}`, nowMs: T + i })
  const seen = []
  let after
  let pages = 0
  for (;;) {
    const page = await ledger.rooms({ appId: APP, after, nowMs: T + 1000 })
    pages++
    assert.ok(page.rooms.length > 0 && page.rooms.length <= 100)
    seen.push(...page.rooms.map((r) => r.groupId))
    if (page.next === null) break
    assert.equal(page.next, page.rooms[page.rooms.length - 1].groupId)
    after = page.next
  }
  const bytes = (g) => Buffer.from(g, 'utf8')
  assert.deepEqual(seen, [...groups].sort((a, b) => Buffer.compare(bytes(a), bytes(b))))
  assert.equal(pages, 3)
  // after: null (the last page's next) is the first page, as absent.
  assert.deepEqual(await ledger.rooms({ appId: APP, after: null, nowMs: T + 1000 }), await ledger.rooms({ appId: APP, nowMs: T + 1000 }))
  const all = await ledger.rooms({ appId: APP, limit: 1000, nowMs: T + 1000 })
  assert.equal(all.next, null)
  for (const r of all.rooms) {
    assert.deepEqual([r.seats, r.capacity, r.generation, r.openedAt], [1, 10, 1, T + groups.indexOf(r.groupId)])
  }
  assert.deepEqual(await ledger.rooms({ appId: 'wxd930ea5d5a258f4f', nowMs: T }), { rooms: [], next: null })
  for (const [limit, n, next] of [[1, 1, '1'], [2, 2, '2'], [3, 3, null], [1000, 3, null], [2.0, 2, '2']]) {
    const small = Ledger.memory()
    for (const g of ['1', '2', '3']) await small.admit({ appId: APP, groupId: g, memberId: 'm', nowMs: T })
    const page = await small.rooms({ appId: APP, limit, nowMs: T })
    assert.deepEqual([page.rooms.length, page.next], [n, next], `limit ${limit}`)
  }
})

test('rooms(): a limit that is no page size is INVALID_LIMIT (core\'s, after the appId); then after', async () => {
  const ledger = Ledger.memory()
  const page = (limit) => `limit is ${limit}; it must be 1-1000 rooms per page`
  const whole = (shown) => `limit is ${shown}; it must be a whole number, 1-1000 rooms per page`
  for (const [limit, message] of [
    [0, page(0)], [-1, page(-1)], [1001, page(1001)], [2 ** 32, page(2 ** 32)], [-0, page(0)],
    [Number.MAX_SAFE_INTEGER, page(Number.MAX_SAFE_INTEGER)],
    [1.5, whole(1.5)], [0.5, whole(0.5)], [NaN, whole('NaN')], [Infinity, whole('Infinity')], [-Infinity, whole('-Infinity')],
    [2 ** 60, whole('1.152921504606847e18')],
  ]) {
    let promise
    assert.doesNotThrow(() => (promise = ledger.rooms({ appId: APP, limit, nowMs: T })))
    await assert.rejects(promise, (err) => {
      assert.ok(err instanceof api.InvalidLimit && err instanceof api.InputError && err instanceof VoipSignError, util.inspect(err))
      assert.ok(!(err instanceof api.RefusalError))
      assert.deepEqual([err.name, err.code, err.kind, err.message], ['InvalidLimit', 'INVALID_LIMIT', 'input', message], `limit ${limit}`)
      return true
    })
  }
  // The order: appId, limit, after.
  await rejectsCode(ledger.rooms({ appId: '', limit: 0, after: '' }), 'INVALID_APP_ID')
  await rejectsCode(ledger.rooms({ appId: APP, limit: 1.5, after: '' }), 'INVALID_LIMIT')
  await rejectsCode(ledger.rooms({ appId: APP, after: '' }), 'INVALID_GROUP_ID', /^after \(a groupId\) is empty/)
  await rejectsCode(ledger.rooms({ appId: APP, after: 'a\tb' }), 'INVALID_GROUP_ID', /^after /)
})

test('memberDailyOpenings: a member past it is refused new openings (MEMBER_DAILY_LIMIT, a refusal), never joins', async () => {
  const ledger = Ledger.memory({ memberDailyOpenings: 2 })
  assert.equal(ledger.rules.memberDailyOpenings, 2)
  assert.equal(Ledger.memory().rules.memberDailyOpenings, 100)
  const seat = (groupId, nowMs, memberId = 'alice') => ({ appId: APP, groupId, memberId, nowMs })
  assert.equal((await ledger.admit(seat('r1', T))).opened, true)
  assert.equal((await ledger.admit(seat('r2', T))).opened, true)
  await assert.rejects(ledger.admit(seat('r3', T + 1)), (err) => {
    assert.ok(err instanceof api.MemberDailyLimit && err instanceof api.RefusalError && err instanceof VoipSignError, util.inspect(err))
    assert.ok(!(err instanceof api.InputError) && !(err instanceof api.OutageError))
    assert.deepEqual([err.name, err.code, err.kind], ['MemberDailyLimit', 'MEMBER_DAILY_LIMIT', 'refusal'])
    assert.ok(err.message.length > 0)
    assert.match(err.stack, /ledger\.test\.js/)
    return true
  })
  assert.equal((await ledger.room({ appId: APP, groupId: 'r3', nowMs: T + 1 })).generation, 0, 'nothing opened')
  // Joining a live room opened by another member, and renewing a seat, are never refused.
  await ledger.admit(seat('theirs', T + 2, 'host'))
  assert.equal((await ledger.admit(seat('theirs', T + 3))).members, 2)
  assert.equal((await ledger.admit(seat('r1', T + 4))).renewed, true)
  await rejectsCode(ledger.admitAndIssue({ ...seat('r4', T + 5), sessionKey: KEY }), 'MEMBER_DAILY_LIMIT')
  const u = await ledger.usage({ appId: APP, nowMs: T + 5 })
  assert.deepEqual([u.openings, u.admissions, u.renewals, u.refusedMemberLimit], [3, 4, 1, 2])
  // Another member opens rooms; the next day (UTC+8) resets the count.
  assert.equal((await ledger.admit(seat('r5', T + 6, 'bob'))).opened, true)
  const midnight = (Math.floor((T + 480 * 60_000) / 86_400_000) + 1) * 86_400_000 - 480 * 60_000
  await rejectsCode(ledger.admit(seat('r6', midnight - 1)), 'MEMBER_DAILY_LIMIT')
  assert.equal((await ledger.admit(seat('r6', midnight))).opened, true)
  // 0: no limit.
  const free = Ledger.memory({ memberDailyOpenings: 0 })
  for (let i = 0; i < 150; i++) assert.equal((await free.admit(seat(`r${i}`, T))).opened, true)
  assert.equal((await free.usage({ appId: APP, nowMs: T })).refusedMemberLimit, 0)
})

test('usage(): every counter of the day, the live rooms and seats today, null for another day', async () => {
  const ledger = Ledger.memory({ capacity: 2, reserveTtlMs: 1000, leaseTtlMs: 1000 })
  await ledger.admit({ ...room, memberId: 'a', nowMs: T })
  await ledger.admit({ ...room, memberId: 'b', nowMs: T })
  await rejectsCode(ledger.admit({ ...room, memberId: 'c', nowMs: T }), 'ROOM_FULL')
  await rejectsCode(ledger.heartbeat({ ...room, memberId: 'c', nowMs: T }), 'NOT_ADMITTED')
  assert.equal(await ledger.leave({ ...room, memberId: 'b', nowMs: T }), true)
  await ledger.sync({ appId: APP, groupId: 'room-2', openIds: ['x', 'y'], nowMs: T })
  assert.deepStrictEqual(await ledger.usage({ appId: APP, nowMs: T }), {
    day: 19875, openings: 1, admissions: 2, renewals: 0, refusedRoomFull: 1, refusedDailyLimit: 0, refusedMemberLimit: 0,
    heartbeatsRefused: 1, leaves: 1, adoptedBySync: 2, removedBySync: 0, expired: 0, peakSeats: 3, liveRooms: 2, liveSeats: 3,
    dailyRoomLimit: 100000,
  })
  // The leases end: counted once, as expired, by usage itself.
  const later = await ledger.usage({ appId: APP, nowMs: T + 1000 })
  assert.deepEqual([later.expired, later.liveRooms, later.liveSeats, later.peakSeats], [3, 0, 0, 3])
  assert.equal((await ledger.usage({ appId: APP, nowMs: T + 2000 })).expired, 3)
  const other = await ledger.usage({ appId: APP, day: 19874, nowMs: T })
  assert.deepEqual([other.openings, other.liveRooms, other.liveSeats], [0, null, null])
})
