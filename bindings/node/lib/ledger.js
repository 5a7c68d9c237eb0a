// The room ledger (docs/ROOMS.md): the package's `Ledger` class over the addon's
// two: `Ledger.memory` over src/ledger.rs, whose methods make one call into the
// core on this thread (the memory store answers in well under a microsecond),
// and `Ledger.redis` over src/redis.rs, whose methods return Promises settled
// from libuv's thread pool (the Redis store waits on the network; never on this
// thread). Each method reads the properties of its one object argument, checks
// their JavaScript types (./args.js) and passes them to the addon.
// Every method returns a Promise and never throws: a TypeError or RangeError
// about an argument rejects it too, as in Node's promise APIs (fs/promises).
'use strict'

const { inspect } = require('node:util')
const check = require('./args.js')
const { VoipSignError, fromNative } = require('./errors.js')

/** The rules of Ledger.memory, in the order the core checks them. */
const RULES = /** @type {const} */ ([
  'capacity',
  'dailyRoomLimit',
  'dailyRoomWarning',
  'reserveTtlMs',
  'leaseTtlMs',
  'syncGraceMs',
  'dayOffsetMinutes',
  'onUnavailable',
])

/** The connection options of Ledger.redis, after the rules, in the order the core checks them. */
const REDIS_OPTIONS = /** @type {const} */ (['connectTimeoutMs', 'commandTimeoutMs', 'keyPrefix'])

/** The core names the rules and options in snake case; its INVALID_RULES messages get the names of this API. */
const RULE_NAMES = new RegExp(
  `\\b(${[...RULES, ...REDIS_OPTIONS].map((r) => r.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)).join('|')})\\b`,
  'g',
)

/** @param {string} snake */
const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/**
 * The error to throw for one the addon threw: as `fromNative`, with the rules
 * named as in this API (`dailyRoomLimit is 0; …`).
 * @param {unknown} err
 */
function rulesError(err) {
  const e = fromNative(err)
  if (e instanceof VoipSignError && e.code === 'INVALID_RULES') {
    return new VoipSignError('INVALID_RULES', e.message.replace(RULE_NAMES, camel))
  }
  return e
}

/**
 * An addon call as a Promise: its result, or its error made a VoipSignError
 * (the memory store answers at once; the Redis store returns a Promise).
 * @template T
 * @param {() => T | Promise<T>} call
 * @returns {Promise<T>}
 */
async function settle(call) {
  try {
    return await call()
  } catch (err) {
    throw fromNative(err)
  }
}

const SEAT = '{ appId, groupId, memberId, nowMs }'

/**
 * The rules and options of `params` (a factory's object argument): unknown
 * properties refused, types checked (before the core judges any value).
 * @param {string} fn the factory, for messages
 * @param {unknown} params
 * @param {readonly string[]} known the properties it takes
 */
function readRules(fn, params, known) {
  if (typeof params !== 'object' || params === null) {
    throw check.typeError(
      `The "${fn === 'Ledger.memory' ? 'rules' : 'options'}" argument of ${fn}() must be an object like { capacity, dailyRoomLimit, ... }. Received ${check.typeName(params)}`,
    )
  }
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      const what = fn === 'Ledger.memory' ? 'the rules are' : 'the rules and options are'
      const message = `The "${fn === 'Ledger.memory' ? 'rules' : 'options'}" argument of ${fn}() has an unknown property "${key}"; ${what} ${known.join(', ')}`
      throw Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_VALUE' })
    }
  }
  const r = /** @type {Record<string, unknown>} */ (params)
  const numbers = RULES.slice(0, 7).map((name) => check.optionalInteger(name, r[name]))
  const onUnavailable = check.optionalString('onUnavailable', r.onUnavailable)
  return { r, numbers, onUnavailable }
}

/** @typedef {import('../index').Ledger} PublicLedger the declared class (index.d.ts) */

/**
 * The package's Ledger class over `native` (the production addon, or in the
 * tests the test-panic build of it).
 * @param {typeof import('../binding')} native
 */
