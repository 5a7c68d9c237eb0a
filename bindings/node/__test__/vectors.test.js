// Every vector of tests/vectors/signatures.json: cases byte for byte, session
// signatures, and every invalid case through its operation ("op"), refused with
// its code (and the start of its message where the vector gives one).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const api = require('..')
const { vectors } = require('./helpers/vectors.js')
const { callOf, OPS } = require('./helpers/ops.js')

const { sign, verify, canonical, signMany, sessionSignature, VoipSignError } = api

const pick = ({ appId, groupId, nonceStr, timeStamp, sessionKey }) => ({
  appId,
  groupId,
  nonceStr,
  timeStamp,
  sessionKey,
})

/** The names a core error message starts with (the field it is about). */
const FIELD = /^(appId|groupId|nonceStr|timeStamp|sessionKey|signature|roomType|(sessionKeys|otherSessionKeys)\[\d+\]: sessionKey) /

test('the vector file has cases of every kind, and invalid ones of every op', () => {
  assert.ok(vectors.cases.length >= 10, 'cases')
  assert.ok(vectors.invalid.length >= 200, 'invalid')
  assert.ok(vectors.session_signatures.length >= 2, 'session_signatures')
  assert.equal(vectors.cases[0].name, 'doc-example')
  const ops = new Set(vectors.invalid.map((c) => c.op ?? 'sign'))
  assert.deepEqual([...ops].sort(), [...OPS].sort())
  assert.ok(vectors.invalid.some((c) => c.messagePrefix), 'some cases carry messagePrefix')
})

test('cases: canonical and signature', async (t) => {
  for (const c of vectors.cases) {
    await t.test(c.name, () => {
      const p = pick(c)
      assert.equal(canonical(p), c.canonical)
      assert.equal(sign(p), c.signature)
      assert.equal(verify({ ...p, signature: c.signature }), true)
      assert.equal(verify({ ...p, signature: c.signature.toUpperCase() }), false, 'upper-case hex')
      const other = c.signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0'))
      assert.equal(verify({ ...p, signature: other }), false, 'one digit changed')
      assert.deepEqual(signMany({ ...p, sessionKeys: [c.sessionKey] }), [c.signature])
      // A BigInt timeStamp in range is the same number.
      assert.equal(sign({ ...p, timeStamp: BigInt(c.timeStamp) }), c.signature)
    })
  }
})

test('invalid: every case through its op, refused with its code and message prefix', async (t) => {
  let checked = 0
  for (const c of vectors.invalid) {
    await t.test(`${c.op ?? 'sign'} ${c.name} -> ${c.error}`, () => {
      assert.throws(callOf(api, c), (err) => {
        assert.ok(err instanceof api.InputError, `${err}`)
        assert.ok(err instanceof Error)
        assert.equal(err.name, api.errorOf(c.error, 'input', '').name)
        assert.equal(err.code, c.error, err.message)
        assert.equal(err.kind, 'input')
        if (c.messagePrefix !== undefined) {
          assert.ok(err.message.startsWith(c.messagePrefix), `${JSON.stringify(err.message)} starts with ${c.messagePrefix}`)
        }
        assert.match(err.message, FIELD)
        return true
      })
      checked++
    })
  }
  assert.equal(checked, vectors.invalid.length)
})

test('invalid sign cases: the same code from verify, signMany and canonical or sessionSignature', async (t) => {
  for (const c of vectors.invalid.filter((v) => v.op === undefined)) {
    await t.test(`${c.name} -> ${c.error}`, () => {
      const p = pick(c)
      const expected = (err) => {
        assert.ok(err instanceof VoipSignError, `${err}`)
        assert.equal(err.code, c.error)
        assert.match(err.message, FIELD)
        return true
      }
      assert.throws(() => verify({ ...p, signature: 'a'.repeat(64) }), expected)
      assert.throws(() => signMany({ ...p, sessionKeys: [p.sessionKey] }), expected)
      if (c.error !== 'INVALID_SESSION_KEY') {
        assert.throws(() => canonical(p), expected)
      } else {
        assert.throws(() => sessionSignature(p.sessionKey), expected)
      }
    })
  }
})

test('session_signatures: string and Buffer bodies', async (t) => {
  for (const c of vectors.session_signatures) {
    await t.test(c.name, () => {
      assert.equal(sessionSignature(c.sessionKey, c.body), c.signature)
      assert.equal(sessionSignature(c.sessionKey, Buffer.from(c.body, 'utf8')), c.signature)
      assert.equal(sessionSignature(c.sessionKey, new TextEncoder().encode(c.body)), c.signature)
      if (c.body === '') assert.equal(sessionSignature(c.sessionKey), c.signature, 'default body')
    })
  }
})
