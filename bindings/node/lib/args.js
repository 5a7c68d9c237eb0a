// JavaScript type checks of the arguments, where the properties are read (before
// the addon is called). A wrong type is a programming error, reported as Node's
// own APIs do: a TypeError with code ERR_INVALID_ARG_TYPE naming the property.
// Values are not judged here (that is the core's job, in the order of
// docs/CONTRACT.md), and the messages never show a value: a mistyped argument
// might be a session_key.
'use strict'

/**
 * The type of `value` for a message: `typeof`, with `null` apart.
 * @param {unknown} value
 */
function typeName(value) {
  return value === null ? 'null' : typeof value
}

/**
 * @param {string} message
 * @returns {TypeError}
 */
function typeError(message) {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' })
}

/**
 * The one object argument of `fn`.
 * @template T
 * @param {string} fn
 * @param {T} params
 * @param {string} [like]
 * @returns {T}
 */
function object(fn, params, like = '{ appId, groupId, ... }') {
  if (typeof params === 'object' && params !== null) return params
  throw typeError(`The "params" argument of ${fn}() must be an object like ${like}. Received ${typeName(params)}`)
}

/**
 * @param {string} name
 * @param {unknown} value
 * @param {'property' | 'argument'} [what]
 * @returns {string}
 */
function string(name, value, what = 'property') {
  if (typeof value === 'string') return value
  throw typeError(`The "${name}" ${what} must be of type string. Received ${typeName(value)}`)
}

/**
 * An optional string: `undefined` stays `undefined`.
 * @param {string} name
 * @param {unknown} value
 * @returns {string | undefined}
 */
function optionalString(name, value) {
  return value === undefined ? undefined : string(name, value)
}

/**
 * timeStamp: a Number or a BigInt (which ones are valid is the core's to say).
 * @param {unknown} value
 * @returns {number | bigint}
 */
function timestamp(value) {
  if (typeof value === 'number' || typeof value === 'bigint') return value
  throw typeError(`The "timeStamp" property must be of type number or bigint. Received ${typeName(value)}`)
}

/**
 * An array of strings (session_keys), element by element.
 * @param {string} name
 * @param {unknown} value
 * @returns {string[]}
 */
function strings(name, value) {
  if (!Array.isArray(value)) {
    throw typeError(`The "${name}" property must be an array of strings. Received ${typeName(value)}`)
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') {
      throw typeError(`The "${name}[${i}]" property must be of type string. Received ${typeName(value[i])}`)
    }
  }
  return value
}

/**
 * sessionSignature's body: a string, a Buffer/Uint8Array, or `undefined`.
 * @param {unknown} value
 * @returns {string | Uint8Array | undefined}
 */
function body(value) {
  if (value === undefined || typeof value === 'string' || isUint8Array(value)) {
    return /** @type {string | Uint8Array | undefined} */ (value)
  }
  const got = ArrayBuffer.isView(value) ? `an instance of ${value.constructor.name}` : typeName(value)
  throw typeError(
    `The "body" argument must be of type string or an instance of Buffer or Uint8Array. Received ${got}`,
  )
}
const { isUint8Array } = require('node:util').types

/**
 * An integer Number: explain's errCode, the ledger's nowMs, day and rules. Not a
 * number is a TypeError (ERR_INVALID_ARG_TYPE); a fraction, NaN, an infinity or
 * beyond ±(2^53 - 1) is a RangeError (ERR_OUT_OF_RANGE), as in Node's own APIs.
 * Which integers are valid is the core's to say.
 * @param {string} name
 * @param {unknown} value
 * @param {'property' | 'argument'} [what]
 * @returns {number}
 */
function integer(name, value, what = 'property') {
  if (typeof value !== 'number') {
    throw typeError(`The "${name}" ${what} must be of type number. Received ${typeName(value)}`)
  }
  if (Number.isSafeInteger(value)) return value
  const must = Number.isInteger(value) ? '>= -9007199254740991 && <= 9007199254740991' : 'an integer'
  const got = Number.isInteger(value) ? value.toExponential().replace('e+', 'e') : String(value)
  const message = `The value of "${name}" is out of range. It must be ${must}. Received ${got}`
  throw Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' })
}

/**
 * An optional Number, any (ledger.rooms' limit: which ones are valid, whole and
 * in range, is the core's to say): `undefined` stays `undefined` (the default);
 * anything but a number is a TypeError (ERR_INVALID_ARG_TYPE).
 * @param {string} name
 * @param {unknown} value
 * @returns {number | undefined}
 */
function optionalNumber(name, value) {
  if (value === undefined || typeof value === 'number') return value
  throw typeError(`The "${name}" property must be of type number. Received ${typeName(value)}`)
}

/**
 * An optional integer: `undefined` stays `undefined` (the default).
 * @param {string} name
 * @param {unknown} value
 * @param {'property' | 'argument'} [what]
 * @returns {number | undefined}
 */
function optionalInteger(name, value, what = 'property') {
  return value === undefined ? undefined : integer(name, value, what)
}

/**
 * explain's errCode: an integer Number.
 * @param {unknown} value
 * @returns {number}
 */
function errCode(value) {
  return integer('errCode', value)
}

module.exports = { object, string, optionalString, timestamp, strings, body, errCode, integer, optionalInteger, optionalNumber, typeError, typeName }