function ledgerClass(native) {
  /** Only Ledger.memory and Ledger.redis make a Ledger. */
  const token = Symbol('Ledger')

  /** @implements {PublicLedger} */
  class Ledger {
    /** @type {import('../binding').Ledger | import('../binding').RedisLedger} */
    #native
    /** @type {Readonly<import('../binding').Limits>} */
    #rules
    /** What util.inspect shows: `Ledger.memory({ ... })` or `Ledger.redis('redis://host:port', { ... })`. */
    #shown

    /**
     * @param {import('../binding').Ledger | import('../binding').RedisLedger} handle
     * @param {symbol} key
     * @param {string} factory `Ledger.memory(` or `Ledger.redis('redis://…', `
     * @param {(rules: import('../binding').Limits) => object} shown what util.inspect shows of the arguments
     */
    constructor(handle, key, factory, shown) {
      if (key !== token) {
        const message = 'Illegal constructor: make a Ledger with Ledger.memory({ ...rules }) or Ledger.redis(url, { ...options })'
        throw Object.assign(new TypeError(message), { code: 'ERR_ILLEGAL_CONSTRUCTOR' })
      }
      this.#native = handle
      this.#rules = Object.freeze(handle.limits())
      this.#shown = `${factory}${inspect(shown(this.#rules), { breakLength: Infinity })})`
    }

    /**
     * @param {import('../index').LedgerRules} [rules]
     * @returns {Ledger}
     */
    static memory(rules = {}) {
      const { numbers, onUnavailable } = readRules('Ledger.memory', rules, RULES)
      let handle
      try {
        const [cap, limit, warning, reserve, lease, grace, offset] = numbers
        handle = native.Ledger.memory(cap, limit, warning, reserve, lease, grace, offset, onUnavailable)
      } catch (err) {
        throw rulesError(err)
      }
      return new Ledger(handle, token, 'Ledger.memory(', (rules) => ({ ...rules }))
    }

    /**
     * @param {string} url
     * @param {import('../index').RedisLedgerOptions} [options]
     * @returns {Ledger}
     */
    static redis(url, options = {}) {
      const u = check.string('url', url, 'argument')
      const { r, numbers, onUnavailable } = readRules('Ledger.redis', options, [...RULES, ...REDIS_OPTIONS])
      const connect = check.optionalInteger('connectTimeoutMs', r.connectTimeoutMs)
      const command = check.optionalInteger('commandTimeoutMs', r.commandTimeoutMs)
      const keyPrefix = check.optionalString('keyPrefix', r.keyPrefix)
      let handle
      try {
        const [cap, limit, warning, reserve, lease, grace, offset] = numbers
        handle = native.RedisLedger.open(u, cap, limit, warning, reserve, lease, grace, offset, onUnavailable, connect, command, keyPrefix)
      } catch (err) {
        throw rulesError(err)
      }
      // The URL as the core redacts it (RedisStore::redacted_url): no credentials.
      const { redactedUrl, ...settings } = /** @type {import('../binding').RedisLedger} */ (handle).settings()
      return new Ledger(handle, token, `Ledger.redis(${inspect(redactedUrl)}, `, (rules) => ({ ...rules, ...settings }))
    }

    /** The rules in force, every default filled in (a frozen object). */
    get rules() {
      return this.#rules
    }

    /** @type {import('../index').Ledger['admit']} */
    async admit(params) {
      const p = check.object('ledger.admit', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.admit(appId, groupId, memberId, nowMs))
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
      return settle(() => this.#native.admitAndIssue(appId, groupId, memberId, sessionKey, roomType, nowMs))
    }

    /** @type {import('../index').Ledger['heartbeat']} */
    async heartbeat(params) {
      const p = check.object('ledger.heartbeat', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.heartbeat(appId, groupId, memberId, nowMs))
    }

    /** @type {import('../index').Ledger['leave']} */
    async leave(params) {
      const p = check.object('ledger.leave', params, SEAT)
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const memberId = check.string('memberId', p.memberId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.leave(appId, groupId, memberId, nowMs))
    }

    /** @type {import('../index').Ledger['sync']} */
    async sync(params) {
      const p = check.object('ledger.sync', params, '{ appId, groupId, openIds, nowMs }')
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const openIds = check.strings('openIds', p.openIds)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.sync(appId, groupId, openIds, nowMs))
    }

    /** @type {import('../index').Ledger['room']} */
    async room(params) {
      const p = check.object('ledger.room', params, '{ appId, groupId, nowMs }')
      const appId = check.string('appId', p.appId)
      const groupId = check.string('groupId', p.groupId)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.room(appId, groupId, nowMs))
    }

    /** @type {import('../index').Ledger['usage']} */
    async usage(params) {
      const p = check.object('ledger.usage', params, '{ appId, day, nowMs }')
      const appId = check.string('appId', p.appId)
      const day = check.optionalInteger('day', p.day)
      const nowMs = check.optionalInteger('nowMs', p.nowMs)
      return settle(() => this.#native.usage(appId, day, nowMs))
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

module.exports = { ledgerClass, RULES, REDIS_OPTIONS }
