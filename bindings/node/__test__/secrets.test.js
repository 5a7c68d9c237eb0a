// Secret hygiene: a session_key never appears in an error (message, stack,
// util.inspect, JSON) nor in a result (issue, diagnose, explain), for every
// invalid vector of tests/vectors/signatures.json through its op (and the sign
// ones through every entry point that takes a key), for errors raised once the
// key was accepted (a bad signature, roomType, body, sessionKeys[i] or
// otherSessionKeys[i] beside a good key), and for TypeErrors about a mistyped
// argument (their messages give the type, never the value).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const voipsign = require('..')
const { vectors, diagnoseVectors, DOC, DOC_SIGNATURE } = require('./helpers/vectors.js')
const { callOf } = require('./helpers/ops.js')

const { sign, verify, canonical, issue, signMany, sessionSignature, diagnose, explain, VoipSignError } = voipsign

// Valid keys used nowhere else, so that a run of them cannot be there by chance.
const GOOD = 'c2VjcmV0LWtleS0xMjM0NQ=='
const OLD = 'b2xkZXIta2V5LTk4NzY1NA=='

/** What could show a key: runs of 6 of its characters and 12 hex digits of its bytes. */
function needles(key) {
  const out = []
  for (let i = 0; i + 6 <= key.length; i++) {
    const run = key.slice(i, i + 6)
    if (!/^[a-z]+$/.test(run)) out.push(run) // ordinary words may legitimately appear
  }
  // The decoded bytes, as hex (only for a key that decodes to something).
  if (/^[A-Za-z0-9+/]{16,}={0,2}$/.test(key)) {
    const hex = Buffer.from(key, 'base64').toString('hex')
    for (let i = 0; i + 12 <= hex.length; i += 2) out.push(hex.slice(i, i + 12))
  }
  return out
}

