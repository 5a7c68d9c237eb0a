// The JavaScript surface: issue, signMany, argument types, error objects (panics:
// panic.test.js).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const voipsign = require('..')
const { DOC, DOC_SIGNATURE } = require('./helpers/vectors.js')

const { sign, verify, canonical, issue, signMany, sessionSignature, VoipSignError } = voipsign

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

/** Assert that `fn` throws Node's TypeError ERR_INVALID_ARG_TYPE naming `property`, of type `type`. */
function throwsType(fn, property, expected, type) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof TypeError, `not a TypeError: ${util.inspect(err)}`)
    assert.ok(!(err instanceof VoipSignError))
    assert.equal(err.code, 'ERR_INVALID_ARG_TYPE')
    assert.equal(err.message, `The "${property}" property must be ${expected}. Received ${type}`)
    return true
  })
}

test('the package exports exactly the API: the functions, Ledger, and lib/codes.js', () => {
  const codes = require('../lib/codes.js')
  const functions = ['canonical', 'diagnose', 'explain', 'issue', 'sessionSignature', 'sign', 'signMany', 'verify']
  assert.deepEqual(Object.keys(voipsign).sort(), [...functions, 'Ledger', ...Object.keys(codes)].sort())
  for (const name of Object.keys(codes)) assert.equal(voipsign[name], codes[name], name)
  // One class per code a Node user can meet, plus the root and the three kind bases.
  const classes = Object.keys(codes).filter((k) => /^[A-Z]/.test(k))
  assert.equal(classes.length, Object.keys(codes.codes).length + 4)
  assert.ok(!('NULL_ARGUMENT' in codes.codes) && !('BUFFER_TOO_SMALL' in codes.codes), 'C-only codes are not Node\'s')
})

test('error kinds: refusals are not input errors; every class has its code and kind', () => {
  const { InputError, RefusalError, OutageError, RoomFull, InvalidAppId, LedgerUnavailable, InternalError, codes } = voipsign
  assert.ok(RoomFull.prototype instanceof RefusalError)
  assert.ok(!(RoomFull.prototype instanceof InputError))
  assert.ok(InvalidAppId.prototype instanceof InputError)
  assert.ok(!(InvalidAppId.prototype instanceof RefusalError))
  assert.ok(LedgerUnavailable.prototype instanceof OutageError)
  assert.ok(!(LedgerUnavailable.prototype instanceof InputError))
  assert.ok(InternalError.prototype instanceof VoipSignError)
  assert.ok(![InputError, RefusalError, OutageError].some((B) => InternalError.prototype instanceof B))
  for (const B of [InputError, RefusalError, OutageError]) assert.ok(B.prototype instanceof VoipSignError)
  // Every code: its class makes an error with that code, kind and name.
  const byKind = { input: InputError, refusal: RefusalError, outage: OutageError, internal: VoipSignError }
  for (const [code, info] of Object.entries(codes)) {
    const err = voipsign.errorOf(code, info.kind, 'm')
    assert.equal(err.code, code)
    assert.equal(err.kind, info.kind)
    assert.equal(err.message, 'm')
    assert.ok(err instanceof byKind[info.kind], code)
    assert.equal(err.constructor, voipsign[err.name], code)
    assert.ok(err.name !== 'VoipSignError' && /^[A-Z][A-Za-z0-9]+$/.test(err.name), code)
    assert.ok(Number.isInteger(info.number) && info.doc.length > 0, code)
  }
  assert.equal(codes.LEDGER_CLOSED.kind, 'input')
  // Issue 23: a member past its day's openings is refused (not a bad value); a page size is a value.
  const { MemberDailyLimit, InvalidLimit } = voipsign
  assert.ok(MemberDailyLimit.prototype instanceof RefusalError && !(MemberDailyLimit.prototype instanceof InputError))
  assert.ok(InvalidLimit.prototype instanceof InputError && !(InvalidLimit.prototype instanceof RefusalError))
  assert.deepEqual([codes.MEMBER_DAILY_LIMIT.kind, codes.MEMBER_DAILY_LIMIT.number], ['refusal', 21])
  assert.deepEqual([codes.INVALID_LIMIT.kind, codes.INVALID_LIMIT.number], ['input', 22])
  assert.deepEqual([new MemberDailyLimit('m').code, new InvalidLimit('m').code], ['MEMBER_DAILY_LIMIT', 'INVALID_LIMIT'])
  assert.equal(new RoomFull().message, 'the room is full: every seat is taken')
  // A code this version does not know (a newer core): its kind's base, never a plain Error.
  const newer = voipsign.errorOf('SEAT_QUOTA_EXCEEDED', 'refusal', 'too many seats')
  assert.equal(newer.constructor, RefusalError)
  assert.deepEqual([newer.code, newer.kind, newer.name], ['SEAT_QUOTA_EXCEEDED', 'refusal', 'RefusalError'])
  assert.equal(voipsign.errorOf('X', 'outage', 'm').constructor, OutageError)
  assert.equal(voipsign.errorOf('X', 'internal', 'm').constructor, VoipSignError)
  const odd = voipsign.errorOf('X', 'cosmic', 'm')
  assert.deepEqual([odd.constructor, odd.kind], [VoipSignError, 'cosmic'])
})

