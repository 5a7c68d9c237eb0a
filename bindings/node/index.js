// voipsign: signatures for WeChat wx.joinVoIPChat, computed by one audited Rust
// core (../../core) through a napi-rs addon. See index.d.ts for the documented
// API, README.md for examples.
//
// This file only reads the properties of the one object argument and passes them
// to the addon positionally (JavaScript reads properties through inline caches in
// about a nanosecond, N-API in tens), and defines the error class. All checks,
// sorting and HMAC (and diagnose's search) happen in Rust.
'use strict'

const native = require('./binding.js')

/**
 * The error every voipsign function throws for bad input. `code` is the stable
 * DESIGN.md name ('INVALID_NONCE', ...); `message` names the field and the reason
 * and never contains the session_key.
 */
class VoipSignError extends Error {
  /**
   * @param {import('./index').ErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message)
    this.code = code
  }
}
Object.defineProperty(VoipSignError.prototype, 'name', {
  value: 'VoipSignError',
  writable: true,
  configurable: true,
})

// The addon builds its errors with `new VoipSignError(code, message)`. Each
// worker thread loads its own copy of this file and registers its own class.
native._setErrorClass(VoipSignError)

function notAnObject(fn, params, like = '{ appId, groupId, ... }') {
  const got = params === null ? 'null' : typeof params
  const err = new TypeError(`The "params" argument of ${fn}() must be an object like ${like}. Received ${got}`)
  err.code = 'ERR_INVALID_ARG_TYPE'
  return err
}

/** @type {typeof import('./index').sign} */
function sign(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('sign', params)
  return native.sign(params.appId, params.groupId, params.nonceStr, params.timeStamp, params.sessionKey)
}

/** @type {typeof import('./index').verify} */
function verify(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('verify', params)
  return native.verify(
    params.appId,
    params.groupId,
    params.nonceStr,
    params.timeStamp,
    params.sessionKey,
    params.signature,
  )
}

/** @type {typeof import('./index').canonical} */
function canonical(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('canonical', params)
  return native.canonical(params.appId, params.groupId, params.nonceStr, params.timeStamp)
}

/** @type {typeof import('./index').issue} */
function issue(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('issue', params)
  return native.issue(params.appId, params.groupId, params.sessionKey, params.roomType)
}

/** @type {typeof import('./index').signMany} */
function signMany(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('signMany', params)
  // The addon returns the signatures joined (64 hex digits each).
  const joined = native.signMany(params.appId, params.groupId, params.nonceStr, params.timeStamp, params.sessionKeys)
  const out = new Array(joined.length / 64)
  for (let i = 0; i < out.length; i++) out[i] = joined.slice(i * 64, i * 64 + 64)
  return out
}

/** @type {typeof import('./index').diagnose} */
function diagnose(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('diagnose', params)
  // An absent otherSessionKeys (undefined) means none.
  return native.diagnose(
    params.appId,
    params.groupId,
    params.nonceStr,
    params.timeStamp,
    params.sessionKey,
    params.signature,
    params.otherSessionKeys,
  )
}

/** @type {typeof import('./index').explain} */
function explain(params) {
  if (typeof params !== 'object' || params === null) throw notAnObject('explain', params, '{ errCode, errMsg }')
  return native.explain(params.errCode, params.errMsg)
}

module.exports = {
  sign,
  verify,
  canonical,
  issue,
  signMany,
  sessionSignature: native.sessionSignature,
  diagnose,
  explain,
  VoipSignError,
}
