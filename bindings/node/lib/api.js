// The public functions over a native addon: each reads the properties of its
// one object argument, checks their JavaScript types (./args.js) and passes them
// to the addon positionally; the core checks the values. JavaScript reads
// properties through inline caches in about a nanosecond, N-API in tens.
// Records come back as core's JSON (JSON.parse: their shapes are core's).
'use strict'

const check = require('./args.js')
const { errorOf, InternalError } = require('./codes.js')
const { ledgerClass } = require('./ledger.js')

const PANIC_MESSAGE = 'internal error in voipsign (a Rust panic was caught; this is a bug, please report it)'

/**
 * What to throw for an error the addon threw: the error of its code and kind
 * (lib/codes.js); for a Rust panic (napi-rs's code `GenericFailure`) an
 * `InternalError` whose message does not repeat the panic's (Rust's panic hook
 * has printed it). Any other error (none is expected) passes unchanged.
 * @param {unknown} err
 * @returns {unknown}
 */
function fromNative(err) {
  if (err instanceof Error) {
    const { code, kind } = /** @type {{ code?: unknown, kind?: unknown }} */ (err)
    if (code === 'GenericFailure') return new InternalError(PANIC_MESSAGE)
    if (typeof code === 'string' && typeof kind === 'string') return errorOf(code, kind, err.message)
  }
  return err
}

/**
 * The package's API over `native` (the production addon, or in the tests the
 * test-panic build of it).
 * @param {typeof import('../binding')} native
 */
function bind(native) {
  /** @type {typeof import('../index').sign} */
  function sign(params) {
    const p = check.object('sign', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const nonceStr = check.string('nonceStr', p.nonceStr)
    const timeStamp = check.timestamp(p.timeStamp)
    const sessionKey = check.string('sessionKey', p.sessionKey)
    try {
      return native.sign(appId, groupId, nonceStr, timeStamp, sessionKey)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').verify} */
  function verify(params) {
    const p = check.object('verify', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const nonceStr = check.string('nonceStr', p.nonceStr)
    const timeStamp = check.timestamp(p.timeStamp)
    const sessionKey = check.string('sessionKey', p.sessionKey)
    const signature = check.string('signature', p.signature)
    try {
      return native.verify(appId, groupId, nonceStr, timeStamp, sessionKey, signature)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').canonical} */
  function canonical(params) {
    const p = check.object('canonical', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const nonceStr = check.string('nonceStr', p.nonceStr)
    const timeStamp = check.timestamp(p.timeStamp)
    try {
      return native.canonical(appId, groupId, nonceStr, timeStamp)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').issue} */
  function issue(params) {
    const p = check.object('issue', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const sessionKey = check.string('sessionKey', p.sessionKey)
    const roomType = check.optionalString('roomType', p.roomType)
    try {
      return JSON.parse(native.issue(appId, groupId, sessionKey, roomType))
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').signMany} */
  function signMany(params) {
    const p = check.object('signMany', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const nonceStr = check.string('nonceStr', p.nonceStr)
    const timeStamp = check.timestamp(p.timeStamp)
    const sessionKeys = check.strings('sessionKeys', p.sessionKeys)
    let joined
    try {
      joined = native.signMany(appId, groupId, nonceStr, timeStamp, sessionKeys)
    } catch (err) {
      throw fromNative(err)
    }
    // The addon returns the signatures joined (64 hex digits each).
    const out = new Array(joined.length / 64)
    for (let i = 0; i < out.length; i++) out[i] = joined.slice(i * 64, i * 64 + 64)
    return out
  }

  /** @type {typeof import('../index').sessionSignature} */
  function sessionSignature(sessionKey, body) {
    const key = check.string('sessionKey', sessionKey, 'argument')
    const bytes = check.body(body)
    try {
      return native.sessionSignature(key, bytes)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').diagnose} */
  function diagnose(params) {
    const p = check.object('diagnose', params)
    const appId = check.string('appId', p.appId)
    const groupId = check.string('groupId', p.groupId)
    const nonceStr = check.string('nonceStr', p.nonceStr)
    const timeStamp = check.timestamp(p.timeStamp)
    const sessionKey = check.string('sessionKey', p.sessionKey)
    const signature = check.string('signature', p.signature)
    // An absent otherSessionKeys (undefined) means none.
    const others = p.otherSessionKeys === undefined ? undefined : check.strings('otherSessionKeys', p.otherSessionKeys)
    try {
      return JSON.parse(native.diagnose(appId, groupId, nonceStr, timeStamp, sessionKey, signature, others))
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @type {typeof import('../index').explain} */
  function explain(params) {
    const p = check.object('explain', params, '{ errCode, errMsg, context }')
    const errCode = check.errCode(p.errCode)
    const errMsg = check.optionalString('errMsg', p.errMsg)
    const ctx = p.context ?? {}
    if (typeof ctx !== 'object' || Array.isArray(ctx)) {
      throw check.typeError(`The "context" property of explain() must be an object like { keyReplaced, seatedElsewhere, ... }. Received ${check.typeName(ctx)}`)
    }
    try {
      return JSON.parse(native.explain(errCode, errMsg, Object.keys(ctx), Object.values(ctx)))
    } catch (err) {
      throw fromNative(err)
    }
  }

  const Ledger = ledgerClass(native, fromNative)

  return { sign, verify, canonical, issue, signMany, sessionSignature, diagnose, explain, Ledger }
}

module.exports = { bind, fromNative, PANIC_MESSAGE }