test('the doc example', () => {
  assert.equal(sign(DOC), DOC_SIGNATURE)
  assert.equal(canonical(DOC), '1559129713_67297598215591297148AP6DT9ybtniUJfbwx20afc706a711eefc')
  assert.equal(verify({ ...DOC, signature: DOC_SIGNATURE }), true)
  // Extra properties are ignored: the object a front end has can be passed as is.
  assert.equal(sign({ ...DOC, roomType: 'voice', extra: 1 }), DOC_SIGNATURE)
})

test('issue() round-trips through verify()', () => {
  const before = Math.floor(Date.now() / 1000)
  const ticket = issue({ appId: DOC.appId, groupId: 'room-42', sessionKey: DOC.sessionKey })
  const after = Math.floor(Date.now() / 1000)
  // Exactly the object wx.joinVoIPChat takes, in this order.
  assert.deepEqual(Object.keys(ticket), ['groupId', 'nonceStr', 'timeStamp', 'signature', 'roomType'])
  assert.equal(ticket.groupId, 'room-42')
  assert.match(ticket.nonceStr, /^[A-Za-z0-9]{32}$/)
  assert.equal(typeof ticket.timeStamp, 'number')
  assert.ok(ticket.timeStamp >= before && ticket.timeStamp <= after, `${ticket.timeStamp}`)
  assert.match(ticket.signature, /^[0-9a-f]{64}$/)
  assert.equal(ticket.roomType, 'voice')
  const json = JSON.parse(JSON.stringify(ticket))
  assert.equal(typeof json.timeStamp, 'number')
  assert.equal(
    verify({ appId: DOC.appId, ...ticket, sessionKey: DOC.sessionKey }),
    true,
    'the ticket verifies',
  )
  assert.equal(sign({ appId: DOC.appId, ...ticket, sessionKey: DOC.sessionKey }), ticket.signature)
  // Another appId or key does not verify.
  assert.equal(verify({ appId: 'wx0000000000000000', ...ticket, sessionKey: DOC.sessionKey }), false)
  assert.equal(verify({ appId: DOC.appId, ...ticket, sessionKey: 'o0q0otL8aEzpcZL/FT9WsQ==' }), false)
})

test('issue(): roomType, fresh nonces, errors in field order', () => {
  const base = { appId: DOC.appId, groupId: 'g', sessionKey: DOC.sessionKey }
  assert.equal(issue({ ...base, roomType: 'video' }).roomType, 'video')
  assert.equal(issue({ ...base, roomType: undefined }).roomType, 'voice')
  const nonces = new Set(Array.from({ length: 200 }, () => issue(base).nonceStr))
  assert.equal(nonces.size, 200)
  throwsCode(() => issue({ ...base, roomType: 'Video' }), 'INVALID_ROOM_TYPE', /roomType "Video"/)
  throwsType(() => issue({ ...base, roomType: 1 }), 'roomType', 'of type string', 'number')
  throwsType(() => issue({ ...base, roomType: null }), 'roomType', 'of type string', 'null')
  throwsCode(() => issue({ ...base, appId: 'wx 1' }), 'INVALID_APP_ID')
  throwsCode(() => issue({ ...base, groupId: '' }), 'INVALID_GROUP_ID')
  throwsCode(() => issue({ ...base, sessionKey: 'x' }), 'INVALID_SESSION_KEY')
  throwsType(() => issue({ ...base, groupId: undefined }), 'groupId', 'of type string', 'undefined')
  // The first bad field in order is the one reported.
  throwsCode(() => issue({ appId: '', groupId: '', sessionKey: '', roomType: 'x' }), 'INVALID_APP_ID')
  throwsCode(() => issue({ ...base, sessionKey: '', roomType: 'x' }), 'INVALID_SESSION_KEY')
})

