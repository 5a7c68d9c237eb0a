// Ledger.redis against real servers (helpers/redis.js; `make test` starts the
// shared ones of tests/redis/servers.sh and sets VOIPSIGN_REDIS_REQUIRED=1, else a
// test without its server is skipped with the reason): every scenario of
// tests/vectors/rooms.json on one server and on a Redis Cluster (a key prefix per
// scenario), the JavaScript thread never waiting on Redis (a setInterval ticks
// while calls wait on a stopped private server), a private server killed mid-run
// and restarted, and a password that never shows. The race of 4 processes is in
// redis-race.test.js. Factory and argument checks need no server (Ledger.redis
// connects lazily).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const v8 = require('node:v8')
const vm = require('node:vm')
const { performance } = require('node:perf_hooks')
const api = require('..')
const { rooms, runScenario, expectedOutcome } = require('./helpers/rooms.js')
const { server, need, uniquePrefix, PrivateServer, privateSkip } = require('./helpers/redis.js')

const { Ledger, VoipSignError, verify } = api
const APP = 'wx20afc706a711eefc'
const KEY = 'gDyVgzwa0mFz9uUP7M6GQQ=='
const T = 1717214400000

const SINGLE = server('VOIPSIGN_REDIS_URL')
const CLUSTER = server('VOIPSIGN_REDIS_CLUSTER_URL')
const PASSWORD = server('VOIPSIGN_REDIS_PASSWORD_URL')
const SENTINEL = server('VOIPSIGN_REDIS_SENTINEL_URL')

/** Assert that `promise` rejects with a VoipSignError of this code (and message). */
async function rejectsCode(promise, code, message) {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof VoipSignError, util.inspect(err))
    assert.equal(err.code, code, err.message)
    if (message instanceof RegExp) assert.match(err.message, message)
    return true
  })
}

/** Assert that `fn()` throws a VoipSignError of this code (and message). */
function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof VoipSignError, util.inspect(err))
    assert.equal(err.code, code, err.message)
    if (message instanceof RegExp) assert.match(err.message, message)
    return true
  })
}

/** Everything an error shows: message, stack, inspect (hidden properties too), JSON. */
function errorText(err) {
  return [
    String(err),
    err.message,
    err.stack,
    util.inspect(err),
    util.inspect(err, { showHidden: true, depth: Infinity }),
    JSON.stringify(err),
    JSON.stringify(Object.getOwnPropertyNames(err).map((k) => [k, String(err[k])])),
  ].join('\n')
}

/** A call's outcome and how long it took (ms): `{ value }` or `{ error }`, `ms`. */
async function timed(promise) {
  const t = performance.now()
  try {
    const value = await promise
    return { value, ms: performance.now() - t }
  } catch (error) {
    return { error, ms: performance.now() - t }
  }
}

