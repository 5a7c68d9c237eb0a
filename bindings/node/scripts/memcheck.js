#!/usr/bin/env node
// The workload of `make memcheck`: every function of the addon, with its error
// paths, strings on the stack buffers and beyond them, the room ledger (every
// method, ledgers collected while in use), the Redis ledger when
// VOIPSIGN_REDIS_URL is set (every method as a Promise settled from libuv's pool,
// its errors, a server that is not there), panics (test-panic addon, on this
// thread and on the pool), and worker threads that load and unload the addon
// (their instance data is freed when they exit). Run under valgrind by the
// Makefile; runs plainly too:
//
//   node scripts/memcheck.js            2000 rounds (MEMCHECK_ITERATIONS=N to change)
'use strict'

const assert = require('node:assert/strict')
const path = require('node:path')
const Module = require('node:module')
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')

// VOIPSIGN_ADDON=file.node: use that addon (built with the feature test-panic)
// for everything instead of both the production and the test-panic addon, e.g.
// the AddressSanitizer build of `make asan`.
const addonFile = process.env.VOIPSIGN_ADDON ? path.resolve(process.env.VOIPSIGN_ADDON) : null
if (addonFile) {
  const id = require.resolve('../binding.js')
  const m = new Module(id, module)
  m.filename = id
  m.exports = require(addonFile)
  m.loaded = true
  require.cache[id] = m
}

const voipsign = require('..')
const panicAddon = require('../__test__/helpers/panic-addon.js')
const loadPanics = () => panicAddon.load(addonFile ?? undefined)

const { sign, verify, canonical, issue, signMany, sessionSignature, diagnose, explain, Ledger, VoipSignError } = voipsign

const DOC = {
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
}
const SIG = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'
const OLD = 'o0q0otL8aEzpcZL/FT9WsQ=='
const LONG_GROUP = '房'.repeat(341) + 'x' // 1024 bytes of UTF-8 (the limit), not ASCII: converted on the heap
const HEAP_GROUP = 'x'.repeat(1500) // beyond the addon's 130-unit stack buffer: read on the heap, then refused
const EDGE_GROUP = 'x'.repeat(129) // 129 units and N-API's NUL fill the stack buffer: read again on the heap
const BODY = '{"room":"' + '房'.repeat(2000) + '"}'

/** Expect `fn` to throw something with this `code` (a VoipSignError, or a TypeError/RangeError). */
function fails(fn, code) {
  try {
    fn()
  } catch (err) {
    if (err.code !== code) throw err
    if (code.startsWith('INVALID_') || code === 'INTERNAL') assert.ok(err instanceof VoipSignError)
    return
  }
  throw new Error(`no ${code} from ${fn}`)
}

