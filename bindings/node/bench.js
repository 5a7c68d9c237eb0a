#!/usr/bin/env node
// Benchmark: voipsign's sign / signMany against the hand-written idiom
//
//   crypto.createHmac('sha256', key)
//     .update([appId, groupId, nonceStr, timeStamp].sort().join(''))
//     .digest('hex')
//
// Plain loops timed with process.hrtime.bigint(): a warm-up, then several
// repeats in which the cases take turns; the table shows the median ns/op and
// the spread (min and max of the repeats). Then the room ledger: the cost of an
// awaited admit + leave pair (each call a Promise settled from libuv's pool).
//
//   node bench.js                 full run (about half a minute)
//   BENCH_QUICK=1 node bench.js   a few iterations: checks that it runs
//   BENCH_JSON=path node bench.js also writes the figures as one JSON object
//                                 (the keys of bench/c/bench.c), for `make -C bench all`
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const voipsign = require('./index.js')
const native = require('./binding.js')

const QUICK = process.env.BENCH_QUICK === '1'
const REPEATS = QUICK ? 3 : 9
const TARGET_MS = QUICK ? 2 : 250 // per case and repeat

// The documentation's worked example.
const DOC = {
  appId: 'wx20afc706a711eefc',
  groupId: '1559129713_672975982',
  nonceStr: '8AP6DT9ybtniUJfb',
  timeStamp: 1559129714,
  sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ==',
}
const DOC_SIGNATURE = 'b002b824688dd8593a6079e11d8c5e8734fbcb39a6d5906eb347bfbcad79c617'

function idiom(appId, groupId, nonceStr, timeStamp, sessionKey) {
  return crypto
    .createHmac('sha256', sessionKey)
    .update([appId, groupId, nonceStr, timeStamp].sort().join(''))
    .digest('hex')
}

// 1. The idiom must reproduce the documented signature, or comparing is moot.
const check = idiom(DOC.appId, DOC.groupId, DOC.nonceStr, DOC.timeStamp, DOC.sessionKey)
if (check !== DOC_SIGNATURE) {
  console.error(`the idiom gives ${check}, the documentation ${DOC_SIGNATURE}: not benchmarking`)
  process.exit(1)
}
if (voipsign.sign(DOC) !== DOC_SIGNATURE) {
  console.error('voipsign.sign does not reproduce the documentation example')
  process.exit(1)
}
console.log(`idiom and voipsign.sign both reproduce the doc example: ${DOC_SIGNATURE}`)

// Ten members of one room: ten distinct session_keys (fixed, for repeatable runs).
const KEYS = Array.from({ length: 10 }, (_, i) =>
  crypto.createHash('sha256').update(`member-${i}`).digest().subarray(0, 16).toString('base64'),
)
const ROOM = { ...DOC, sessionKeys: KEYS }
{
  const many = voipsign.signMany(ROOM)
  const each = KEYS.map((k) => idiom(DOC.appId, DOC.groupId, DOC.nonceStr, DOC.timeStamp, k))
  if (many.join() !== each.join()) {
    console.error('signMany disagrees with the idiom')
    process.exit(1)
  }
}

// Each case returns something derived from its result, so that no loop is dead code.
const cases = [
  {
    name: 'idiom: createHmac(...).update(sort().join(""))',
    group: 'sign',
    fn: () => idiom(DOC.appId, DOC.groupId, DOC.nonceStr, DOC.timeStamp, DOC.sessionKey),
  },
  { name: 'voipsign.sign({ ... })', group: 'sign', fn: () => voipsign.sign(DOC) },
  {
    name: 'addon sign(a, g, n, t, k) (internal, positional)',
    group: 'sign',
    fn: () => native.sign(DOC.appId, DOC.groupId, DOC.nonceStr, DOC.timeStamp, DOC.sessionKey),
  },
  {
    name: '10 x idiom (one room, 10 members)',
    group: 'many',
    fn: () => {
      let last
      for (let i = 0; i < 10; i++) last = idiom(DOC.appId, DOC.groupId, DOC.nonceStr, DOC.timeStamp, KEYS[i])
      return last
    },
  },
  { name: 'voipsign.signMany({ ..., sessionKeys: [10] })', group: 'many', fn: () => voipsign.signMany(ROOM)[9] },
  {
    name: '10 x voipsign.sign({ ... })',
    group: 'many',
    fn: () => {
      let last
      for (let i = 0; i < 10; i++) last = voipsign.sign({ ...DOC, sessionKey: KEYS[i] })
      return last
    },
  },
]