test('signMany() equals sign() per key, in order', () => {
  const keys = [
    'gDyVgzwa0mFz9uUP7M6GQQ==',
    'o0q0otL8aEzpcZL/FT9WsQ==',
    'kUpBwvRHPfIDSEEATFMKZg==',
    'PgHhLiZqgwGKhZhDhP7g7A==',
    'hd6Ja/yM0kg/JbaZROpZFA==',
    'KFwBJQ9lvU1gFhk1q40qlg==',
    'gDyVgzwa0mFz9uUP7M6GQQ==', // a key twice: two equal signatures
  ]
  for (const groupId of ['1559129713_672975982', '房间-42', '99']) {
    const p = { ...DOC, groupId }
    const many = signMany({ ...p, sessionKeys: keys })
    assert.ok(Array.isArray(many))
    assert.deepEqual(
      many,
      keys.map((sessionKey) => sign({ ...p, sessionKey })),
    )
    assert.equal(new Set(many).size, keys.length - 1)
  }
  assert.deepEqual(signMany({ ...DOC, sessionKeys: [] }), [])
  // Any array-like iterable is not enough: an array of strings is required (a
  // wrong type is a TypeError, raised where the property is read).
  const array = 'an array of strings'
  throwsType(() => signMany({ ...DOC }), 'sessionKeys', array, 'undefined')
  throwsType(() => signMany({ ...DOC, sessionKeys: new Set(keys) }), 'sessionKeys', array, 'object')
  throwsType(() => signMany({ ...DOC, sessionKeys: DOC.sessionKey }), 'sessionKeys', array, 'string')
  throwsType(() => signMany({ ...DOC, sessionKeys: [keys[0], 42] }), 'sessionKeys[1]', 'of type string', 'number')
  // eslint-disable-next-line no-sparse-arrays
  throwsType(() => signMany({ ...DOC, sessionKeys: [keys[0], , keys[1]] }), 'sessionKeys[1]', 'of type string', 'undefined')
  throwsCode(() => signMany({ ...DOC, sessionKeys: [keys[0], keys[1], 'bad'] }), 'INVALID_SESSION_KEY', /^sessionKeys\[2\]: /)
  // A bad room field is reported before a bad key (the core's order); a key of
  // the wrong type is a TypeError before any value is checked.
  throwsCode(() => signMany({ ...DOC, nonceStr: '', sessionKeys: ['bad'] }), 'INVALID_NONCE')
  throwsType(() => signMany({ ...DOC, nonceStr: '', sessionKeys: [42] }), 'sessionKeys[0]', 'of type string', 'number')
  // Keys beyond the addon's stack buffer, and not ASCII, are read whole.
  throwsCode(() => signMany({ ...DOC, sessionKeys: [keys[0], 'k'.repeat(500)] }), 'INVALID_SESSION_KEY', /^sessionKeys\[1\]: /)
  throwsCode(() => signMany({ ...DOC, sessionKeys: ['é'.repeat(24)] }), 'INVALID_SESSION_KEY', /^sessionKeys\[0\]: /)
})

test('a missing or mistyped field is a TypeError naming it (ERR_INVALID_ARG_TYPE)', () => {
  for (const field of ['appId', 'groupId', 'nonceStr', 'sessionKey']) {
    const p = { ...DOC }
    delete p[field]
    throwsType(() => sign(p), field, 'of type string', 'undefined')
    throwsType(() => sign({ ...DOC, [field]: undefined }), field, 'of type string', 'undefined')
    for (const [value, type] of [
      [1559129714, 'number'],
      [null, 'null'],
      [true, 'boolean'],
      [{ toString: () => 'wx20afc706a711eefc' }, 'object'],
      [['wx'], 'object'],
      [Buffer.from('wx20afc706a711eefc'), 'object'],
      [new String('wx20afc706a711eefc'), 'object'],
      [Symbol('x'), 'symbol'],
      [10n, 'bigint'],
      [() => 'x', 'function'],
    ]) {
      throwsType(() => sign({ ...DOC, [field]: value }), field, 'of type string', type)
    }
  }
  // timeStamp: a Number or a BigInt; anything else, strings included, is a TypeError.
  const noTime = { ...DOC }
  delete noTime.timeStamp
  const number = 'of type number or bigint'
  throwsType(() => sign(noTime), 'timeStamp', number, 'undefined')
  for (const [value, type] of [
    ['1559129714', 'string'],
    [null, 'null'],
    [new Date(1559129714000), 'object'],
    [new Number(1559129714), 'object'],
    [true, 'boolean'],
  ]) {
    throwsType(() => sign({ ...DOC, timeStamp: value }), 'timeStamp', number, type)
    throwsType(() => canonical({ ...DOC, timeStamp: value }), 'timeStamp', number, type)
  }
  throwsType(() => verify({ ...DOC }), 'signature', 'of type string', 'undefined')
  throwsType(() => verify({ ...DOC, signature: 7 }), 'signature', 'of type string', 'number')
  // Types are checked where each property is read, in order: the first wrong one is named.
  throwsType(() => sign({ ...DOC, groupId: 1, sessionKey: 2 }), 'groupId', 'of type string', 'number')
  // ...before any value is checked: a bad appId does not hide a mistyped sessionKey.
  throwsType(() => sign({ ...DOC, appId: '', sessionKey: 2 }), 'sessionKey', 'of type string', 'number')
})