/** One round: every function, with good and bad input. */
function round(i, panics) {
  const p = { ...DOC, nonceStr: `n${i}`, timeStamp: DOC.timeStamp + i }
  const s = sign(p)
  assert.equal(s.length, 64)
  assert.equal(verify({ ...p, signature: s }), true)
  assert.equal(verify({ ...p, signature: SIG }), false)
  assert.equal(canonical(DOC), '1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc')
  assert.equal(sign({ ...DOC, timeStamp: 1559129714n }), SIG)
  assert.equal(sign({ ...DOC, groupId: LONG_GROUP }).length, 64)
  assert.equal(sign({ ...DOC, groupId: 'a\ud800b🎮' }).length, 64)
  assert.equal(sign({ ...DOC, groupId: EDGE_GROUP }).length, 64)
  assert.equal(sign({ ...DOC, groupId: EDGE_GROUP.slice(1) }).length, 64)
  const t = issue({ appId: DOC.appId, groupId: `room-${i}`, sessionKey: DOC.sessionKey, roomType: i % 2 ? 'video' : undefined })
  assert.equal(t.signature.length, 64)
  assert.equal(signMany({ ...p, sessionKeys: [DOC.sessionKey, OLD, DOC.sessionKey] }).length, 3)
  assert.deepEqual(signMany({ ...p, sessionKeys: [] }), [])
  assert.equal(sessionSignature(OLD).length, 64)
  assert.equal(sessionSignature(OLD, '{"foo":"bar"}'), '654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b')
  assert.equal(sessionSignature(OLD, Buffer.from(BODY)), sessionSignature(OLD, BODY))
  assert.equal(sessionSignature(OLD, new Uint8Array(0)).length, 64)
  if (i % 10 === 0) {
    // diagnose is the slow one (about 0.5 ms per key natively): one round in ten.
    assert.equal(diagnose({ ...DOC, signature: SIG }).verdict, 'CORRECT')
    assert.equal(diagnose({ ...DOC, timeStamp: DOC.timeStamp * 1000, signature: SIG.toUpperCase() }).verdict, 'MISTAKE_FOUND')
    assert.equal(diagnose({ ...DOC, signature: 'x'.repeat(3000), otherSessionKeys: [OLD] }).verdict, 'UNKNOWN')
    assert.equal(diagnose({ ...DOC, signature: '签名'.repeat(100), otherSessionKeys: [OLD, OLD] }).verdict, 'UNKNOWN')
  }
  assert.equal(explain({ errCode: -1000, errMsg: 'joinVoIPChat:fail invalid signature' }).cause, 'INVALID_SIGNATURE')
  assert.equal(explain({ errCode: -7, errMsg: 'x'.repeat(3000) + ' -13000' }).cause, 'DAILY_ROOM_LIMIT')
  assert.equal(explain({ errCode: 0 }).cause, 'UNKNOWN')

  // Error paths: every field, type and range errors, strings beyond the stack buffers.
  fails(() => sign({ ...DOC, appId: '' }), 'INVALID_APP_ID')
  fails(() => sign({ ...DOC, appId: 42 }), 'ERR_INVALID_ARG_TYPE')
  fails(() => sign({ ...DOC, appId: 'w'.repeat(300) }), 'INVALID_APP_ID')
  fails(() => sign({ ...DOC, groupId: HEAP_GROUP }), 'INVALID_GROUP_ID')
  fails(() => sign({ ...DOC, groupId: undefined }), 'ERR_INVALID_ARG_TYPE')
  fails(() => sign({ ...DOC, groupId: 'é'.repeat(600) }), 'INVALID_GROUP_ID')
  fails(() => sign({ ...DOC, nonceStr: 'has space' }), 'INVALID_NONCE')
  fails(() => sign({ ...DOC, nonceStr: 'é'.repeat(200) }), 'INVALID_NONCE')
  fails(() => sign({ ...DOC, timeStamp: 1.5 }), 'INVALID_TIMESTAMP')
  fails(() => sign({ ...DOC, timeStamp: '1559129714' }), 'ERR_INVALID_ARG_TYPE')
  fails(() => sign({ ...DOC, timeStamp: 2n ** 64n }), 'INVALID_TIMESTAMP')
  fails(() => sign({ ...DOC, timeStamp: -(2n ** 300n) }), 'INVALID_TIMESTAMP')
  fails(() => sign({ ...DOC, timeStamp: NaN }), 'INVALID_TIMESTAMP')
  fails(() => sign({ ...DOC, timeStamp: Date.now() }), 'INVALID_TIMESTAMP')
  fails(() => sign({ ...DOC, sessionKey: DOC.sessionKey + '\n' }), 'INVALID_SESSION_KEY')
  fails(() => sign({ ...DOC, sessionKey: 'k'.repeat(100) }), 'INVALID_SESSION_KEY')
  fails(() => sign({ ...DOC, sessionKey: 'é'.repeat(24) }), 'INVALID_SESSION_KEY')
  fails(() => verify({ ...DOC, signature: 7 }), 'ERR_INVALID_ARG_TYPE')
  fails(() => verify({ ...DOC, signature: 'é'.repeat(64) }), 'INVALID_SIGNATURE')
  fails(() => verify({ ...DOC, signature: SIG + '_tag' }), 'INVALID_SIGNATURE')
  fails(() => canonical({ ...DOC, nonceStr: '' }), 'INVALID_NONCE')
  fails(() => issue({ ...DOC, roomType: 'Video' }), 'INVALID_ROOM_TYPE')
  fails(() => issue({ ...DOC, roomType: 1 }), 'ERR_INVALID_ARG_TYPE')
  fails(() => issue({ ...DOC, roomType: 'v'.repeat(300) }), 'INVALID_ROOM_TYPE')
  fails(() => signMany({ ...DOC, sessionKeys: [DOC.sessionKey, 'bad'] }), 'INVALID_SESSION_KEY')
  fails(() => signMany({ ...DOC, sessionKeys: [DOC.sessionKey, 42] }), 'ERR_INVALID_ARG_TYPE')
  fails(() => signMany({ ...DOC, sessionKeys: new Set() }), 'ERR_INVALID_ARG_TYPE')
  fails(() => signMany({ ...DOC, sessionKeys: [DOC.sessionKey, 'é'.repeat(24), 'k'.repeat(400)] }), 'INVALID_SESSION_KEY')
  fails(() => signMany({ ...DOC, nonceStr: '', sessionKeys: ['bad'] }), 'INVALID_NONCE')
  fails(() => sessionSignature('x'), 'INVALID_SESSION_KEY')
  fails(() => sessionSignature(OLD, 12), 'ERR_INVALID_ARG_TYPE')
  fails(() => sessionSignature(OLD, new Uint16Array(2)), 'ERR_INVALID_ARG_TYPE')
  fails(() => diagnose({ ...DOC, signature: null }), 'ERR_INVALID_ARG_TYPE')
  fails(() => diagnose({ ...DOC, signature: SIG, otherSessionKeys: [OLD, 'bad'] }), 'INVALID_SESSION_KEY')
  fails(() => diagnose({ ...DOC, signature: SIG, otherSessionKeys: [OLD, 7] }), 'ERR_INVALID_ARG_TYPE')
  fails(() => diagnose({ ...DOC, signature: SIG, otherSessionKeys: 'x' }), 'ERR_INVALID_ARG_TYPE')
  fails(() => diagnose({ ...DOC, signature: SIG, otherSessionKeys: [OLD, 'k'.repeat(300)] }), 'INVALID_SESSION_KEY')
  fails(() => diagnose({ ...DOC, sessionKey: 'x', signature: SIG }), 'INVALID_SESSION_KEY')
  fails(() => explain({ errCode: '-1000' }), 'ERR_INVALID_ARG_TYPE')
  fails(() => explain({ errCode: 1.5 }), 'ERR_OUT_OF_RANGE')
  fails(() => explain({ errCode: -1000, errMsg: 42 }), 'ERR_INVALID_ARG_TYPE')
  fails(() => sign(null), 'ERR_INVALID_ARG_TYPE')
  // A getter that throws: its exception passes through the addon.
  const boom = new Error('boom')
  try {
    sign({ ...DOC, get nonceStr() { throw boom } }) // prettier-ignore
    throw new Error('no throw')
  } catch (err) {
    assert.equal(err, boom)
  }
  // Panics (test-panic addon): INTERNAL, and the addon goes on.
  if (panics) {
    fails(() => panics._panicForTesting(), 'INTERNAL')
    fails(() => panics._panicForTesting(DOC.sessionKey), 'INTERNAL')
    fails(() => panics._panicForTesting('bad'), 'INVALID_SESSION_KEY')
    assert.equal(panics.sign(DOC), SIG)
  }
}