let sink = 0
function timeLoop(fn, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) sink ^= fn().charCodeAt(0)
  return Number(process.hrtime.bigint() - t0) / n
}

// 2. Warm up (JIT) and size each case's loop to about TARGET_MS per repeat.
for (const c of cases) {
  let n = 100
  let ns = timeLoop(c.fn, n)
  while (n * ns < 20e6 && n < 1e6 && !QUICK) {
    n *= 4
    ns = timeLoop(c.fn, n)
  }
  c.n = Math.max(50, Math.round((TARGET_MS * 1e6) / ns))
  c.samples = []
}

// 3. Repeats: the cases take turns, so that a busy moment hits all of them.
for (let r = 0; r < REPEATS; r++) {
  for (const c of cases) c.samples.push(timeLoop(c.fn, c.n))
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
for (const c of cases) {
  c.median = median(c.samples)
  c.min = Math.min(...c.samples)
  c.max = Math.max(...c.samples)
}

const base = { sign: cases[0].median, many: cases[3].median }
const rows = cases.map((c) => ({
  case: c.name,
  'ns/op (median)': c.median.toFixed(0),
  'ns/op (min)': c.min.toFixed(0),
  'ns/op (max)': c.max.toFixed(0),
  'ops/s': Math.round(1e9 / c.median).toLocaleString('en-US'),
  'x idiom': (base[c.group] / c.median).toFixed(2),
}))

console.log(
  `\nNode ${process.version}, ${process.arch}, ${REPEATS} repeats` + (QUICK ? ' (BENCH_QUICK: numbers meaningless)' : ''),
)
console.table(rows)

const signRatio = base.sign / cases[1].median
const manyRatio = base.many / cases[4].median
const objectCost = cases[1].median - cases[2].median
const verdict = (ratio, target) => (QUICK ? 'not judged in a quick run' : ratio >= target ? 'met' : 'NOT met')
console.log(`sign:          ${signRatio.toFixed(2)}x the idiom (target >= 4x: ${verdict(signRatio, 4)})`)
console.log(`signMany(10):  ${manyRatio.toFixed(2)}x ten idiom calls (target >= 6x: ${verdict(manyRatio, 6)})`)
console.log(`object argument: ${objectCost.toFixed(0)} ns/op over the positional addon call`)

if (process.env.BENCH_JSON) {
  const [idiom1, sign1, , idiom10, many10] = cases
  const record = {
    language: 'Node',
    idiom: "crypto.createHmac('sha256', key).update([...].sort().join('')).digest('hex')",
    idiom_ns: idiom1.median,
    idiom_min: idiom1.min,
    idiom_max: idiom1.max,
    voipsign_ns: sign1.median,
    voipsign_min: sign1.min,
    voipsign_max: sign1.max,
    ratio: signRatio,
    idiom10_ns: idiom10.median,
    sign_many10_ns: many10.median,
    sign_many_per_member_ns: many10.median / 10,
    sign_many_ratio: manyRatio,
    positional_addon_ns: cases[2].median,
    repeats: REPEATS,
    clock: 'wall time (process.hrtime.bigint)',
    node: process.version,
    openssl: process.versions.openssl,
    quick: QUICK,
  }
  fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify(record) + '\n')
}
if (sink === 0x7fffffff) console.log('') // keep `sink` alive

