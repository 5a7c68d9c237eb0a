// diagnose() and explain(): every case of tests/vectors/diagnose.json, the result
// objects, argument errors in field order, and no session_key in any result.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const util = require('node:util')
const { diagnose, explain, sign, canonical, VoipSignError } = require('..')
const { diagnoseVectors, DOC, DOC_SIGNATURE } = require('./helpers/vectors.js')

const pick = ({ appId, groupId, nonceStr, timeStamp, sessionKey, signature, otherSessionKeys }) => ({
  appId,
  groupId,
  nonceStr,
  timeStamp,
  sessionKey,
  signature,
  otherSessionKeys,
})

/** Assert that `fn` throws Node's TypeError ERR_INVALID_ARG_TYPE naming `property`, of type `type`. */
function throwsType(fn, property, expected, type) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof TypeError, `not a TypeError: ${util.inspect(err)}`)
    assert.equal(err.code, 'ERR_INVALID_ARG_TYPE')
    assert.equal(err.message, `The "${property}" property must be ${expected}. Received ${type}`)
    return true
  })
}

/** Assert that `fn` throws a VoipSignError with this code and a message matching `message`. */
function throwsCode(fn, code, message) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof VoipSignError, `not a VoipSignError: ${util.inspect(err)}`)
    assert.equal(err.code, code, err.message)
    if (message instanceof RegExp) assert.match(err.message, message)
    else if (message !== undefined) assert.equal(err.message, message)
    return true
  })
}

/** Whether any run of 6 characters of `key` occurs in `text` (runs of letters only excepted). */
function leaks(text, key) {
  for (let i = 0; i + 6 <= key.length; i++) {
    const run = key.slice(i, i + 6)
    if (/^[a-z]+$/.test(run)) continue // ordinary words may legitimately appear
    if (text.includes(run)) return run
  }
  return null
}

function assertNoKey(result, keys, what) {
  const text = JSON.stringify(result) + util.inspect(result)
  for (const key of keys) {
    const run = leaks(text, key)
    assert.equal(run, null, `${what}: ${JSON.stringify(run)} of a session_key in ${text}`)
  }
}

/**
 * The string-literal members of `export type <name> = '...' | ...` in
 * lib/types.d.ts (voipsign-gen generates them from core's contract).
 */
