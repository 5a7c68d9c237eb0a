// Every vector of tests/vectors/signatures.json, byte for byte.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { sign, verify, canonical, signMany, sessionSignature, VoipSignError } = require('..')
const { vectors } = require('./helpers/vectors.js')

const pick = ({ appId, groupId, nonceStr, timeStamp, sessionKey }) => ({
  appId,
  groupId,
  nonceStr,
  timeStamp,
  sessionKey,
})

test('the vector file has cases of every kind', () => {
  assert.ok(vectors.cases.length >= 10, 'cases')
  assert.ok(vectors.invalid.length >= 10, 'invalid')
  assert.ok(vectors.session_signatures.length >= 2, 'session_signatures')
  assert.equal(vectors.cases[0].name, 'doc-example')
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

test('invalid: refused with the named code', async (t) => {
  for (const c of vectors.invalid) {
    await t.test(`${c.name} -> ${c.error}`, () => {
      const p = pick(c)
      const expected = (err) => {
        assert.ok(err instanceof VoipSignError, `${err}`)
        assert.ok(err instanceof Error)
        assert.equal(err.name, 'VoipSignError')
        assert.equal(err.code, c.error)
        assert.match(err.message, /^(appId|groupId|nonceStr|timeStamp|sessionKey|sessionKeys\[0\]: sessionKey) /)
        return true
      }
      assert.throws(() => sign(p), expected)
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