/** Expect `promise` to reject with this `code`. */
async function rejects(promise, code) {
  try {
    await promise
  } catch (err) {
    if (err.code !== code) throw err
    return
  }
  throw new Error(`no ${code}`)
}

const T = 1717214400000
const MEMBER = 'o'.repeat(128) // the longest member id: beyond the addon's inline copy, on its stack buffer
const OPEN_IDS = Array.from({ length: 300 }, (_, k) => `openid-${k}`)

/**
 * The room ledger: every method and error path (about 25 calls), a new ledger
 * each time (the old ones are collected).
 */
async function ledgerRound(i, state, panics) {
  state.ledger = Ledger.memory({ capacity: 2, onUnavailable: i % 20 ? 'allow' : 'refuse' })
  const { ledger } = state
  // 100 s apart: the seats of earlier rounds have expired.
  const seat = { appId: DOC.appId, groupId: `room-${i % 3}`, memberId: i % 2 ? MEMBER : `m${i}`, nowMs: T + i * 100_000 }
  assert.equal((await ledger.admit(seat)).opened, true)
  const { admission, ticket } = await ledger.admitAndIssue({ ...seat, groupId: '房间', sessionKey: DOC.sessionKey, roomType: 'video' })
  assert.equal(admission.members, 1)
  assert.equal(ticket.signature.length, 64)
  assert.equal(typeof (await ledger.heartbeat(seat)), 'number')
  assert.equal((await ledger.sync({ ...seat, openIds: [seat.memberId, seat.memberId, 'x'] })).members.length, 2)
  assert.equal((await ledger.room(seat)).live, true)
  assert.equal((await ledger.usage({ appId: DOC.appId, nowMs: seat.nowMs })).dailyRoomLimit, 100000)
  const page = await ledger.rooms({ appId: DOC.appId, limit: 1, nowMs: seat.nowMs })
  assert.deepEqual([page.rooms.length, page.next], [1, seat.groupId])
  assert.equal((await ledger.rooms({ appId: DOC.appId, after: page.next, nowMs: seat.nowMs })).rooms[0].groupId, '房间')
  await rejects(ledger.rooms({ appId: DOC.appId, limit: 0.5 }), 'INVALID_LIMIT')
  await rejects(ledger.rooms({ appId: DOC.appId, limit: 1001 }), 'INVALID_LIMIT')
  await rejects(ledger.rooms({ appId: DOC.appId, after: HEAP_GROUP }), 'INVALID_GROUP_ID')
  await rejects(ledger.rooms({ appId: DOC.appId, limit: '1' }), 'ERR_INVALID_ARG_TYPE')
  const capped = Ledger.memory({ memberDailyOpenings: 1 })
  await capped.admit({ ...seat, groupId: 'a' })
  await rejects(capped.admit({ ...seat, groupId: 'b' }), 'MEMBER_DAILY_LIMIT')
  await rejects(ledger.admit({ ...seat, memberId: 'z' }), 'ROOM_FULL')
  assert.equal(await ledger.leave(seat), true)
  const both = await Promise.allSettled([ledger.admit({ ...seat, memberId: 'p' }), ledger.admit({ ...seat, memberId: 'q' })])
  assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1)
  const big = { ...seat, groupId: `big-${i % 3}` }
  assert.equal((await ledger.sync({ ...big, openIds: OPEN_IDS })).members.length, OPEN_IDS.length)
  assert.equal((await ledger.room(big)).members.length, OPEN_IDS.length)
  await rejects(ledger.heartbeat({ ...seat, memberId: 'nobody' }), 'NOT_ADMITTED')
  await rejects(ledger.admit({ ...seat, memberId: MEMBER + 'x' }), 'INVALID_MEMBER_ID')
  await rejects(ledger.admit({ ...seat, groupId: HEAP_GROUP }), 'INVALID_GROUP_ID')
  await rejects(ledger.sync({ ...seat, openIds: [...OPEN_IDS, 'bad id'] }), 'INVALID_MEMBER_ID')
  await rejects(ledger.admitAndIssue({ ...seat, sessionKey: 'k'.repeat(300) }), 'INVALID_SESSION_KEY')
  await rejects(ledger.admitAndIssue({ ...seat, sessionKey: DOC.sessionKey, roomType: 'Video' }), 'INVALID_ROOM_TYPE')
  await rejects(ledger.admit({ ...seat, nowMs: 1.5 }), 'ERR_OUT_OF_RANGE')
  await rejects(ledger.sync({ ...seat, openIds: [1] }), 'ERR_INVALID_ARG_TYPE')
  fails(() => Ledger.memory({ capacity: 11 }), 'INVALID_RULES')
  fails(() => Ledger.memory({ onUnavailable: 'x'.repeat(200) }), 'INVALID_RULES')
  fails(() => Ledger.memory({ capcity: 2, [`k${i}`]: [i] }), 'INVALID_RULES')
  fails(() => Ledger.memory({ capacity: 'x'.repeat(300) }), 'INVALID_RULES')
  await ledger.close()
  await rejects(ledger.room(seat), 'LEDGER_CLOSED')
}