test('Ledger.redis: defaults, rules and options, the URL checked first and never echoed, no I/O when made', () => {
  const started = performance.now()
  const ledger = Ledger.redis('redis://127.0.0.1:1')
  assert.ok(performance.now() - started < 100, 'nothing is connected by the factory')
  assert.deepEqual({ ...ledger.rules }, rooms.defaults)
  assert.ok(Object.isFrozen(ledger.rules))
  assert.equal(Object.prototype.toString.call(ledger), '[object Ledger]')
  assert.equal(
    util.inspect(ledger),
    "Ledger.redis('redis://127.0.0.1:1', { capacity: 10, dailyRoomLimit: 100000, dailyRoomWarning: 90000, memberDailyOpenings: 100, reserveTtlMs: 60000, " +
      "leaseTtlMs: 45000, syncGraceMs: 60000, dayOffsetMinutes: 480, onUnavailable: 'allow', connectTimeoutMs: 250, commandTimeoutMs: 250, keyPrefix: 'voipsign' })",
  )
  const custom = Ledger.redis('redis://:s3cret-pw@10.0.0.5:6380/2', { capacity: 4, onUnavailable: 'refuse', commandTimeoutMs: 80, keyPrefix: 'staging' })
  assert.deepEqual({ ...custom.rules }, { ...rooms.defaults, capacity: 4, onUnavailable: 'refuse' })
  assert.match(util.inspect(custom), /^Ledger\.redis\('redis:\/\/\*\*\*@10\.0\.0\.5:6380\/2', \{ capacity: 4, .* onUnavailable: 'refuse', connectTimeoutMs: 250, commandTimeoutMs: 80, keyPrefix: 'staging' \}\)$/)
  // Every URL form the core takes; the ledger shows the hosts, never the credentials.
  for (const [url, shown] of [
    ['redis://localhost', 'redis://localhost'],
    ['redis://user:s3cret-pw@cache.internal:6379', 'redis://***@cache.internal:6379'],
    ['rediss://:s3cret-pw@cache.example:6380', 'rediss://***@cache.example:6380'],
    ['redis+cluster://127.0.0.1:7000,127.0.0.1:7001', 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001'],
    ['rediss+cluster://u:s3cret-pw@10.0.0.1:7000/', 'rediss+cluster://***@10.0.0.1:7000'],
    ['redis://:p%40ss%2Fs3cret-pw@10.0.0.9:1', 'redis://***@10.0.0.9:1'],
    ['redis://:s3cret-pw@10.0.0.9:1?protocol=resp3', 'redis://***@10.0.0.9:1'],
    ['redis://u:s3cret@pw@10.0.0.9:1', 'redis://***@10.0.0.9:1'], // an unescaped '@' in the password
    ['redis://:s3cret:pw@10.0.0.9:1', 'redis://***@10.0.0.9:1'],
  ]) {
    const text = util.inspect(Ledger.redis(url, { keyPrefix: 'x' }), { showHidden: true, depth: Infinity })
    assert.ok(text.startsWith(`Ledger.redis('${shown}', {`), text)
    assert.ok(!text.includes('s3cret') && !text.includes('p%40ss') && !text.includes('p@ss'), text)
  }
  // Malformed URLs: INVALID_REDIS_URL, saying why, never repeating the URL.
  for (const url of [
    '',
    '127.0.0.1:6379',
    'http://:s3cret-pw@127.0.0.1',
    'redis://:s3cret-pw@',
    'redis://:s3cret-pw@a:1,b:2',
    'redis+cluster://:s3cret-pw@a:1,,b:2',
    'redis+cluster://:s3cret-pw@a:1/3',
    'redis://:s3cret-pw@127.0.0.1:notaport',
    // An unescaped '/', '?' or '#' in the password ends the authority: refused, not shown.
    'redis://:s3cret/pw@127.0.0.1:1',
    'redis://:s3cret?pw@127.0.0.1:1',
    'redis://:s3cret#pw@127.0.0.1:1',
    'redis+cluster://:s3cret/pw@127.0.0.1:1',
    'redis+sentinel://:s3cret-pw@127.0.0.1:1', // no master name
    'redis+sentinel://:s3cret-pw@127.0.0.1:1/m/x',
  ]) {
    assert.throws(
      () => Ledger.redis(url),
      (err) => {
        assert.ok(err instanceof VoipSignError, util.inspect(err))
        assert.equal(err.code, 'INVALID_REDIS_URL', url)
        assert.match(err.message, /^url .*\(the URL is not shown: it may carry a password\)$/)
        assert.ok(!errorText(err).includes('s3cret'), errorText(err))
        return true
      },
    )
  }
  // The order of the core: the URL, the rules' numbers, onUnavailable, then the options.
  const badUrl = 'nope:s3cret-pw'
  throwsCode(() => Ledger.redis(badUrl, { capacity: 11, onUnavailable: 'x', connectTimeoutMs: 0 }), 'INVALID_REDIS_URL')
  throwsCode(() => Ledger.redis('redis://h', { capacity: 11, onUnavailable: 'x', connectTimeoutMs: 0 }), 'INVALID_RULES', /^capacity is 11/)
  throwsCode(() => Ledger.redis('redis://h', { onUnavailable: 'x', connectTimeoutMs: 0 }), 'INVALID_RULES', /^onUnavailable/)
  throwsCode(() => Ledger.redis('redis://h', { dailyRoomLimit: 5, dailyRoomWarning: 6 }), 'INVALID_RULES', /^dailyRoomWarning is 6; it must be 0-5 \(at most dailyRoomLimit\)$/)
  // The options, named as in this API.
  throwsCode(() => Ledger.redis('redis://h', { connectTimeoutMs: 0 }), 'INVALID_RULES', /^connectTimeoutMs is 0; it must be 1-60000 ms$/)
  throwsCode(() => Ledger.redis('redis://h', { commandTimeoutMs: 60001 }), 'INVALID_RULES', /^commandTimeoutMs is 60001; it must be 1-60000 ms$/)
  throwsCode(() => Ledger.redis('redis://h', { keyPrefix: '' }), 'INVALID_RULES', /^keyPrefix is 0 bytes; it must be 1-64$/)
  throwsCode(() => Ledger.redis('redis://h', { keyPrefix: 'a{b}' }), 'INVALID_RULES', /^keyPrefix must not contain \{ or \}/)
  throwsCode(() => Ledger.redis('redis://h', { keyPrefix: 'has space' }), 'INVALID_RULES', /^keyPrefix must be printable ASCII/)
  // JavaScript types: TypeError / RangeError before any value is judged; never the value.
  const typeError = (fn, code, message) =>
    assert.throws(fn, (err) => {
      assert.ok(err instanceof TypeError || err instanceof RangeError, util.inspect(err))
      assert.equal(err.code, code)
      assert.equal(err.message, message)
      return true
    })
  typeError(() => Ledger.redis(), 'ERR_INVALID_ARG_TYPE', 'The "url" argument must be of type string. Received undefined')
  typeError(() => Ledger.redis(new URL('redis://:s3cret-pw@h:1')), 'ERR_INVALID_ARG_TYPE', 'The "url" argument must be of type string. Received object')
  typeError(() => Ledger.redis('nope', null), 'ERR_INVALID_ARG_TYPE', 'The "options" argument of Ledger.redis() must be an object like { capacity, dailyRoomLimit, ... }. Received null')
  // Wrong types and unknown names: the core's INVALID_RULES, in camelCase, after the URL.
  throwsCode(() => Ledger.redis('nope', { keyPrefix: 7 }), 'INVALID_REDIS_URL')
  throwsCode(() => Ledger.redis('redis://h', { keyPrefix: 7 }), 'INVALID_RULES', /^keyPrefix must be a string, not a number$/)
  throwsCode(() => Ledger.redis('redis://h', { connectTimeoutMs: '250' }), 'INVALID_RULES', /^connectTimeoutMs must be a number, not a string$/)
  throwsCode(() => Ledger.redis('redis://h', { commandTimeoutMs: 2.5 }), 'INVALID_RULES', /^commandTimeoutMs is 2\.5; it must be a whole number$/)
  throwsCode(() => Ledger.redis('redis://h', { capacity: '10' }), 'INVALID_RULES', /^capacity must be a number, not a string$/)
  throwsCode(
    () => Ledger.redis('redis://h', { timeoutMs: 100 }),
    'INVALID_RULES',
    /^unknown option timeoutMs; the options are capacity, dailyRoomLimit, dailyRoomWarning, memberDailyOpenings, reserveTtlMs, leaseTtlMs, syncGraceMs, dayOffsetMinutes, onUnavailable, connectTimeoutMs, commandTimeoutMs, minReplicaAcks, keyPrefix$/,
  )
  throwsCode(() => Ledger.redis('redis://h', { key_prefix: 'x' }), 'INVALID_RULES', /^unknown option key_prefix \(did you mean keyPrefix\?\)/)
  // Ledger.memory takes no connection option.
  throwsCode(() => Ledger.memory({ keyPrefix: 'x' }), 'INVALID_RULES', /^keyPrefix applies to a Redis ledger only$/)
})

test('Ledger.redis: input errors and explicit times beyond 2^52 ms reject before any I/O; methods never throw', async () => {
  // Nothing listens on port 1 and onUnavailable is refuse: an input error is
  // reported as such, not as LEDGER_UNAVAILABLE.
  const ledger = Ledger.redis('redis://127.0.0.1:1', { onUnavailable: 'refuse' })
  const seat = { appId: APP, groupId: 'g', memberId: 'alice' }
  await rejectsCode(ledger.admit({ ...seat, appId: '' }), 'INVALID_APP_ID')
  await rejectsCode(ledger.admit({ ...seat, memberId: 'bad id' }), 'INVALID_MEMBER_ID')
  await rejectsCode(ledger.sync({ ...seat, openIds: ['a', ''] }), 'INVALID_MEMBER_ID', /^openIds\[1\]/)
  await rejectsCode(ledger.admitAndIssue({ ...seat, sessionKey: 'bad' }), 'INVALID_SESSION_KEY')
  await rejectsCode(ledger.admitAndIssue({ ...seat, sessionKey: KEY, roomType: 'Video' }), 'INVALID_ROOM_TYPE')
  await rejectsCode(ledger.admit({ ...seat, nowMs: 2 ** 52 + 1 }), 'INVALID_TIMESTAMP', /2\^52 ms/)
  await rejectsCode(ledger.usage({ appId: APP, day: -(2 ** 52) - 1 }), 'INVALID_TIMESTAMP', /^day is/)
  await rejectsCode(ledger.rooms({ appId: '', limit: 0 }), 'INVALID_APP_ID')
  await rejectsCode(ledger.rooms({ appId: APP, limit: 0 }), 'INVALID_LIMIT', /^limit is 0;/)
  await rejectsCode(ledger.rooms({ appId: APP, limit: 2.5 }), 'INVALID_LIMIT', /^limit is 2\.5;/)
  await rejectsCode(ledger.rooms({ appId: APP, after: '' }), 'INVALID_GROUP_ID', /^after /)
  await rejectsCode(ledger.rooms({ appId: APP, nowMs: 2 ** 52 + 1 }), 'INVALID_TIMESTAMP', /2\^52 ms/)
  await rejectsCode(ledger.rooms({ appId: APP }), 'LEDGER_UNAVAILABLE')
  await rejectsCode(ledger.admit(seat), 'LEDGER_UNAVAILABLE', /^the Redis store at 127\.0\.0\.1:1 refused the connection/)
  for (const fn of [() => ledger.admit(), () => ledger.room({ appId: APP, groupId: 7 }), () => ledger.heartbeat({ ...seat, nowMs: 1.5 })]) {
    let promise
    assert.doesNotThrow(() => (promise = fn()))
    await assert.rejects(promise, (err) => (err instanceof TypeError || err instanceof RangeError) && !(err instanceof VoipSignError))
  }
})

test('Ledger.redis with a Sentinel URL: made without I/O; the first call rejects LEDGER_UNAVAILABLE naming the sentinels, not the password', async () => {
  const l = Ledger.redis('redis+sentinel://:s3cret-pw@127.0.0.1:1,127.0.0.1:2/vsmaster', { onUnavailable: 'refuse', minReplicaAcks: 1 })
  await assert.rejects(l.admit({ appId: 'wx20afc706a711eefc', groupId: 'g', memberId: 'm' }), (err) => {
    assert.equal(err.code, 'LEDGER_UNAVAILABLE')
    assert.ok(err.message.includes('127.0.0.1:1,127.0.0.1:2') && !err.message.includes('s3cret'), err.message)
    return true
  })
  assert.ok(!util.inspect(l).includes('s3cret'))
  await l.close()
  assert.throws(() => Ledger.redis('redis://127.0.0.1:1', { minReplicaAcks: 17 }), /minReplicaAcks/)
})

test('every scenario of rooms.json on one Redis server (explicit times, a key prefix per scenario)', { skip: SINGLE.skip }, async (t) => {
  await runTable(t, need(SINGLE))
})

test('every scenario of rooms.json on the Redis Cluster', { skip: CLUSTER.skip }, async (t) => {
  await runTable(t, need(CLUSTER))
})

test('every scenario of rooms.json through Redis Sentinel, each write acknowledged by both replicas', { skip: SENTINEL.skip }, async (t) => {
  // Patient: WAIT gets half the command timeout, on a machine shared with other suites.
  await runTable(t, need(SENTINEL), { minReplicaAcks: 2, commandTimeoutMs: 5000 })
})

async function runTable(t, url, options = {}) {
  let steps = 0
  for (const scenario of rooms.scenarios) {
    const open = (rules) => Ledger.redis(url, { ...rules, ...options, keyPrefix: uniquePrefix(scenario.name) })
    const outcome = await runScenario(api, scenario, open)
    assert.equal(outcome.rulesError, scenario.error, scenario.name)
    assert.equal(outcome.steps.length, scenario.steps.length, scenario.name)
    scenario.steps.forEach((step, i) => {
      const what = `${scenario.name}: step ${i} (${step.op} at ${step.nowMs})`
      assert.deepStrictEqual(outcome.steps[i], expectedOutcome(step), what)
      steps++
    })
  }
  assert.equal(steps, rooms.scenarios.reduce((n, s) => n + s.steps.length, 0))
  assert.ok(steps >= 319)
  t.diagnostic(`${rooms.scenarios.length} scenarios, ${steps} steps`)
}

test('two ledgers (two backend instances) share the rooms of one key prefix; another prefix is another ledger', { skip: SINGLE.skip }, async () => {
  const url = need(SINGLE)
  const prefix = uniquePrefix('shared')
  const a = Ledger.redis(url, { keyPrefix: prefix, capacity: 2 })
  const b = Ledger.redis(url, { keyPrefix: prefix, capacity: 2 })
  const other = Ledger.redis(url, { keyPrefix: uniquePrefix('other'), capacity: 2 })
  const room = { appId: APP, groupId: 'room-1' }
  assert.equal((await a.admit({ ...room, memberId: 'alice' })).opened, true)
  const bob = await b.admit({ ...room, memberId: 'bob' })
  assert.deepEqual([bob.opened, bob.members, bob.generation, bob.roomsToday], [false, 2, 1, 1])
  await rejectsCode(a.admit({ ...room, memberId: 'carol' }), 'ROOM_FULL')
  assert.equal((await other.admit({ ...room, memberId: 'carol' })).opened, true)
  // The server's clock: leases are counted from the server's TIME.
  const before = Date.now()
  const r = await b.room(room)
  assert.deepEqual(r.members.map((s) => s.memberId), ['alice', 'bob'])
  assert.deepEqual(Object.keys(r), ['members', 'generation', 'live'])
  assert.deepEqual(Object.keys(r.members[0]), ['memberId', 'since', 'expires'])
  assert.ok(Math.abs(r.members[0].since - before) < 5000, 'since is about now')
  const lease = await a.heartbeat({ ...room, memberId: 'bob' })
  // The lease is now + leaseTtlMs, or the reservation's expiry if later (60 s).
  assert.ok(lease >= before + 45_000 - 5000 && lease <= Date.now() + 60_000 + 5000, `${lease - before}`)
  assert.equal(await b.leave({ ...room, memberId: 'alice' }), true)
  assert.equal(await a.leave({ ...room, memberId: 'alice' }), false)
  const u = await a.usage({ appId: APP })
  assert.deepEqual(Object.keys(u), [
    'day', 'openings', 'admissions', 'renewals', 'refusedRoomFull', 'refusedDailyLimit', 'refusedMemberLimit',
    'heartbeatsRefused', 'leaves', 'adoptedBySync', 'removedBySync', 'expired', 'peakSeats', 'liveRooms', 'liveSeats', 'dailyRoomLimit',
  ])
  assert.deepEqual([u.openings, u.admissions, u.refusedRoomFull, u.leaves, u.liveRooms, u.liveSeats], [1, 2, 1, 1, 1, 1])
  // Either ledger lists the rooms of the prefix (the server's clock).
  const page = await b.rooms({ appId: APP })
  assert.deepEqual(page.rooms.map((x) => [x.groupId, x.seats, x.capacity, x.generation]), [['room-1', 1, 2, 1]])
  assert.ok(Math.abs(page.rooms[0].openedAt - before) < 5000, 'openedAt is about now')
  assert.equal(page.next, null)
  assert.deepEqual(await other.rooms({ appId: APP, limit: 1 }), { rooms: [{ ...page.rooms[0], seats: 1, openedAt: (await other.rooms({ appId: APP })).rooms[0].openedAt }], next: null })
  const { admission, ticket } = await b.admitAndIssue({ ...room, groupId: 'room-2', memberId: 'dave', sessionKey: KEY, roomType: 'video' })
  assert.deepEqual(Object.keys(admission), ['opened', 'renewed', 'members', 'generation', 'roomsToday', 'dailyRoomLimit', 'quotaWarning', 'leaseExpiresAt', 'degraded'])
  assert.equal(admission.roomsToday, 2)
  assert.equal(verify({ appId: APP, ...ticket, sessionKey: KEY }), true)
  // 50 admissions at once of one member: seated once, renewed 49 times, charged once.
  const again = await Promise.all(Array.from({ length: 50 }, () => a.admit({ ...room, groupId: 'room-3', memberId: 'erin' })))
  assert.equal(again.filter((x) => x.opened).length, 1)
  assert.equal(again.filter((x) => x.renewed).length, 49)
  assert.equal((await b.usage({ appId: APP })).openings, 3)
  const all = await a.rooms({ appId: APP, limit: 2 })
  assert.deepEqual([all.rooms.map((x) => x.groupId), all.next], [['room-1', 'room-2'], 'room-2'])
  assert.deepEqual((await a.rooms({ appId: APP, after: all.next })).rooms.map((x) => x.groupId), ['room-3'])
})

test('a Redis ledger collected while its calls are in flight: they settle all the same', { skip: SINGLE.skip }, async () => {
  const url = need(SINGLE)
  const prefix = uniquePrefix('gc')
  const calls = []
  for (let i = 0; i < 20; i++) {
    calls.push(Ledger.redis(url, { keyPrefix: prefix }).admit({ appId: APP, groupId: 'gc', memberId: `m${i}`, nowMs: T }))
  }
  v8.setFlagsFromString('--expose-gc')
  vm.runInNewContext('gc')() // the ledgers are garbage now: the calls hold the core's ledger
  const settled = await Promise.allSettled(calls)
  const seated = settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)
  assert.equal(seated.length, 10)
  assert.equal(seated.filter((a) => a.opened && !a.degraded).length, 1)
  for (const s of settled) if (s.status === 'rejected') assert.equal(s.reason.code, 'ROOM_FULL')
})

