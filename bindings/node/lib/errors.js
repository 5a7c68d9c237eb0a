// VoipSignError, and how the addon's errors become one.
'use strict'

/**
 * The error every voipsign function throws for bad input. `code` is the stable
 * name of docs/CONTRACT.md ('INVALID_NONCE', ...); `message` names the field and
 * the reason and never contains the session_key.
 */
class VoipSignError extends Error {
  /**
   * @param {import('../index').ErrorCode} code
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

/** The codes the core reports (docs/CONTRACT.md); the C ABI's own ones cannot occur here. */
const CODES = new Set([
  'INVALID_APP_ID',
  'INVALID_GROUP_ID',
  'INVALID_NONCE',
  'INVALID_TIMESTAMP',
  'INVALID_SESSION_KEY',
  'INVALID_SIGNATURE',
  'INVALID_ROOM_TYPE',
  'RNG_FAILURE',
  'INTERNAL',
  // The room ledger (docs/ROOMS.md).
  'ROOM_FULL',
  'DAILY_ROOM_LIMIT',
  'NOT_ADMITTED',
  'INVALID_MEMBER_ID',
  'INVALID_RULES',
  'LEDGER_UNAVAILABLE',
  // The Redis store (Ledger.redis).
  'INVALID_REDIS_URL',
])

const PANIC_MESSAGE = 'internal error in voipsign (a Rust panic was caught; this is a bug, please report it)'

/**
 * What to throw for an error the addon threw: a `VoipSignError` with the core's
 * code and message; for a Rust panic (`#[napi(catch_unwind)]` reports it with
 * napi-rs's code `GenericFailure`) a `VoipSignError` with code `INTERNAL`, whose
 * message does not repeat the panic's (Rust's panic hook has printed it). Any
 * other error (none is expected) passes unchanged.
 * @param {unknown} err
 * @returns {unknown}
 */
function fromNative(err) {
  if (err instanceof Error) {
    const code = /** @type {{ code?: unknown }} */ (err).code
    if (typeof code === 'string' && CODES.has(code)) {
      return new VoipSignError(/** @type {import('../index').ErrorCode} */ (code), err.message)
    }
    if (code === 'GenericFailure') return new VoipSignError('INTERNAL', PANIC_MESSAGE)
  }
  return err
}

module.exports = { VoipSignError, fromNative, CODES, PANIC_MESSAGE }