function unionOf(name) {
  const dts = fs.readFileSync(path.join(__dirname, '..', 'lib', 'types.d.ts'), 'utf8')
  const m = dts.match(new RegExp(`export type ${name} =([\\s\\S]*?)\\n\\n`))
  assert.ok(m, `export type ${name} not found in lib/types.d.ts`)
  const body = m[1].replace(/\/\*\*[\s\S]*?\*\//g, '')
  return [...body.matchAll(/'([A-Z0-9_]+)'/g)].map((x) => x[1]).sort()
}

test('the diagnose vector file has cases of every kind', () => {
  assert.ok(diagnoseVectors.diagnose.length >= 30, 'diagnose')
  assert.ok(diagnoseVectors.explain.length >= 7, 'explain')
  const verdicts = new Set(diagnoseVectors.diagnose.map((c) => c.verdict))
  assert.deepEqual([...verdicts].sort(), ['CORRECT', 'MISTAKE_FOUND', 'UNKNOWN'])
})

test('diagnose: every vector gives its verdict and mistakes, without the keys', async (t) => {
  for (const c of diagnoseVectors.diagnose) {
    await t.test(c.name, () => {
      const d = diagnose(pick(c))
      // Exactly the core's JSON fields, in its order.
      assert.deepEqual(Object.keys(d), ['verdict', 'mistakes', 'message', 'expected', 'canonical'])
      assert.equal(d.verdict, c.verdict)
      assert.ok(Array.isArray(d.mistakes))
      assert.deepEqual(d.mistakes, c.mistakes)
      assert.equal(typeof d.message, 'string')
      assert.ok(d.message.length > 0)
      // The right signature and canonical string, with the timestamp in seconds.
      const seconds = c.timeStamp >= 1e12 ? Math.floor(c.timeStamp / 1000) : c.timeStamp
      const right = { ...pick(c), timeStamp: seconds }
      assert.equal(d.expected, sign(right))
      assert.equal(d.canonical, canonical(right))
      assertNoKey(d, [c.sessionKey, ...c.otherSessionKeys], c.name)
      // A BigInt timeStamp is the same number; an empty otherSessionKeys is the default.
      assert.deepEqual(diagnose({ ...pick(c), timeStamp: BigInt(c.timeStamp) }), d)
      if (c.otherSessionKeys.length === 0) {
        const p = pick(c)
        delete p.otherSessionKeys
        assert.deepEqual(diagnose(p), d)
      }
    })
  }
})

test('explain: every vector gives its cause', async (t) => {
  for (const c of diagnoseVectors.explain) {
    await t.test(`${c.errCode} ${JSON.stringify(c.errMsg)} -> ${c.cause}`, () => {
      const e = explain({ errCode: c.errCode, errMsg: c.errMsg })
      assert.deepEqual(Object.keys(e), ['cause', 'meaning', 'action'])
      assert.equal(e.cause, c.cause)
      assert.equal(typeof e.meaning, 'string')
      assert.ok(e.meaning.length > 0 && e.action.length > 0)
      if (c.errMsg === '') assert.deepEqual(explain({ errCode: c.errCode }), e, 'errMsg defaults to ""')
    })
  }
})

test('lib/types.d.ts: the Verdict, Mistake and Cause unions are the codes the vectors use', () => {
  const mistakes = new Set(diagnoseVectors.diagnose.flatMap((c) => c.mistakes))
  assert.deepEqual(unionOf('Mistake'), [...mistakes].sort())
  assert.equal(unionOf('Mistake').length, 10)
  assert.deepEqual(unionOf('Verdict'), ['CORRECT', 'MISTAKE_FOUND', 'UNKNOWN'])
  const causes = new Set([...diagnoseVectors.explain, ...diagnoseVectors.explainWith].map((c) => c.cause))
  assert.deepEqual(unionOf('Cause'), [...causes].sort())
  assert.equal(unionOf('Cause').length, 11)
})

test('diagnose: the doc example, a millisecond timeStamp and malformed signatures are findings', () => {
  const ok = diagnose({ ...DOC, signature: DOC_SIGNATURE })
  assert.equal(ok.verdict, 'CORRECT')
  assert.deepEqual(ok.mistakes, [])
  assert.equal(ok.expected, DOC_SIGNATURE)
  // 13 digits: not INVALID_TIMESTAMP (sign refuses it), the mistake is reported.
  for (const timeStamp of [DOC.timeStamp * 1000, BigInt(DOC.timeStamp) * 1000n]) {
    const ms = diagnose({ ...DOC, timeStamp, signature: DOC_SIGNATURE })
    assert.equal(ms.verdict, 'MISTAKE_FOUND')
    assert.deepEqual(ms.mistakes, ['TIMESTAMP_MILLISECONDS'])
    assert.equal(ms.expected, DOC_SIGNATURE)
  }
  throwsCode(() => sign({ ...DOC, timeStamp: DOC.timeStamp * 1000 }), 'INVALID_TIMESTAMP', /milliseconds/)
  // Any string is a signature to diagnose, long or not ASCII.
  for (const signature of ['', 'abc', DOC_SIGNATURE + '_tag', 'x'.repeat(5000), '签名'.repeat(40), DOC.sessionKey]) {
    const d = diagnose({ ...DOC, signature })
    assert.equal(d.verdict, 'UNKNOWN', signature.slice(0, 20))
    assert.deepEqual(d.mistakes, [])
    assert.equal(d.expected, DOC_SIGNATURE)
    assertNoKey(d, [DOC.sessionKey], signature.slice(0, 20))
  }
  assert.match(diagnose({ ...DOC, signature: DOC_SIGNATURE + '_tag' }).message, /cloud/)
})

test('diagnose: argument errors have the field\'s code, in field order', () => {
  const base = { ...DOC, signature: DOC_SIGNATURE }
  const other = 'o0q0otL8aEzpcZL/FT9WsQ=='
  throwsCode(() => diagnose({ ...base, appId: '' }), 'INVALID_APP_ID')
  throwsType(() => diagnose({ ...base, groupId: undefined }), 'groupId', 'of type string', 'undefined')
  throwsCode(() => diagnose({ ...base, nonceStr: 'has space' }), 'INVALID_NONCE')
  throwsCode(() => diagnose({ ...base, sessionKey: 'x' }), 'INVALID_SESSION_KEY')
  throwsType(() => diagnose({ ...base, sessionKey: 42 }), 'sessionKey', 'of type string', 'number')
  // timeStamp: a Number or a BigInt; other types are TypeErrors.
  throwsType(() => diagnose({ ...base, timeStamp: '1559129714' }), 'timeStamp', 'of type number or bigint', 'string')
  throwsType(() => diagnose({ ...base, timeStamp: undefined }), 'timeStamp', 'of type number or bigint', 'undefined')
  // Only non-integers and out-of-range values are errors (13 digits are a finding).
  for (const [value, message] of [
    [NaN, /^timeStamp is NaN/],
    [1.5, /^timeStamp 1.5 is not a whole number/],
    [Infinity, /^timeStamp is Infinity/],
    [2n ** 64n, /^timeStamp 18446744073709551616 is too large/],
    [0, /^timeStamp 0 is not positive/],
    [10000000000, /too large/],
    [99999999999999, /too large/],
  ]) {
    throwsCode(() => diagnose({ ...base, timeStamp: value }), 'INVALID_TIMESTAMP', message)
  }
  // signature: any string, but a string.
  throwsType(() => diagnose({ ...DOC }), 'signature', 'of type string', 'undefined')
  throwsType(() => diagnose({ ...base, signature: null }), 'signature', 'of type string', 'null')
  // otherSessionKeys: an array of valid session_keys, each named by its index.
  assert.equal(diagnose({ ...base, otherSessionKeys: [] }).verdict, 'CORRECT')
  assert.equal(diagnose({ ...base, otherSessionKeys: [other, other] }).verdict, 'CORRECT')
  const array = 'an array of strings'
  throwsType(() => diagnose({ ...base, otherSessionKeys: null }), 'otherSessionKeys', array, 'null')
  throwsType(() => diagnose({ ...base, otherSessionKeys: other }), 'otherSessionKeys', array, 'string')
  throwsType(() => diagnose({ ...base, otherSessionKeys: [other, 7] }), 'otherSessionKeys[1]', 'of type string', 'number')
  throwsCode(() => diagnose({ ...base, otherSessionKeys: [other, 'bad'] }), 'INVALID_SESSION_KEY', /^otherSessionKeys\[1\]: sessionKey /)
  throwsCode(() => diagnose({ ...base, otherSessionKeys: [other + '\n'] }), 'INVALID_SESSION_KEY', /^otherSessionKeys\[0\]: .*newline/)
  // The first bad field in order is reported: the four values, sessionKey, otherSessionKeys.
  throwsCode(() => diagnose({ ...base, appId: '', sessionKey: 'x', otherSessionKeys: ['bad'] }), 'INVALID_APP_ID')
  throwsCode(() => diagnose({ ...base, timeStamp: 0, sessionKey: 'x' }), 'INVALID_TIMESTAMP')
  throwsCode(() => diagnose({ ...base, nonceStr: '', otherSessionKeys: ['bad'] }), 'INVALID_NONCE')
  throwsCode(() => diagnose({ ...base, sessionKey: 'x', otherSessionKeys: ['bad'] }), 'INVALID_SESSION_KEY', /^sessionKey /)
  throwsCode(() => diagnose({ ...base, otherSessionKeys: [other, 'bad', 'worse'] }), 'INVALID_SESSION_KEY', /^otherSessionKeys\[1\]: /)
  // A wrong type is a TypeError before any value is checked.
  throwsType(() => diagnose({ ...base, nonceStr: '', otherSessionKeys: [42] }), 'otherSessionKeys[0]', 'of type string', 'number')
  // A millisecond timeStamp is not an error even when it is not the first check.
  throwsCode(() => diagnose({ ...base, timeStamp: DOC.timeStamp * 1000, sessionKey: 'x' }), 'INVALID_SESSION_KEY')
})

test('diagnose: the session_keys never appear in a result or an error', () => {
  const key = 'Zm9vYmFyYmF6cXV4cXV1eA=='
  const old = 'cXV1eGZvb2JhcmJhejEyMw=='
  const room = { appId: DOC.appId, groupId: 'room-42', nonceStr: 'n0nce', timeStamp: DOC.timeStamp }
  const crypto = require('node:crypto')
  const hmac = (k, msg) => crypto.createHmac('sha256', k).update(msg).digest()
  const sorted = [room.appId, room.groupId, room.nonceStr, String(room.timeStamp)].sort().join('')
  const signatures = [
    sign({ ...room, sessionKey: key }),
    sign({ ...room, sessionKey: old }),
    hmac(key + '\n', sorted).toString('hex'),
    hmac(Buffer.from(key, 'base64'), sorted).toString('base64'),
    hmac(sorted, key).toString('hex').toUpperCase(),
    crypto.createHash('sha256').update(key + sorted).digest('hex'),
    key,
    old,
    `${key}${old}`,
  ]
  for (const signature of signatures) {
    const d = diagnose({ ...room, sessionKey: key, signature, otherSessionKeys: [old] })
    assertNoKey(d, [key, old], signature.slice(0, 16))
  }
  const stale = diagnose({ ...room, sessionKey: key, signature: signatures[1], otherSessionKeys: [old] })
  assert.deepEqual(stale.mistakes, ['STALE_SESSION_KEY'])
  // Errors about a bad key (current or older) do not show it either.
  for (const call of [
    () => diagnose({ ...room, sessionKey: key + ' ', signature: signatures[0] }),
    () => diagnose({ ...room, sessionKey: key, signature: signatures[0], otherSessionKeys: [old + '\n'] }),
    () => diagnose({ ...room, sessionKey: key, signature: signatures[0], otherSessionKeys: [old.slice(0, 22) + 'A='] }),
  ]) {
    assert.throws(call, (err) => {
      assert.ok(err instanceof VoipSignError)
      assertNoKey({ message: err.message, stack: err.stack }, [key, old], err.message)
      return true
    })
  }
})

test('explain: errCode an integer Number, errMsg a string or absent', () => {
  assert.equal(explain({ errCode: -1000, errMsg: undefined }).cause, 'SYSTEM_ERROR')
  assert.equal(explain({ errCode: -1000.0, errMsg: 'x' }).cause, 'SYSTEM_ERROR')
  assert.equal(explain({ errCode: 0 }).cause, 'UNKNOWN')
  assert.equal(explain({ errCode: -7, errMsg: 'joinVoIPChat:fail 房间 errCode: -12020' }).cause, 'INVALID_SIGNATURE')
  // A long errMsg (beyond the stack buffer) is read whole.
  assert.equal(explain({ errCode: -7, errMsg: 'x'.repeat(5000) + ' -13000' }).cause, 'DAILY_ROOM_LIMIT')
  // The object the fail callback received can be passed as is.
  assert.equal(explain({ errCode: -2, errMsg: 'joinVoIPChat:fail', extra: true }).cause, 'DEVICE_BUSY')
  const typeError = (name, type) => (err) =>
    err instanceof TypeError &&
    err.code === 'ERR_INVALID_ARG_TYPE' &&
    err.message === `The "${name}" property must be of type ${name === 'errCode' ? 'number' : 'string'}. Received ${type}`
  assert.throws(() => explain({ errMsg: 'x' }), typeError('errCode', 'undefined'))
  assert.throws(() => explain({ errCode: '-1000' }), typeError('errCode', 'string'))
  assert.throws(() => explain({ errCode: null }), typeError('errCode', 'null'))
  assert.throws(() => explain({ errCode: -1000n }), typeError('errCode', 'bigint'))
  assert.throws(() => explain({ errCode: -1000, errMsg: null }), typeError('errMsg', 'null'))
  assert.throws(() => explain({ errCode: -1000, errMsg: 42 }), typeError('errMsg', 'number'))
  for (const [value, received] of [
    [1.5, 'an integer. Received 1.5'],
    [NaN, 'an integer. Received NaN'],
    [-Infinity, 'an integer. Received -Infinity'],
    [2 ** 53, '>= -9007199254740991 && <= 9007199254740991. Received 9.007199254740992e15'],
  ]) {
    assert.throws(
      () => explain({ errCode: value }),
      (err) =>
        err instanceof RangeError &&
        err.code === 'ERR_OUT_OF_RANGE' &&
        err.message === `The value of "errCode" is out of range. It must be ${received}`,
    )
  }
})
