// explain({ errCode, errMsg, context }): every case of tests/vectors/diagnose.json's
// "explainWith" (the ledger context names SESSION_KEY_REPLACED, SEATED_ELSEWHERE,
// a ROOM_FULL the ledger did not count, a quota reached outside it) and
// "explainWithInvalid" (InvalidContext naming the field), and the argument errors.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { explain, InvalidContext, VoipSignError } = require('..')
const { diagnoseVectors } = require('./helpers/vectors.js')

test('every explainWith case: the cause, and the words the meaning must hold', () => {
  assert.ok(diagnoseVectors.explainWith.length >= 8)
  for (const c of diagnoseVectors.explainWith) {
    const x = explain({ errCode: c.errCode, errMsg: c.errMsg, context: c.context })
    assert.equal(x.cause, c.cause, JSON.stringify(c))
    if (c.inMeaning) assert.ok(x.meaning.includes(c.inMeaning), `${x.meaning} lacks ${c.inMeaning}`)
  }
})

test('every explainWithInvalid case: InvalidContext (an input error) naming the field', () => {
  for (const c of diagnoseVectors.explainWithInvalid) {
    assert.throws(
      () => explain({ errCode: -1, context: c.context }),
      (err) => {
        assert.ok(err instanceof InvalidContext && err instanceof VoipSignError, String(err))
        assert.equal(err.code, c.code)
        assert.equal(err.kind, 'input')
        assert.ok(err.message.includes(c.inMessage), err.message)
        return true
      },
    )
  }
})

test('no context, null or {} is the plain explanation; a context that is not an object is a TypeError', () => {
  const plain = explain({ errCode: -1 })
  assert.deepEqual(explain({ errCode: -1, context: null }), plain)
  assert.deepEqual(explain({ errCode: -1, context: {} }), plain)
  for (const bad of ['x', 3, [1]]) {
    assert.throws(() => explain({ errCode: -1, context: bad }), (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE')
  }
  // snake_case is not Node's spelling: the message names the camelCase fields.
  assert.throws(() => explain({ errCode: -1, context: { key_replaced: true } }), /keyReplaced/)
})