const REDIS_URL = process.env.VOIPSIGN_REDIS_URL || null
const REDIS_PREFIX = `vstest-node-memcheck-${process.pid}-${Date.now() % 1e9}`

/**
 * The Redis ledger (VOIPSIGN_REDIS_URL): every method and error path (about 20
 * calls, each an AsyncTask on the pool, its Promise settled on this thread; the
 * core's errors made into JavaScript errors there), a new ledger each time (the
 * old ones and their connections are collected), a server that is not there
 * (degraded, LEDGER_UNAVAILABLE), a malformed URL, panics on the pool.
 */
async function redisRound(i, state, panics) {
  if (panics) await rejects(panics._panicAsyncForTesting(), 'INTERNAL')
  if (REDIS_URL === null) return
  const keyPrefix = `${REDIS_PREFIX}-${isMainThread ? 'main' : workerData.worker}`
  state.redis = Ledger.redis(REDIS_URL, { capacity: 2, keyPrefix, commandTimeoutMs: 5000, connectTimeoutMs: 5000 })
  const ledger = state.redis
  const seat = { appId: DOC.appId, groupId: `room-${i}`, memberId: i % 2 ? MEMBER : `m${i}` }
  assert.equal((await ledger.admit(seat)).opened, true)
  const { admission, ticket } = await ledger.admitAndIssue({ ...seat, groupId: `房间-${i}`, sessionKey: DOC.sessionKey, roomType: 'video' })
  assert.equal(admission.members, 1)
  assert.equal(ticket.signature.length, 64)
  assert.equal(typeof (await ledger.heartbeat(seat)), 'number')
  assert.equal((await ledger.sync({ ...seat, openIds: [seat.memberId, 'x'] })).members.length, 2)
  assert.equal((await ledger.room(seat)).live, true)
  assert.equal((await ledger.usage({ appId: DOC.appId })).dailyRoomLimit, 100000)
  assert.equal((await ledger.rooms({ appId: DOC.appId, limit: 1 })).rooms.length, 1)
  await rejects(ledger.rooms({ appId: DOC.appId, limit: 2.5 }), 'INVALID_LIMIT')
  await rejects(ledger.admit({ ...seat, memberId: 'z' }), 'ROOM_FULL')
  await rejects(ledger.heartbeat({ ...seat, memberId: 'nobody' }), 'NOT_ADMITTED')
  await rejects(ledger.admit({ ...seat, memberId: MEMBER + 'x' }), 'INVALID_MEMBER_ID')
  await rejects(ledger.admitAndIssue({ ...seat, sessionKey: 'k'.repeat(300) }), 'INVALID_SESSION_KEY')
  await rejects(ledger.admit({ ...seat, nowMs: 2 ** 53 - 1 }), 'INVALID_TIMESTAMP')
  const both = await Promise.allSettled([ledger.leave(seat), ledger.leave({ ...seat, memberId: 'x' }), ledger.leave(seat)])
  assert.equal(both.filter((r) => r.status === 'fulfilled' && r.value).length, 2)
  const big = { ...seat, groupId: `big-${i}` }
  assert.equal((await ledger.sync({ ...big, openIds: OPEN_IDS })).members.length, OPEN_IDS.length)
  // Nothing listens on port 1: degraded under allow, LEDGER_UNAVAILABLE under refuse.
  const gone = Ledger.redis('redis://:memcheck-pw@127.0.0.1:1', { onUnavailable: i % 20 ? 'allow' : 'refuse' })
  if (i % 20) assert.equal((await gone.admit(seat)).degraded, true)
  else await rejects(gone.admit(seat), 'LEDGER_UNAVAILABLE')
  await rejects(gone.room(seat), 'LEDGER_UNAVAILABLE')
  fails(() => Ledger.redis('redis://:memcheck-pw@h1:1,h2:2'), 'INVALID_REDIS_URL')
  fails(() => Ledger.redis(REDIS_URL, { keyPrefix: 'a{b}' }), 'INVALID_RULES')
  const inFlight = ledger.room(seat)
  await ledger.close()
  assert.equal((await inFlight).live, false)
  await rejects(ledger.room(seat), 'LEDGER_CLOSED')
}