function assertNoKey(text, keys, what) {
  for (const key of keys) {
    for (const needle of needles(key)) {
      assert.ok(!text.includes(needle), `${what}: ${JSON.stringify(needle)} of a session_key in ${text.slice(0, 2000)}`)
    }
  }
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

/** Everything a result shows: JSON and inspect. */
function resultText(value) {
  return [JSON.stringify(value), util.inspect(value, { showHidden: true, depth: Infinity })].join('\n')
}

/**
 * Run `call` and check that neither its error nor its result shows `keys`.
 * Returns the error (or undefined).
 */
function noKey(call, keys, what) {
  let result
  try {
    result = call()
  } catch (err) {
    assertNoKey(errorText(err), keys, what)
    return err
  }
  assertNoKey(resultText(result), keys, what)
  return undefined
}

const pick = ({ appId, groupId, nonceStr, timeStamp, sessionKey }) => ({ appId, groupId, nonceStr, timeStamp, sessionKey })

test('every invalid vector, through its op: refused, and no key of it in the error', async (t) => {
  for (const c of vectors.invalid) {
    await t.test(`${c.op ?? 'sign'} ${c.name} (${c.error})`, () => {
      const keys = [c.sessionKey, ...(c.sessionKeys ?? []), ...(c.otherSessionKeys ?? [])].filter((k) => k !== undefined)
      const err = noKey(callOf(voipsign, c), keys, c.name)
      assert.ok(err instanceof VoipSignError, util.inspect(err))
      assert.equal(err.code, c.error)
    })
  }
})

test('every invalid sign vector, through every entry point that takes a key: no key in errors or results', async (t) => {
  let errors = 0
  const signCases = vectors.invalid.filter((c) => c.op === undefined)
  for (const c of signCases) {
    await t.test(`${c.name} (${c.error})`, () => {
      const p = pick(c)
      const key = p.sessionKey
      const keys = [key, GOOD]
      const calls = {
        sign: () => sign(p),
        verify: () => verify({ ...p, signature: DOC_SIGNATURE }),
        'verify(signature = the key)': () => verify({ ...p, signature: key }),
        canonical: () => canonical(p),
        'signMany([key])': () => signMany({ ...p, sessionKeys: [key] }),
        'signMany([good, key, good])': () => signMany({ ...p, sessionKeys: [GOOD, key, GOOD] }),
        issue: () => issue(p),
        'issue(video)': () => issue({ ...p, roomType: 'video' }),
        sessionSignature: () => sessionSignature(key, 'body'),
        'sessionSignature(Buffer)': () => sessionSignature(key, Buffer.from(key)),
        diagnose: () => diagnose({ ...p, signature: DOC_SIGNATURE }),
        'diagnose(signature = the key)': () => diagnose({ ...p, signature: key }),
        'diagnose(otherSessionKeys: [key])': () =>
          diagnose({ ...p, sessionKey: GOOD, signature: DOC_SIGNATURE, otherSessionKeys: [OLD, key] }),
      }
      for (const [what, call] of Object.entries(calls)) {
        const err = noKey(call, keys, `${c.name}: ${what}`)
        if (err !== undefined) {
          assert.ok(err instanceof VoipSignError, `${what}: ${util.inspect(err)}`)
          errors++
        }
      }
      // sign refuses every invalid vector with its code.
      assert.equal(noKey(calls.sign, keys, 'sign').code, c.error)
    })
  }
  // Most of the calls above fail (those without the vector's bad field succeed).
  assert.ok(errors > signCases.length * 5, `${errors} errors`)
})

test('errors raised beside an accepted key do not show it', () => {
  const p = { ...DOC, sessionKey: GOOD }
  const typeError = (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE'
  const cases = [
    // Other fields bad, the key good (reported in field order, the key is still read).
    [() => sign({ ...p, nonceStr: 'bad nonce' }), 'INVALID_NONCE'],
    [() => sign({ ...p, nonceStr: GOOD + ' ' }), 'INVALID_NONCE'],
    [() => sign({ ...p, groupId: '\u0000' + GOOD }), 'INVALID_GROUP_ID'],
    [() => sign({ ...p, appId: GOOD }), null], // a key as appId is a valid appId: no error, nothing shown
    [() => sign({ ...p, timeStamp: GOOD }), typeError],
    [() => sign({ ...p, timeStamp: 1.5 }), 'INVALID_TIMESTAMP'],
    [() => canonical({ ...p, nonceStr: '' }), 'INVALID_NONCE'],
    // After the key was accepted: the signature, roomType, body, other keys.
    [() => verify({ ...p, signature: 'xyz' }), 'INVALID_SIGNATURE'],
    [() => verify({ ...p, signature: GOOD }), 'INVALID_SIGNATURE'],
    [() => verify({ ...p, signature: 'A'.repeat(64) }), null],
    [() => verify({ ...p, signature: DOC_SIGNATURE + '_' + GOOD }), 'INVALID_SIGNATURE'],
    [() => verify({ ...p, signature: 42 }), typeError],
    [() => issue({ ...p, roomType: 'Voice' }), 'INVALID_ROOM_TYPE'],
    [() => issue({ ...p, roomType: null }), typeError],
    [() => sessionSignature(GOOD, 42), typeError],
    [() => sessionSignature(GOOD, new Uint16Array(4)), typeError],
    [() => signMany({ ...p, sessionKeys: [GOOD, OLD, 'bad'] }), 'INVALID_SESSION_KEY'],
    [() => signMany({ ...p, sessionKeys: [GOOD, OLD, 7] }), typeError],
    [() => signMany({ ...p, sessionKeys: [GOOD, OLD + '\n'] }), 'INVALID_SESSION_KEY'],
    [() => signMany({ ...p, sessionKeys: GOOD }), typeError],
    [() => signMany({ ...p, sessionKeys: [GOOD], timeStamp: OLD }), typeError],
    [() => sign({ ...p, appId: GOOD, groupId: OLD, nonceStr: 7 }), typeError],
    [() => diagnose({ ...p, signature: DOC_SIGNATURE, otherSessionKeys: [OLD, 'bad'] }), 'INVALID_SESSION_KEY'],
    [() => diagnose({ ...p, signature: DOC_SIGNATURE, otherSessionKeys: [OLD + ' '] }), 'INVALID_SESSION_KEY'],
    [() => diagnose({ ...p, signature: DOC_SIGNATURE, otherSessionKeys: [OLD.slice(0, 22) + 'A='] }), 'INVALID_SESSION_KEY'],
    [() => diagnose({ ...p, signature: DOC_SIGNATURE, otherSessionKeys: [OLD, 7] }), typeError],
    [() => diagnose({ ...p, signature: DOC_SIGNATURE, otherSessionKeys: OLD }), typeError],
    [() => diagnose({ ...p, signature: null, otherSessionKeys: [OLD] }), typeError],
    [() => diagnose({ ...p, nonceStr: 'bad nonce', signature: DOC_SIGNATURE, otherSessionKeys: [OLD] }), 'INVALID_NONCE'],
  ]
  for (const [call, expected] of cases) {
    const what = call.toString()
    const err = noKey(call, [GOOD, OLD], what)
    if (expected === null) assert.equal(err, undefined, what)
    else if (typeof expected === 'function') assert.ok(expected(err), `${what}: ${util.inspect(err)}`)
    else {
      assert.ok(err instanceof VoipSignError, `${what}: ${util.inspect(err)}`)
      assert.equal(err.code, expected, what)
    }
  }
})

test('results: issue, diagnose and explain never show a key', () => {
  for (const c of vectors.cases) {
    const p = pick(c)
    const keys = [c.sessionKey, OLD]
    noKey(() => issue(p), keys, `${c.name}: issue`)
    noKey(() => issue({ ...p, roomType: 'video' }), keys, `${c.name}: issue video`)
    for (const signature of [c.signature, c.signature.toUpperCase(), c.sessionKey, OLD, '', 'x'.repeat(100)]) {
      const d = noKey(() => diagnose({ ...p, signature, otherSessionKeys: [OLD] }), keys, `${c.name}: diagnose`)
      assert.equal(d, undefined, 'diagnose takes any signature string')
    }
  }
  for (const c of diagnoseVectors.diagnose) {
    noKey(() => diagnose(c), [c.sessionKey, ...c.otherSessionKeys], `diagnose.json ${c.name}`)
  }
  // explain takes no key; its result is its own text, not the errMsg echoed back.
  for (const c of diagnoseVectors.explain) {
    const e = noKey(() => explain({ errCode: c.errCode, errMsg: `${c.errMsg} ${GOOD}` }), [GOOD], 'explain')
    assert.equal(e, undefined)
  }
})

/** `noKey` for a call that returns a Promise (the Ledger's methods). */
async function noKeyAsync(call, keys, what) {
  let result
  try {
    result = await call()
  } catch (err) {
    assertNoKey(errorText(err), keys, what)
    return err
  }
  assertNoKey(resultText(result), keys, what)
  return undefined
}

test('Ledger.admitAndIssue: no key in its errors (every bad-key vector, errors beside a good key) or results', async () => {
  const ledger = voipsign.Ledger.memory({ capacity: 1, dailyRoomLimit: 2 })
  const seat = { appId: DOC.appId, groupId: 'secret-room', memberId: 'alice', nowMs: 1717214400000 }
  for (const c of vectors.invalid.filter((v) => v.op === undefined && v.error === 'INVALID_SESSION_KEY')) {
    const err = await noKeyAsync(() => ledger.admitAndIssue({ ...seat, sessionKey: c.sessionKey }), [c.sessionKey], c.name)
    assert.ok(err instanceof VoipSignError && err.code === 'INVALID_SESSION_KEY', `${c.name}: ${util.inspect(err)}`)
  }
  const good = { ...seat, sessionKey: GOOD }
  const typeError = (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE'
  const cases = [
    [() => ledger.admitAndIssue({ ...good, memberId: `${GOOD} ` }), 'INVALID_MEMBER_ID'],
    [() => ledger.admitAndIssue({ ...good, memberId: '' }), 'INVALID_MEMBER_ID'],
    [() => ledger.admitAndIssue({ ...good, roomType: GOOD }), 'INVALID_ROOM_TYPE'],
    [() => ledger.admitAndIssue({ ...good, roomType: 7 }), typeError],
    [() => ledger.admitAndIssue({ ...good, memberId: 7 }), typeError],
    [() => ledger.admitAndIssue({ ...good, nowMs: GOOD }), typeError],
    [() => ledger.admitAndIssue({ ...good, nowMs: 999 }), 'INVALID_TIMESTAMP'],
    [() => ledger.admitAndIssue({ ...good, groupId: '\u0000' + GOOD }), 'INVALID_GROUP_ID'],
    [() => ledger.admitAndIssue(good), null],
    [() => ledger.admitAndIssue({ ...good, sessionKey: OLD, roomType: 'video' }), null], // renewed
    [() => ledger.admitAndIssue({ ...good, memberId: 'bob' }), 'ROOM_FULL'],
    [() => ledger.admitAndIssue({ ...good, groupId: 'second', memberId: 'bob' }), null],
    [() => ledger.admitAndIssue({ ...good, groupId: 'third', memberId: 'carol' }), 'DAILY_ROOM_LIMIT'],
  ]
  for (const [call, expected] of cases) {
    const what = call.toString()
    const err = await noKeyAsync(call, [GOOD, OLD], what)
    if (expected === null) assert.equal(err, undefined, what)
    else if (typeof expected === 'function') assert.ok(expected(err), `${what}: ${util.inspect(err)}`)
    else {
      assert.ok(err instanceof VoipSignError, `${what}: ${util.inspect(err)}`)
      assert.equal(err.code, expected, what)
    }
  }
})