test('the JavaScript thread never waits on Redis: a setInterval ticks while calls wait on a stopped server', { skip: privateSkip }, async () => {
  const server = await PrivateServer.start()
  try {
    // A call on a pooled connection waits up to commandTimeoutMs; one that opens a
    // connection up to connectTimeoutMs (its handshake) + commandTimeoutMs.
    const timeouts = { connectTimeoutMs: 500, commandTimeoutMs: 500 }
    const refuse = Ledger.redis(server.url, { ...timeouts, onUnavailable: 'refuse' })
    const allow = Ledger.redis(server.url, timeouts)
    const seat = { appId: APP, groupId: 'paused', memberId: 'm1' }
    assert.equal((await refuse.admit(seat)).opened, true) // a connection is open and pooled
    assert.equal((await allow.room(seat)).members.length, 1)
    server.pause(true) // SIGSTOP: connections stay open, nothing answers
    let ticks = 0
    let last = performance.now()
    let maxGap = 0
    const timer = setInterval(() => {
      const now = performance.now()
      maxGap = Math.max(maxGap, now - last)
      last = now
      ticks++
    }, 10)
    // Four calls (libuv's pool has 4 threads) wait on the stopped server at once,
    // on pooled connections and on new ones.
    const [a, b, c, d] = await Promise.all([
      timed(refuse.admit({ ...seat, memberId: 'm2' })),
      timed(allow.admit({ ...seat, memberId: 'm3' })),
      timed(allow.heartbeat(seat)),
      timed(refuse.room(seat)),
    ])
    clearInterval(timer)
    const waited = Math.max(a.ms, b.ms, c.ms, d.ms)
    // The calls waited their timeout on the pool; this thread ran the timer all along.
    assert.ok(waited >= 450, `the calls waited ${waited.toFixed(0)} ms`)
    assert.ok(ticks >= waited / 10 / 4, `the event loop ran the 10 ms timer ${ticks} times in ${waited.toFixed(0)} ms`)
    assert.ok(maxGap < 250, `the event loop stalled for ${maxGap.toFixed(0)} ms`)
    for (const r of [a, d]) {
      assert.ok(r.error instanceof VoipSignError && r.error.code === 'LEDGER_UNAVAILABLE', util.inspect(r))
      assert.match(r.error.message, new RegExp(`^the Redis store at 127\\.0\\.0\\.1:${server.port} did not answer within 500 ms`))
    }
    assert.equal(b.value.degraded, true, util.inspect(b))
    assert.equal(typeof c.value, 'number', util.inspect(c)) // allow: a lease, the phone stays in its call
    for (const r of [a, b, c, d]) assert.ok(r.ms >= 450 && r.ms < 500 + 500 + 700, `a call took ${r.ms.toFixed(0)} ms`)
    server.pause(false)
    // The late replies are never read into later calls; the same ledgers go on
    // (the admissions sent before the stop may have been run once it resumed).
    const room = await refuse.room(seat)
    assert.ok(room.members.length >= 1 && room.members.length <= 3, util.inspect(room))
    assert.equal((await allow.admit({ ...seat, memberId: 'm4' })).degraded, false)
  } finally {
    await server.kill()
  }
})