test('timeStamp: integer Numbers and in-range BigInts only', () => {
  // Which values are refused, and how they are named, is the core's to say.
  const bad = [
    [1559129714.5, 'timeStamp 1559129714.5 is not a whole number; pass Unix time in whole seconds'],
    [NaN, 'timeStamp is NaN; pass Unix time in whole seconds'],
    [Infinity, 'timeStamp is Infinity; pass Unix time in whole seconds'],
    [-Infinity, 'timeStamp is -Infinity; pass Unix time in whole seconds'],
    [2n ** 63n, /^timeStamp 9223372036854775808 is too large/],
    [2n ** 64n, /^timeStamp 18446744073709551616 is too large/],
    [-(2n ** 64n), /^timeStamp -18446744073709551616 is not positive/],
    [2n ** 127n - 1n, /^timeStamp 170141183460469231731687303715884105727 is too large/],
    // Beyond ±2^127 the addon passes the nearest i128, out of range all the same.
    [2n ** 200n, /^timeStamp 170141183460469231731687303715884105727 is too large/],
    [-(2n ** 200n), /^timeStamp -170141183460469231731687303715884105728 is not positive/],
    [1e300, /too large/],
    [2 ** 63, /^timeStamp 9223372036854775808 is too large/],
    [1559129714000, 'timeStamp 1559129714000 looks like milliseconds; pass seconds (1559129714)'],
    [1559129714000n, 'timeStamp 1559129714000 looks like milliseconds; pass seconds (1559129714)'],
    [0, /^timeStamp 0 is not positive/],
    [-0, /^timeStamp 0 is not positive/],
    [-5, /^timeStamp -5 is not positive/],
    [10000000000, /^timeStamp 10000000000 is too large/],
    [Number.MAX_SAFE_INTEGER, /too large/],
  ]
  for (const [value, message] of bad) {
    throwsCode(() => sign({ ...DOC, timeStamp: value }), 'INVALID_TIMESTAMP', message)
    throwsCode(() => canonical({ ...DOC, timeStamp: value }), 'INVALID_TIMESTAMP', message)
  }
  // 1.0 is an integer Number; BigInts in range are accepted.
  assert.equal(sign({ ...DOC, timeStamp: 1559129714.0 }), DOC_SIGNATURE)
  assert.equal(sign({ ...DOC, timeStamp: 1559129714n }), DOC_SIGNATURE)
  // "1" sorts first, as text.
  assert.equal(canonical({ ...DOC, timeStamp: 1 }), '11559129713_6729759828AP6DT9ybtniUJfbwx20afc706a711eefc')
  assert.equal(canonical({ ...DOC, timeStamp: 9999999999n }).slice(0, 10), '1559129713')
})

test('a params argument that is not an object is a TypeError', () => {
  for (const fn of [sign, verify, canonical, issue, signMany, voipsign.diagnose, voipsign.explain]) {
    for (const value of [undefined, null, 'wx20afc706a711eefc', 42]) {
      assert.throws(
        () => fn(value),
        (err) =>
          err instanceof TypeError &&
          err.code === 'ERR_INVALID_ARG_TYPE' &&
          err.message.includes(`argument of ${fn.name}() must be an object`),
      )
    }
  }
})