async function main() {
  const rounds = Number(process.env.MEMCHECK_ITERATIONS || 2000)
  if (REDIS_URL === null) console.log('memcheck: VOIPSIGN_REDIS_URL is not set: the Redis ledger is not exercised')
  const started = Date.now()
  // Panics print through Rust's panic hook; one round in 50 panics, to keep the log short.
  const panics = loadPanics()
  const state = { ledger: null, redis: null }
  for (let i = 0; i < rounds; i++) {
    round(i, i % 50 === 0 ? panics : null)
    // One round in 10: under valgrind the thread hops are slow (50 such rounds add
    // about 15 s), and 50 calls of each method would still show a leak per call.
    if (i % 10 === 0) await ledgerRound(i, state, i % 50 === 0 ? panics : null)
    // The Redis ledger one round in 20 (under valgrind a round of network calls
    // takes about 2 s); 25 rounds of 20 calls would still show a leak per call.
    if (i % 20 === 0) await redisRound(i, state, i % 50 === 0 ? panics : null)
  }
  // Workers: each loads both addons in its own environment and frees them on exit.
  const workers = Math.min(4, rounds)
  let done = 0
  for (let k = 0; k < workers; k++) {
    const w = new Worker(__filename, { workerData: { rounds: Math.max(1, Math.floor(rounds / 20)), worker: k } })
    w.on('error', (err) => {
      console.error(err)
      process.exitCode = 1
    })
    w.on('exit', (code) => {
      if (code !== 0) process.exitCode = 1
      if (++done === workers) {
        console.log(`memcheck workload: ${rounds} rounds, ${workers} workers, ${Date.now() - started} ms`)
      }
    })
  }
}

async function worker() {
  const panics = loadPanics()
  const state = { ledger: null, redis: null }
  for (let i = 0; i < workerData.rounds; i++) {
    round(i, i === 0 ? panics : null)
    if (i % 10 === 0) await ledgerRound(i, state, i === 0 ? panics : null)
    if (i === 0) await redisRound(i, state, panics)
  }
  parentPort.postMessage('ok')
}

;(isMainThread ? main : worker)().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