// 4. The room ledger: what a Promise costs. The memory store runs the core's
// operation (an admit+leave pair of a live room: 0.7 µs, `make bench-core`) on
// the JavaScript thread and returns a settled Promise (src/ledger.rs); the Redis
// store (with VOIPSIGN_REDIS_URL set: eval "$(../../tests/redis/servers.sh start)")
// runs each call on libuv's thread pool (src/task.rs) and waits on the server.
// Timed: a pair awaited one at a time (the latency a request sees), the same
// through the addon's class without lib/ledger.js, and 100 pairs in flight at
// once in 100 rooms (a busy server). Each room keeps a host seated (an hour's
// reservation), so that the pairs never open a room nor use the daily quota.
// Median of the repeats, wall time per pair.
async function ledgerBench() {
  const HOUR = 3_600_000
  const ledger = voipsign.Ledger.memory({ reserveTtlMs: HOUR, memberDailyOpenings: 0 }) // rooms reopen all day
  const handle = native.Ledger.open(null, ['reserveTtlMs'], [HOUR])
  const seat = { appId: DOC.appId, groupId: 'bench-room', memberId: 'openid-1' }
  const rooms = Array.from({ length: 100 }, (_, r) => ({ ...seat, groupId: `bench-room-${r}` }))
  for (const s of [seat, ...rooms]) await ledger.admit({ ...s, memberId: 'host' })
  await handle.admit(seat.appId, seat.groupId, 'host')
  const pairs = {
    'await admit + await leave (one at a time)': async (n) => {
      for (let i = 0; i < n; i++) {
        await ledger.admit(seat)
        await ledger.leave(seat)
      }
    },
    'the same, addon class (no lib/ledger.js)': async (n) => {
      for (let i = 0; i < n; i++) {
        await handle.admit(seat.appId, seat.groupId, seat.memberId)
        await handle.leave(seat.appId, seat.groupId, seat.memberId)
      }
    },
    '100 pairs in flight (100 rooms)': async (n) => {
      for (let i = 0; i < n; i += 100) {
        await Promise.all(
          rooms.map(async (s) => {
            await ledger.admit(s)
            await ledger.leave(s)
          }),
        )
      }
    },
  }
  const n = QUICK ? 200 : 10_000
  const rows = []
  const redisUrl = process.env.VOIPSIGN_REDIS_URL
  if (redisUrl) {
    // A key prefix of its own on the shared test server; its keys expire with the leases.
    const redis = voipsign.Ledger.redis(redisUrl, { reserveTtlMs: HOUR, memberDailyOpenings: 0, keyPrefix: `bench-node-${process.pid}` })
    for (const s of [seat, ...rooms]) await redis.admit({ ...s, memberId: 'host' })
    pairs['redis: await admit + await leave (one at a time)'] = async (total) => {
      for (let i = 0; i < total / 10; i++) {
        await redis.admit(seat)
        await redis.leave(seat)
      }
    }
    pairs['redis: 100 pairs in flight (100 rooms)'] = async (total) => {
      for (let i = 0; i < total / 10; i += 100) {
        await Promise.all(
          rooms.map(async (s) => {
            await redis.admit(s)
            await redis.leave(s)
          }),
        )
      }
    }
  } else {
    console.log('(the Redis ledger is not timed: VOIPSIGN_REDIS_URL is not set)')
  }
  for (const [name, run] of Object.entries(pairs)) {
    // The Redis rows run a tenth of the pairs (each takes a network round trip).
    const k = name.startsWith('redis') ? n / 10 : n
    await run(Math.min(n, 2000)) // warm-up
    const samples = []
    for (let r = 0; r < REPEATS; r++) {
      const t0 = process.hrtime.bigint()
      await run(n)
      samples.push(Number(process.hrtime.bigint() - t0) / k)
    }
    const m = median(samples)
    rows.push({
      'ledger: admit + leave': name,
      'µs/pair (median)': (m / 1000).toFixed(1),
      'µs/pair (min)': (Math.min(...samples) / 1000).toFixed(1),
      'µs/pair (max)': (Math.max(...samples) / 1000).toFixed(1),
      'pairs/s': Math.round(1e9 / m).toLocaleString('en-US'),
    })
  }
  console.table(rows)
}
ledgerBench().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
