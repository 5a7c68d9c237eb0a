// The room ledger (docs/ROOMS.md): the package's `Ledger` class over the addon's
// (src/ledger.rs). `Ledger.memory(options)` and `Ledger.redis(url, options)` pass
// the options object's own properties to the core as they are: the core refuses
// unknown names, applies the defaults and checks types and ranges, in its one
// order (an InputError naming the option as here). Over the memory store each
// method makes one call into the core on this thread; over Redis the addon
// returns a Promise settled from libuv's thread pool. Results are core's JSON.
// Every method returns a Promise and never throws: a TypeError or RangeError
// about an argument rejects it too, as in Node's promise APIs (fs/promises).
'use strict'

const { inspect } = require('node:util')
const check = require('./args.js')

const SEAT = '{ appId, groupId, memberId, nowMs }'

/** @typedef {import('../index').Ledger} PublicLedger the declared class (index.d.ts) */

/**
 * The package's Ledger class over `native` (the production addon, or in the
 * tests the test-panic build of it).
 * @param {typeof import('../binding')} native
 * @param {(err: unknown) => unknown} fromNative
 */
function ledgerClass(native, fromNative) {
  /** Only Ledger.memory and Ledger.redis make a Ledger. */
  const token = Symbol('Ledger')

  /**
   * The addon's ledger for `options` (an object, else a TypeError).
   * @param {string} fn
   * @param {string | null} url
   * @param {unknown} options
   */
  function open(fn, url, options) {
    if (typeof options !== 'object' || options === null) {
      const message = `The "options" argument of ${fn}() must be an object like { capacity, dailyRoomLimit, ... }. Received ${check.typeName(options)}`
      throw check.typeError(message)
    }
    try {
      return native.Ledger.open(url, Object.keys(options), Object.values(options))
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** @implements {PublicLedger} */
  class Ledger {
    /** @type {import('../binding').Ledger} */
    #native
    /** @type {Readonly<import('../index').Limits>} */
    #rules
    /** What util.inspect shows: `Ledger.memory({ ... })` or `Ledger.redis('redis://***@host:port', { ... })`. */
    #shown

    /**
     * @param {import('../binding').Ledger} handle
     * @param {symbol} key
     */
    constructor(handle, key) {
      if (key !== token) {
        const message = 'Illegal constructor: make a Ledger with Ledger.memory({ ...options }) or Ledger.redis(url, { ...options })'
        throw Object.assign(new TypeError(message), { code: 'ERR_ILLEGAL_CONSTRUCTOR' })
      }
      this.#native = handle
      const { redactedUrl, connectTimeoutMs, commandTimeoutMs, keyPrefix, ...rules } = JSON.parse(handle.settings())
      this.#rules = Object.freeze(rules)
      const settings = inspect(redactedUrl === undefined ? rules : { ...rules, connectTimeoutMs, commandTimeoutMs, keyPrefix }, { breakLength: Infinity })
      this.#shown = redactedUrl === undefined ? `Ledger.memory(${settings})` : `Ledger.redis(${inspect(redactedUrl)}, ${settings})`
    }

    /**
     * @param {import('../index').LedgerOptions} [options]
     * @returns {Ledger}
     */
    static memory(options = {}) {
      return new Ledger(open('Ledger.memory', null, options), token)
    }

    /**
     * @param {string} url
     * @param {import('../index').RedisLedgerOptions} [options]
     * @returns {Ledger}
     */
    static redis(url, options = {}) {
      return new Ledger(open('Ledger.redis', check.string('url', url, 'argument'), options), token)
    }

    /** The rules in force, every default filled in (a frozen object). */
    get rules() {
      return this.#rules
    }

    /**
     * An addon call as a Promise of its parsed result, its error made voipsign's.
     * @param {(handle: import('../binding').Ledger) => string | Promise<string>} call
     */
    async #call(call) {
      try {
        return JSON.parse(await call(this.#native))
      } catch (err) {
        throw fromNative(err)
      }
    }

    /** @type {import('../index').Ledger['admit']} */
    async admit(params) {
      const p = check.object('ledger.admit', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.admit(appId, groupId, memberId, nowMs))
    }

    /** @type {import('../index').Ledger['admitAndIssue']} */
    async admitAndIssue(params) {
      const like = '{ appId, groupId, memberId, sessionKey, roomType, nowMs }'
      const p = check.object('ledger.admitAndIssue', params, like)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const sessionKey = check.string('sessionKey', p.sessionKey)
      const roomType = check.optionalString('roomType', p.roomType)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.admitAndIssue(appId, groupId, memberId, sessionKey, roomType, nowMs))
    }

    /** @type {import('../index').Ledger['heartbeat']} */
    async heartbeat(params) {
      const p = check.object('ledger.heartbeat', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.heartbeat(appId, groupId, memberId, nowMs))
    }

    /** @type {import('../index').Ledger['leave']} */
    async leave(params) {
      const p = check.object('ledger.leave', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.leave(appId, groupId, memberId, nowMs))
    }

    /** @type {import('../index').Ledger['sync']} */
    async sync(params) {
      const p = check.object('ledger.sync', params, '{ appId, groupId, openIds, nowMs }')
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const openIds = check.strings('openIds', p.openIds)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.sync(appId, groupId, openIds, nowMs))
    }

    /** @type {import('../index').Ledger['room']} */
    async room(params) {
      const p = check.object('ledger.room', params, '{ appId, groupId, nowMs }')
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.room(appId, groupId, nowMs))
    }

    /** @type {import('../index').Ledger['usage']} */
    async usage(params) {
      const p = check.object('ledger.usage', params, '{ appId, day, nowMs }')
      const appId = check.string('appId', p.appId)
      const day = check.optionalInteger('day', p.day)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.usage(appId, day, nowMs))
    }

    /** @type {import('../index').Ledger['rooms']} */
    async rooms(params) {
      const p = check.object('ledger.rooms', params, '{ appId, limit, after, nowMs }')
      const appId = check.string('appId', p.appId)
      // A number, else a TypeError; which numbers are page sizes (whole, 1-1000)
      // is the core's to say, after the appId (INVALID_LIMIT).
      const limit = check.optionalNumber('limit', p.limit)
      // `null` too: the `next` of the last page, passed back as it is.
      const after = p.after === null ? undefined : check.optionalString('after', p.after)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return this.#call((n) => n.rooms(appId, limit, after, nowMs))
    }

    /**
     * Close the ledger: every later call rejects with `LedgerClosed` (calls in
     * flight settle); a Redis ledger's connections close once they have.
     * Closing again does nothing.
     * @returns {Promise<void>}
     */
    async close() {
      this.#native.close()
    }

    /** `await using ledger = Ledger.redis(...)`: closes it. */
    [Symbol.asyncDispose]() {
      return this.close()
    }

    /** `using ledger = Ledger.memory(...)`: closes it. */
    [Symbol.dispose]() {
      this.#native.close()
    }

    /**
     * In util.inspect and console.log: `Ledger.memory({ capacity: 10, ... })`, or
     * `Ledger.redis('redis://***@10.0.0.5:6379', { capacity: 10, ..., keyPrefix: 'voipsign' })`
     * (the hosts, never a password).
     */
    [inspect.custom]() {
      return this.#shown
    }
  }
  Object.defineProperty(Ledger.prototype, Symbol.toStringTag, { value: 'Ledger', configurable: true })

  return Ledger
}

module.exports = { ledgerClass }