test('sessionSignature(): key checked, body a string or bytes', () => {
  const key = 'o0q0otL8aEzpcZL/FT9WsQ=='
  const expected = '654571f79995b2ce1e149e53c0a33dc39c0a74090db514261454e8dbe432aa0b'
  assert.equal(sessionSignature(key, '{"foo":"bar"}'), expected)
  assert.equal(sessionSignature(key, Buffer.from('{"foo":"bar"}')), expected)
  // A Buffer that is a slice of a larger one: only its own bytes count.
  const big = Buffer.from('xx{"foo":"bar"}yy')
  assert.equal(sessionSignature(key, big.subarray(2, big.length - 2)), expected)
  assert.equal(sessionSignature(key, ''), sessionSignature(key))
  assert.equal(sessionSignature(key, Buffer.alloc(0)), sessionSignature(key))
  // A long body (over the stack buffer) and a non-ASCII one, as UTF-8.
  const long = '{"room":"' + '房'.repeat(5000) + '"}'
  assert.equal(sessionSignature(key, long), sessionSignature(key, Buffer.from(long)))
  for (const [value, type] of [[undefined, 'undefined'], [12, 'number'], [Buffer.from(key), 'object']]) {
    assert.throws(
      () => sessionSignature(value),
      (err) =>
        err instanceof TypeError &&
        err.code === 'ERR_INVALID_ARG_TYPE' &&
        err.message === `The "sessionKey" argument must be of type string. Received ${type}`,
    )
  }
  throwsCode(() => sessionSignature(key + '\n'), 'INVALID_SESSION_KEY', /newline/)
  for (const body of [12, null, {}, new Uint16Array(2), ['a']]) {
    assert.throws(
      () => sessionSignature(key, body),
      (err) => err instanceof TypeError && err.code === 'ERR_INVALID_ARG_TYPE' && /"body" argument/.test(err.message),
    )
  }
})

test('strings: long, non-ASCII and lone surrogates', () => {
  // 1024 bytes of UTF-8 is the limit for groupId, 1025 is refused.
  const g1024 = '房'.repeat(341) + 'x'
  assert.equal(Buffer.byteLength(g1024), 1024)
  assert.match(sign({ ...DOC, groupId: g1024 }), /^[0-9a-f]{64}$/)
  throwsCode(() => sign({ ...DOC, groupId: g1024 + 'x' }), 'INVALID_GROUP_ID', /1025 bytes/)
  throwsCode(() => sign({ ...DOC, groupId: 'x'.repeat(100000) }), 'INVALID_GROUP_ID', /100000 bytes/)
  throwsCode(() => sign({ ...DOC, appId: 'w'.repeat(200) }), 'INVALID_APP_ID', /200 bytes/)
  throwsCode(() => sign({ ...DOC, nonceStr: 'n'.repeat(300) }), 'INVALID_NONCE', /300 characters/)
  throwsCode(() => sign({ ...DOC, appId: 'wx\u0177' }), 'INVALID_APP_ID', /non-ASCII/)
  throwsCode(() => sign({ ...DOC, sessionKey: 'gDyVgzwa0mFz9uUP7M6GQQ\u00e9=' }), 'INVALID_SESSION_KEY')
  // An emoji groupId signs its UTF-8 bytes, like Node's crypto.
  const crypto = require('node:crypto')
  const idiom = (p) =>
    crypto
      .createHmac('sha256', p.sessionKey)
      .update([p.appId, p.groupId, p.nonceStr, p.timeStamp].sort().join(''))
      .digest('hex')
  for (const groupId of ['🎮room', 'a\ud800b', '\udc00', 'é'.repeat(512), 'x'.repeat(1024), '房'.repeat(300)]) {
    const p = { ...DOC, groupId }
    assert.equal(sign(p), idiom(p), JSON.stringify(groupId).slice(0, 40))
  }
  // Around the addon's stack buffer (129 UTF-16 units and a NUL): the same text,
  // ASCII or not, on the stack or on the heap.
  for (const n of [127, 128, 129, 130, 131]) {
    for (const groupId of ['x'.repeat(n), 'é'.repeat(n), 'x'.repeat(n - 1) + '\ud800']) {
      const p = { ...DOC, groupId }
      assert.equal(sign(p), idiom(p), `${n} units of ${JSON.stringify(groupId.slice(-2))}`)
    }
    const nonceStr = 'n'.repeat(n)
    if (n <= 127) assert.equal(sign({ ...DOC, nonceStr }), idiom({ ...DOC, nonceStr }))
    else throwsCode(() => sign({ ...DOC, nonceStr }), 'INVALID_NONCE', new RegExp(`${n} characters`))
  }
  for (const n of [1278, 1279, 1280, 1281]) {
    throwsCode(() => sign({ ...DOC, groupId: 'x'.repeat(n) }), 'INVALID_GROUP_ID', new RegExp(`is ${n} bytes`))
  }
})

