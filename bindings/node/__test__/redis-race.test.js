// The race of issue 14 on Ledger.redis: 4 child processes (4 backend instances,
// helpers/redis-race-child.js, each with its own ledger and a libuv pool of 8
// threads) × 8 concurrent admissions of 2 members each — 64 distinct members —
// into the same room at once, 100 rounds, everyone leaving between rounds; on one
// server and on the Redis Cluster. Every round: never more than the capacity
// seated, the successes of the 4 processes sum to the capacity, one opening; at
// the end the day's usage counts exactly the 100 openings.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { fork } = require('node:child_process')
const { Ledger } = require('..')
const { server, need, uniquePrefix } = require('./helpers/redis.js')

const APP = 'wx20afc706a711eefc'
const PROCESSES = 4
const TASKS = 8
const PER_TASK = 2
const ROUNDS = 100
const CAPACITY = 10

/** The 4 children, and a way to send all of them a message and wait for every answer. */
async function instances(url, keyPrefix, groupId) {
  const children = []
  for (let instance = 0; instance < PROCESSES; instance++) {
    const args = JSON.stringify({ url, keyPrefix, appId: APP, groupId, instance, tasks: TASKS, perTask: PER_TASK })
    const child = fork(path.join(__dirname, 'helpers', 'redis-race-child.js'), [args], {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(TASKS) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    children.push(child)
  }
  // Each child's messages in order, taken one at a time by next().
  const queues = children.map(() => /** @type {any[]} */ ([]))
  const waiting = children.map(() => /** @type {((msg: any) => void) | null} */ (null))
  const failures = []
  const deliver = (i, msg) => {
    const resolve = waiting[i]
    waiting[i] = null
    if (resolve) resolve(msg)
    else queues[i].push(msg)
  }
  children.forEach((child, i) => {
    child.on('message', (msg) => {
      if (msg.op === 'error') failures.push(msg.error)
      deliver(i, msg)
    })
    child.on('exit', (code, signal) => {
      if (code !== 0) failures.push(`a child exited with ${code ?? signal}`)
      deliver(i, { op: 'exit' })
    })
  })
  const next = (i) => (queues[i].length > 0 ? Promise.resolve(queues[i].shift()) : new Promise((resolve) => (waiting[i] = resolve)))
  /** @param {object | null} msg sent to every child (null: only wait) */
  const all = async (msg) => {
    const answers = children.map((_, i) => next(i))
    if (msg !== null) for (const child of children) child.send(msg)
    const got = await Promise.all(answers)
    assert.deepEqual(failures, [])
    return got
  }
  const close = async () => {
    const exits = children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null))
    for (const c of children) if (c.connected) c.send({ op: 'exit' })
    const timer = setTimeout(() => children.forEach((c) => c.kill()), 5000)
    await Promise.all(exits)
    clearTimeout(timer)
  }
  return { all, close }
}

async function race(t, url) {
  const keyPrefix = uniquePrefix('race')
  const groupId = 'race-room'
  const ledger = Ledger.redis(url, { keyPrefix })
  const dayBefore = (await ledger.usage({ appId: APP })).day
  const started = Date.now()
  const { all, close } = await instances(url, keyPrefix, groupId)
  try {
    await all(null) // every child is ready
    const perRound = []
    for (let round = 0; round < ROUNDS; round++) {
      const reports = await all({ op: 'admit', round })
      const outcomes = reports.flatMap((r) => r.outcomes)
      assert.equal(outcomes.length, PROCESSES * TASKS * PER_TASK)
      assert.equal(new Set(outcomes.map((o) => o.memberId)).size, 64, '64 distinct members')
      const seated = outcomes.filter((o) => o.seated)
      for (const o of seated) {
        assert.ok(o.members >= 1 && o.members <= CAPACITY, `round ${round}: ${o.members} seated`)
        assert.ok(!o.degraded && !o.renewed, `round ${round}: ${JSON.stringify(o)}`)
      }
      assert.equal(seated.length, CAPACITY, `round ${round}: the successes sum to the capacity`)
      assert.deepEqual(seated.map((o) => o.members).sort((a, b) => a - b), Array.from({ length: CAPACITY }, (_, i) => i + 1), `round ${round}: each seat counted once`)
      assert.equal(seated.filter((o) => o.opened).length, 1, `round ${round}: one opening`)
      const room = await ledger.room({ appId: APP, groupId })
      assert.equal(room.members.length, CAPACITY)
      assert.equal(room.generation, round + 1)
      const left = await all({ op: 'leave', round })
      assert.deepEqual(left.flatMap((r) => r.left), Array(CAPACITY).fill(true), `round ${round}: every winner left`)
      perRound.push(seated.map((o) => o.memberId).sort().join())
    }
    assert.equal((await ledger.room({ appId: APP, groupId })).live, false)
    // The day's openings: exactly one per round (the day may turn during the run).
    // Every counter, summed over those days, is the sum of what the clients were
    // told: each round 64 admits, CAPACITY seated (one opening), the others
    // refused as full, every winner left.
    const dayAfter = (await ledger.usage({ appId: APP })).day
    const told = { openings: 0, admissions: 0, renewals: 0, refusedRoomFull: 0, refusedDailyLimit: 0, refusedMemberLimit: 0, leaves: 0, expired: 0 }
    let peak = 0
    for (let day = dayBefore; day <= dayAfter; day++) {
      const u = await ledger.usage({ appId: APP, day })
      for (const k of Object.keys(told)) told[k] += u[k]
      peak = Math.max(peak, u.peakSeats)
    }
    const attempts = PROCESSES * TASKS * PER_TASK * ROUNDS
    assert.deepEqual(told, {
      openings: ROUNDS, admissions: CAPACITY * ROUNDS, renewals: 0, refusedRoomFull: attempts - CAPACITY * ROUNDS,
      refusedDailyLimit: 0, refusedMemberLimit: 0, leaves: CAPACITY * ROUNDS, expired: 0,
    }, 'counted exactly')
    assert.equal(peak, CAPACITY)
    assert.deepEqual(await ledger.rooms({ appId: APP }), { rooms: [], next: null })
    t.diagnostic(`${ROUNDS} rounds of ${PROCESSES} processes x ${TASKS} concurrent admissions (64 members): ${Date.now() - started} ms; ${new Set(perRound).size} distinct sets of winners`)
  } finally {
    await close()
  }
}

const SINGLE = server('VOIPSIGN_REDIS_URL')
const CLUSTER = server('VOIPSIGN_REDIS_CLUSTER_URL')

test('4 processes x 8 concurrent admissions race for one room on one Redis server, 100 rounds', { skip: SINGLE.skip }, async (t) => {
  await race(t, need(SINGLE))
})

test('the same race on the Redis Cluster', { skip: CLUSTER.skip }, async (t) => {
  await race(t, need(CLUSTER))
})
