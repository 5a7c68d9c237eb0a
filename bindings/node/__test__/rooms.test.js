// Every scenario and every step of tests/vectors/rooms.json (the room ledger,
// docs/ROOMS.md), each scenario on a fresh Ledger.memory with its rules (the
// vectors' camelCase keys are the rules' names): each result compared with
// deepStrictEqual against "expect", each refusal by its code, and after every
// step that carries "usage" the appId's Usage (usage({ appId, nowMs }): every
// day counter, the live rooms and seats) against it; INVALID_RULES
// scenarios expect Ledger.memory to throw. Tickets of admitAndIssue are checked
// with sign() and verify() and the nonce's shape (helpers/rooms.js).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const api = require('..')
const { rooms, runScenario, expectedOutcome } = require('./helpers/rooms.js')

const { Ledger, VoipSignError } = api
const OPS = ['admit', 'admit_and_issue', 'heartbeat', 'leave', 'sync', 'room', 'usage', 'rooms']
const STEP_KEYS = ['op', 'appId', 'groupId', 'memberId', 'sessionKey', 'roomType', 'openIds', 'day', 'limit', 'after', 'nowMs', 'expect', 'error', 'usage']
const USAGE_KEYS = ['day', 'openings', 'admissions', 'renewals', 'refusedRoomFull', 'refusedDailyLimit', 'refusedMemberLimit', 'heartbeatsRefused', 'leaves', 'adoptedBySync', 'removedBySync', 'expired', 'peakSeats', 'liveRooms', 'liveSeats', 'dailyRoomLimit']

test('the rooms file: every op, rules errors, nothing unknown', () => {
  // Guard against silently testing nothing if the file shrinks or moves.
  assert.ok(rooms.scenarios.length >= 69, 'scenarios')
  assert.ok(rooms.scenarios.reduce((n, s) => n + s.steps.length, 0) >= 538, 'steps')
  const ops = new Set(rooms.scenarios.flatMap((s) => s.steps.map((st) => st.op)))
  assert.deepEqual([...ops].sort(), [...OPS].sort())
  assert.ok(rooms.scenarios.filter((s) => s.error === 'INVALID_RULES').length >= 19)
  // The counters after (almost) every step: only a step with a bad appId has none.
  assert.ok(rooms.scenarios.reduce((n, s) => n + s.steps.filter((st) => st.usage !== undefined).length, 0) >= 527, 'usage')
  const rules = Object.keys(Ledger.memory().rules)
  assert.deepEqual(Object.keys(rooms.defaults).sort(), [...rules].sort())
  for (const s of rooms.scenarios) {
    for (const k of Object.keys(s.rules)) assert.ok(rules.includes(k), `${s.name}: rule ${k}`)
    for (const st of s.steps) {
      for (const k of Object.keys(st)) assert.ok(STEP_KEYS.includes(k), `${s.name}: ${k}`)
      assert.ok(('expect' in st) !== ('error' in st), `${s.name}: expect or error`)
      assert.ok(Number.isSafeInteger(st.nowMs), `${s.name}: nowMs`)
      if (st.usage !== undefined) assert.deepEqual(Object.keys(st.usage), USAGE_KEYS, `${s.name}: usage`)
      else assert.equal(st.error, 'INVALID_APP_ID', `${s.name}: a step without usage`)
    }
  }
})

test('Ledger.memory() has the vectors\' defaults, and so has Ledger.memory(defaults)', () => {
  assert.deepEqual({ ...Ledger.memory().rules }, rooms.defaults)
  assert.deepEqual({ ...Ledger.memory(rooms.defaults).rules }, rooms.defaults)
  assert.deepEqual({ ...Ledger.memory({}).rules }, rooms.defaults)
  assert.deepEqual({ ...Ledger.memory(undefined).rules }, rooms.defaults)
})

test('every scenario, every step', async (t) => {
  let steps = 0
  for (const scenario of rooms.scenarios) {
    await t.test(scenario.name, async () => {
      if (scenario.error !== undefined) {
        assert.equal(scenario.steps.length, 0)
        assert.throws(
          () => Ledger.memory(scenario.rules),
          (err) => err instanceof VoipSignError && err.code === scenario.error,
        )
      }
      const outcome = await runScenario(api, scenario)
      assert.equal(outcome.rulesError, scenario.error)
      assert.equal(outcome.steps.length, scenario.steps.length)
      scenario.steps.forEach((step, i) => {
        const got = outcome.steps[i]
        const what = `step ${i} (${step.op} at ${step.nowMs})`
        assert.deepStrictEqual(got, expectedOutcome(step), what)
        steps++
      })
    })
  }
  assert.equal(steps, rooms.scenarios.reduce((n, s) => n + s.steps.length, 0))
  t.diagnostic(`${rooms.scenarios.length} scenarios, ${steps} steps`)
})