test('a throwing getter propagates its own exception (properties are read in JavaScript)', () => {
  const boom = new Error('boom')
  const p = {
    ...DOC,
    get nonceStr() {
      throw boom
    },
  }
  assert.throws(() => sign(p), (err) => err === boom)
})

test('the session_key never appears in an error', () => {
  const key = 'Zm9vYmFyYmF6cXV4cXV1eA=='
  assert.equal(sign({ ...DOC, sessionKey: key }).length, 64)
  const badKeys = [
    key + '\n',
    key + ' ',
    key.slice(0, 20),
    key.replace('Z', '-'),
    key.slice(0, 22) + 'A=',
    key + key,
    'o' + key + 'xyz',
    key.replace('==', '\u00e9='),
  ]
  const calls = []
  for (const k of badKeys) {
    calls.push(() => sign({ ...DOC, sessionKey: k }))
    calls.push(() => verify({ ...DOC, sessionKey: k, signature: DOC_SIGNATURE }))
    calls.push(() => signMany({ ...DOC, sessionKeys: [key, k] }))
    calls.push(() => issue({ ...DOC, sessionKey: k }))
    calls.push(() => sessionSignature(k, 'body'))
  }
  // Errors about other fields, with a good key.
  calls.push(() => sign({ ...DOC, sessionKey: key, appId: '' }))
  calls.push(() => sign({ ...DOC, sessionKey: key, timeStamp: 0 }))
  calls.push(() => verify({ ...DOC, sessionKey: key, signature: key }))
  calls.push(() => verify({ ...DOC, sessionKey: key, signature: 'f'.repeat(64) + '_' + key }))
  calls.push(() => issue({ ...DOC, sessionKey: key, roomType: 'Voice' }))
  let n = 0
  for (const call of calls) {
    assert.throws(call, (err) => {
      assert.ok(err instanceof VoipSignError, util.inspect(err))
      const text = [err.message, err.stack, util.inspect(err), JSON.stringify(err)].join('\n')
      // No run of 6 characters of the key (nor of its decoded bytes as text).
      for (let i = 0; i + 6 <= key.length; i++) {
        const run = key.slice(i, i + 6)
        if (/^[a-z]+$/.test(run)) continue // ordinary words may legitimately appear
        assert.ok(!text.includes(run), `${JSON.stringify(run)} in ${JSON.stringify(err.message)}`)
      }
      n++
      return true
    })
  }
  assert.equal(n, calls.length)
})

test('VoipSignError is a proper Error subclass', () => {
  let err
  try {
    sign({ ...DOC, nonceStr: 'has space' })
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof voipsign.InvalidNonce)
  assert.ok(err instanceof voipsign.InputError)
  assert.ok(err instanceof VoipSignError)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'InvalidNonce')
  assert.equal(err.code, 'INVALID_NONCE')
  assert.equal(err.kind, 'input')
  assert.equal(err.message, 'nonceStr contains a space at byte 3; only printable ASCII (0x21-0x7E) is allowed')
  assert.match(String(err), /^InvalidNonce: nonceStr/)
  // The stack points at the caller, not only at the addon.
  assert.match(err.stack, /api\.test\.js/)
  const own = new VoipSignError('INTERNAL', 'made by hand')
  assert.equal(own.code, 'INTERNAL')
  assert.equal(own.kind, 'internal')
  assert.equal(own.name, 'VoipSignError')
  assert.equal(own.message, 'made by hand')
  assert.equal(new VoipSignError('ROOM_FULL', 'by hand').kind, 'refusal')
})

test('the ESM entry exports the same functions', async () => {
  const esm = await import('../index.mjs')
  for (const name of Object.keys(voipsign)) assert.equal(esm[name], voipsign[name], name)
  assert.equal(esm.default, voipsign)
  // By package name (self-reference through "exports"): import gets index.mjs.
  const byName = await import('voipsign')
  assert.equal(byName.sign, voipsign.sign)
  assert.equal(require.resolve('voipsign'), require.resolve('..'))
})
