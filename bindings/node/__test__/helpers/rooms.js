// tests/vectors/rooms.json (the room ledger, docs/ROOMS.md; format: its "about"
// and the lead's FORMAT notes) and a runner of its scenarios, shared by
// rooms.test.js, redis.test.js and the worker threads of ledger.test.js.
'use strict'

const path = require('node:path')
const fs = require('node:fs')

const file = path.join(__dirname, '..', '..', '..', '..', 'tests', 'vectors', 'rooms.json')
const rooms = JSON.parse(fs.readFileSync(file, 'utf8'))

const NONCE = /^[A-Za-z0-9]{32}$/

/**
 * The call of `ledger` a step describes, its result in the vectors' form
 * (`heartbeat` → `{ leaseExpiresAt }`, `leave` → `{ removed }`). Fields the step
 * does not carry stay `undefined` (absent); a `day` of null is absent.
 */
async function callStep(ledger, s) {
  const { appId, groupId, memberId, nowMs } = s
  switch (s.op) {
    case 'admit':
      return ledger.admit({ appId, groupId, memberId, nowMs })
    case 'admit_and_issue':
      return ledger.admitAndIssue({ appId, groupId, memberId, sessionKey: s.sessionKey, roomType: s.roomType, nowMs })
    case 'heartbeat':
      return { leaseExpiresAt: await ledger.heartbeat({ appId, groupId, memberId, nowMs }) }
    case 'leave':
      return { removed: await ledger.leave({ appId, groupId, memberId, nowMs }) }
    case 'sync':
      return ledger.sync({ appId, groupId, openIds: s.openIds, nowMs })
    case 'room':
      return ledger.room({ appId, groupId, nowMs })
    case 'usage':
      return ledger.usage({ appId, day: s.day ?? undefined, nowMs })
    case 'rooms':
      // limit absent: the default (100); out of range (0, -1, 1001): as it is, for the core to refuse.
      return ledger.rooms({ appId, limit: s.limit, after: s.after, nowMs })
    default:
      throw new Error(`unknown op ${JSON.stringify(s.op)}`)
  }
}

/**
 * Run one scenario on a fresh ledger, `open(rules)` (by default
 * `api.Ledger.memory(rules)`; the Redis tests open `Ledger.redis` with a key
 * prefix of the scenario's own): the outcome of each
 * step, `{ value }` or `{ error: code }` (an error that is not a VoipSignError
 * is thrown), and for a step that carries `usage` the appId's day counters
 * after it as `usage({ appId, nowMs })` answers them (`usage`: the Usage, or
 * `{ error: code }`): {@link expectedOutcome} is what the vectors expect. A ticket's random nonce and its signature are checked here (the
 * shape, and `api.verify`) and left out of the value, so that outcomes compare
 * across runs. A scenario whose rules are refused gives `{ rulesError: code }`.
 */
async function runScenario(api, scenario, open = (rules) => api.Ledger.memory(rules)) {
  let ledger
  try {
    ledger = open(scenario.rules)
  } catch (err) {
    if (!(err instanceof api.VoipSignError)) throw err
    return { rulesError: err.code, steps: [] }
  }
  const steps = []
  for (const s of scenario.steps) {
    try {
      const value = await callStep(ledger, s)
      if (s.op === 'admit_and_issue') {
        const { nonceStr, signature, ...ticket } = value.ticket
        const keys = Object.keys(value.ticket).join()
        if (keys !== 'groupId,nonceStr,timeStamp,signature,roomType') throw new Error(`ticket keys ${keys}`)
        if (!NONCE.test(nonceStr)) throw new Error(`nonceStr ${nonceStr}`)
        const signed = { appId: s.appId, groupId: ticket.groupId, nonceStr, timeStamp: ticket.timeStamp, sessionKey: s.sessionKey }
        if (api.sign(signed) !== signature) throw new Error(`the ticket's signature is not sign()'s`)
        if (!api.verify({ ...signed, signature })) throw new Error(`the ticket's signature does not verify`)
        steps.push({ value: { admission: value.admission, ticket } })
      } else {
        steps.push({ value })
      }
    } catch (err) {
      if (!(err instanceof api.VoipSignError)) throw err
      steps.push({ error: err.code })
    }
    if (s.usage !== undefined) {
      const outcome = steps[steps.length - 1]
      try {
        outcome.usage = await ledger.usage({ appId: s.appId, nowMs: s.nowMs })
      } catch (err) {
        if (!(err instanceof api.VoipSignError)) throw err
        outcome.usage = { error: err.code }
      }
    }
  }
  return { rulesError: undefined, steps }
}

/** The outcome of step `s` the vectors expect: `{ value }` or `{ error }`, and `usage` if it has one. */
function expectedOutcome(s) {
  const outcome = s.error !== undefined ? { error: s.error } : { value: s.expect }
  if (s.usage !== undefined) outcome.usage = s.usage
  return outcome
}

module.exports = { rooms, file, callStep, runScenario, expectedOutcome, NONCE }