test('a server killed mid-run: every call degrades or refuses within the timeout, as onUnavailable says; restarted, the same ledgers work', { skip: privateSkip }, async () => {
  const server = await PrivateServer.start()
  try {
    const options = { keyPrefix: 'killed' } // default timeouts: 250 ms
    const allow = Ledger.redis(server.url, options)
    const refuse = Ledger.redis(server.url, { ...options, onUnavailable: 'refuse' })
    const seat = { appId: APP, groupId: 'g', memberId: 'm1' }
    assert.equal((await allow.admit(seat)).opened, true)
    await refuse.room(seat)
    // A stream of calls from 4 loops; the server is SIGKILLed while they run.
    const outcomes = []
    let stop = false
    const loop = async (ledger, k) => {
      for (let i = 0; !stop; i++) {
        const memberId = `s${k}-${i % 8}` // 8 members in a room of 10: never ROOM_FULL
        const r = await timed(i % 2 ? ledger.admit({ ...seat, groupId: `stream-${k}`, memberId }) : ledger.heartbeat({ ...seat }))
        outcomes.push({ ...r, allow: ledger === allow, op: i % 2 ? 'admit' : 'heartbeat' })
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    }
    const loops = [loop(allow, 0), loop(allow, 1), loop(refuse, 2), loop(refuse, 3)]
    await new Promise((r) => setTimeout(r, 150))
    const killedAt = outcomes.length
    await server.kill()
    await new Promise((r) => setTimeout(r, 300))
    stop = true
    await Promise.all(loops)
    assert.ok(killedAt > 0 && outcomes.length > killedAt, `${killedAt} calls before the kill, ${outcomes.length} in all`)
    let degraded = 0
    let refused = 0
    for (const o of outcomes) {
      assert.ok(o.ms < 750, `a call took ${o.ms.toFixed(0)} ms (timeouts 250 ms)`)
      if (o.error !== undefined) {
        assert.ok(!o.allow, `under allow, admit and heartbeat never fail: ${util.inspect(o.error)}`)
        assert.ok(o.error instanceof VoipSignError && o.error.code === 'LEDGER_UNAVAILABLE', util.inspect(o.error))
        refused++
      } else if (o.op === 'admit' && o.value.degraded) {
        assert.ok(o.allow)
        assert.deepEqual([o.value.opened, o.value.members, o.value.generation, o.value.roomsToday], [false, 0, 0, 0])
        degraded++
      }
    }
    assert.ok(degraded > 0 && refused > 0, `degraded ${degraded}, refused ${refused}`)
    // Down: every method, as docs/ROOMS.md says, each within the timeout.
    for (let round = 0; round < 3; round++) {
      const admitted = await timed(allow.admit({ ...seat, memberId: 'm2' }))
      assert.deepEqual([admitted.value.degraded, admitted.value.opened, admitted.value.members], [true, false, 0])
      const issued = await allow.admitAndIssue({ ...seat, memberId: 'm2', sessionKey: KEY })
      assert.equal(issued.admission.degraded, true)
      assert.equal(verify({ appId: APP, ...issued.ticket, sessionKey: KEY }), true)
      assert.equal(typeof (await allow.heartbeat(seat)), 'number')
      const refusedAdmit = await timed(refuse.admit({ ...seat, memberId: 'm2' }))
      assert.ok(refusedAdmit.ms < 750 && admitted.ms < 750)
      assert.equal(refusedAdmit.error.code, 'LEDGER_UNAVAILABLE')
      assert.match(refusedAdmit.error.message, new RegExp(`^the Redis store at 127\\.0\\.0\\.1:${server.port} `))
      for (const call of [
        () => refuse.admitAndIssue({ ...seat, sessionKey: KEY }),
        () => refuse.heartbeat(seat),
        () => allow.leave(seat),
        () => allow.room(seat),
        () => allow.sync({ ...seat, openIds: ['m1'] }),
        () => allow.usage({ appId: APP }),
        () => allow.rooms({ appId: APP }),
      ]) {
        await rejectsCode(call(), 'LEDGER_UNAVAILABLE')
      }
    }
    await server.restart()
    // The same ledger objects work again (their dead connections are replaced);
    // the new server is empty: the room opens again.
    const a = await allow.admit({ ...seat, memberId: 'm3' })
    assert.deepEqual([a.degraded, a.opened, a.generation], [false, true, 1])
    assert.equal((await refuse.room(seat)).members.length, 1)
    assert.equal((await refuse.admit(seat)).members, 2)
  } finally {
    await server.kill()
  }
})

test('a password-protected server: the password never shows in an error, a ledger, a TypeError', { skip: PASSWORD.skip }, async () => {
  const url = need(PASSWORD)
  const password = process.env.VOIPSIGN_REDIS_PASSWORD
  assert.ok(password && url.includes(password), 'VOIPSIGN_REDIS_PASSWORD is the password of VOIPSIGN_REDIS_PASSWORD_URL')
  const wrongPassword = 'not-the-password-x1'
  const secrets = [password, wrongPassword, encodeURIComponent(password)]
  const noSecret = (text, what) => {
    for (const s of secrets) assert.ok(!text.includes(s), `${what}: the password in ${text}`)
  }
  const prefix = uniquePrefix('pw')
  const seat = { appId: APP, groupId: 'g', memberId: 'm1' }
  // The right password works; the ledger shows the host only.
  const ledger = Ledger.redis(url, { keyPrefix: prefix })
  assert.equal((await ledger.admit(seat)).opened, true)
  noSecret(util.inspect(ledger, { showHidden: true, depth: Infinity }), 'inspect')
  assert.match(util.inspect(ledger), /^Ledger\.redis\('redis:\/\/\*\*\*@127\.0\.0\.1:\d+', /)
  noSecret(JSON.stringify(ledger) ?? '', 'JSON')
  noSecret(String(ledger), 'String')
  // A user name with it (Redis 6 ACL: the default user) works too.
  const withUser = url.replace('redis://:', 'redis://default:')
  assert.equal((await Ledger.redis(withUser, { keyPrefix: prefix }).room(seat)).members.length, 1)
  // A wrong password, a missing one, a dead port: LEDGER_UNAVAILABLE, never shown.
  const wrong = url.replace(password, wrongPassword)
  const missing = url.replace(`:${password}@`, '')
  const dead = `redis://:${password}@127.0.0.1:1`
  for (const bad of [wrong, missing, dead, withUser.replace(password, wrongPassword)]) {
    const refuse = Ledger.redis(bad, { keyPrefix: prefix, onUnavailable: 'refuse' })
    noSecret(util.inspect(refuse, { showHidden: true }), 'inspect')
    const errors = await Promise.allSettled([
      refuse.admit(seat),
      refuse.admitAndIssue({ ...seat, sessionKey: KEY }),
      refuse.heartbeat(seat),
      refuse.leave(seat),
      refuse.sync({ ...seat, openIds: ['m1'] }),
      refuse.room(seat),
      refuse.usage({ appId: APP }),
      refuse.rooms({ appId: APP }),
    ])
    for (const r of errors) {
      assert.equal(r.status, 'rejected')
      const err = /** @type {PromiseRejectedResult} */ (r).reason
      assert.ok(err instanceof api.LedgerUnavailable && err.code === 'LEDGER_UNAVAILABLE', util.inspect(err))
      assert.ok(err instanceof api.OutageError && !(err instanceof api.InputError) && err.kind === 'outage')
      assert.match(err.message, /^the Redis store at 127\.0\.0\.1:\d+ /)
      noSecret(errorText(err), 'LEDGER_UNAVAILABLE')
    }
    // Under allow: degraded, and nothing about the password in the result either.
    const degraded = await Ledger.redis(bad, { keyPrefix: prefix }).admit(seat)
    assert.equal(degraded.degraded, true)
    noSecret(JSON.stringify(degraded), 'result')
  }
  // Malformed URLs with the password: INVALID_REDIS_URL, never shown.
  for (const bad of [
    `redis://:${password}@127.0.0.1:notaport`,
    `http://:${password}@127.0.0.1`,
    `redis://:${password}@h1:1,h2:2`,
    `redis+cluster://:${password}@h1:1/3`,
    `${password}@127.0.0.1:6379`,
  ]) {
    assert.throws(
      () => Ledger.redis(bad, { capacity: 0 }),
      (err) => {
        assert.ok(err instanceof VoipSignError && err.code === 'INVALID_REDIS_URL', util.inspect(err))
        noSecret(errorText(err), 'INVALID_REDIS_URL')
        return true
      },
    )
  }
  // Rules and options refused with a good URL: the URL is not in their messages.
  for (const options of [{ capacity: 0 }, { onUnavailable: password }, { keyPrefix: '' }, { connectTimeoutMs: 0 }]) {
    assert.throws(
      () => Ledger.redis(url, options),
      (err) => {
        assert.equal(err.code, 'INVALID_RULES')
        noSecret(errorText(err), 'INVALID_RULES')
        return true
      },
    )
  }
  // Type errors name the type, never the value.
  assert.throws(() => Ledger.redis(Buffer.from(url)), (err) => {
    assert.ok(err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE', util.inspect(err))
    noSecret(errorText(err), 'TypeError')
    return true
  })
  assert.throws(() => Ledger.redis(url, { keyPrefix: Buffer.from(password) }), (err) => {
    assert.ok(err instanceof api.InvalidRules, util.inspect(err))
    assert.equal(err.message, 'keyPrefix must be a string, not a list or an object')
    noSecret(errorText(err), 'InvalidRules')
    return true
  })
})

test('Ledger.redis: close() while calls are in flight: they settle; later calls reject with LedgerClosed', async () => {
  const url = need(SINGLE)
  const seat = { appId: APP, groupId: 'g', memberId: 'm1', nowMs: T }
  const ledger = Ledger.redis(url, { keyPrefix: uniquePrefix('close') })
  const inFlight = [ledger.admit(seat), ledger.room(seat), ledger.usage({ appId: APP, nowMs: T })]
  await ledger.close()
  const [admission, roomNow] = await Promise.all(inFlight)
  assert.equal(admission.opened, true)
  assert.ok(roomNow.generation <= 1)
  await assert.rejects(ledger.heartbeat(seat), (err) => err instanceof api.LedgerClosed && err.code === 'LEDGER_CLOSED')
  await ledger[Symbol.asyncDispose]() // closing again does nothing
})
